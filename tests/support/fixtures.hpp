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
// Every model fixture: the .pte, .tosa, .tflite and .vgf files, folder by folder.
std::vector<std::string> modelFixtures();
// The oracle folder ($PTERON_ORACLES, or the "oracles" folder beside the fixtures folder):
// inputs and the outputs tools other than pteron computed for them.
std::filesystem::path oraclesDir();
// Absolute path of an oracle file, e.g. oracle("bpte/et_module_test_bundled_program.bpte").
std::string oracle(const std::string& relative);
// Folder for files tests generate (tests/fixtures-made under the build tree).
std::filesystem::path madeDir();

} // namespace pteron::testing
