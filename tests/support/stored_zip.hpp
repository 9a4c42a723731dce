// Writes ZIP archives of stored (uncompressed) members, the way Python's zipfile.writestr and
// torch.save lay out ETRecords and their state dicts, for tests that build variants of them.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace pteron::testing {

using ZipMembers = std::vector<std::pair<std::string, std::vector<std::byte>>>;

std::vector<std::byte> storedZip(const ZipMembers& members);
std::vector<std::byte> bytesOf(const std::string& text);

} // namespace pteron::testing
