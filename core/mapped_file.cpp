#include "core/mapped_file.hpp"

#include "core/format_error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pteron {

namespace {
// Closes the descriptor when the mapping has been made (or failed).
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};
} // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path) {
    // O_NONBLOCK: opening a named pipe with no writer must not wait; fstat then refuses it.
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (file.fd < 0)
        throw FormatError(path, "", "",
                          std::string("a readable file (") + std::strerror(errno) + ")");
    struct stat info {};
    if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode))
        throw FormatError(path, "", "", "a regular file");

    auto mapping = std::shared_ptr<MappedFile>(new MappedFile());
    mapping->path_ = path;
    mapping->size_ = static_cast<std::size_t>(info.st_size);
    if (mapping->size_ == 0) return mapping;

    void* address = ::mmap(nullptr, mapping->size_, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (address == MAP_FAILED)
        throw FormatError(path, "", "",
                          std::string("a mappable file (") + std::strerror(errno) + ")");
    mapping->data_ = static_cast<const std::byte*>(address);
    mapping->mapped_ = true;
    return mapping;
}

std::shared_ptr<const MappedFile> MappedFile::fromBytes(std::string name,
                                                        std::span<const std::byte> bytes) {
    auto mapping = std::shared_ptr<MappedFile>(new MappedFile());
    mapping->path_ = std::move(name);
    mapping->size_ = bytes.size();
    // operator new aligns to 16 bytes, enough for every flatbuffer scalar.
    mapping->owned_.assign(bytes.begin(), bytes.end());
    mapping->data_ = mapping->owned_.data();
    return mapping;
}

MappedFile::~MappedFile() {
    if (mapped_) ::munmap(const_cast<std::byte*>(data_), size_);
}

} // namespace pteron
