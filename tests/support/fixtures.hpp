// Locates the shared real fixture files for tests ($PTERON_FIXTURES or the folder beside the
// checkout).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pteron::testing {

std::filesystem::path fixturesDir();
// Absolute path of a fixture, e.g. fixture("pte/cc_multi_method.pte").
std::string fixture(const std::string& relative);
// Every file in a fixture subfolder with the given extension, sorted.
std::vector<std::string> fixturesIn(const std::string& folder, const std::string& extension);
// Folder for files tests generate (tests/fixtures-made under the build tree).
std::filesystem::path madeDir();

} // namespace pteron::testing
