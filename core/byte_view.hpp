// A view of bytes inside a mapped file that keeps the mapping alive; constants never copy weights.
#pragma once

#include "core/mapped_file.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace pteron {

class ByteView {
  public:
    ByteView() = default;
    ByteView(std::shared_ptr<const MappedFile> owner, std::span<const std::byte> bytes)
        : owner_(std::move(owner)), bytes_(bytes) {}

    std::span<const std::byte> bytes() const { return bytes_; }
    std::size_t size() const { return bytes_.size(); }
    bool empty() const { return bytes_.empty(); }
    // A part of this view sharing its owner; the caller has checked the range.
    ByteView sub(std::size_t offset, std::size_t length) const {
        return ByteView(owner_, bytes_.subspan(offset, length));
    }
    const MappedFile* owner() const { return owner_.get(); }
    // Byte offset of the view inside its file, for display.
    std::uint64_t fileOffset() const {
        return owner_ ? static_cast<std::uint64_t>(bytes_.data() - owner_->bytes().data()) : 0;
    }

  private:
    std::shared_ptr<const MappedFile> owner_;
    std::span<const std::byte> bytes_;
};

} // namespace pteron
