// A read-only memory mapping of a whole file, shared by everything that views its bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pteron {

class MappedFile {
  public:
    // Maps `path` read-only; throws FormatError naming the file when it cannot be opened.
    static std::shared_ptr<const MappedFile> open(const std::string& path);
    // Wraps bytes already in memory (generated artifacts, tests); the mapping owns a copy.
    static std::shared_ptr<const MappedFile> fromBytes(std::string name,
                                                       std::span<const std::byte> bytes);

    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const std::string& path() const { return path_; }
    std::span<const std::byte> bytes() const { return {data_, size_}; }
    std::size_t size() const { return size_; }

  private:
    MappedFile() = default;

    std::string path_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    bool mapped_ = false;
    std::vector<std::byte> owned_;
};

} // namespace pteron
