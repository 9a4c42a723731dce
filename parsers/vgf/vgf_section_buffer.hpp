// Verified access to one flatbuffer section of a VGF file, whatever its alignment in the file.
#pragma once

#include "parsers/common/flatbuffer_check.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace pteron::vgf {

// Files before 0.4.3 place sections on 4-byte boundaries, so a section may not sit on the
// 8-byte boundary the verifier and the 64-bit fields need; such a section is read from an
// aligned copy. Byte vectors found in the copy map back to the file at the same offset.
class SectionBuffer {
  public:
    explicit SectionBuffer(std::span<const std::byte> bytes) : original_(bytes) {
        if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 8 == 0) {
            view_ = bytes;
            return;
        }
        copy_.resize(bytes.size() / 8 + 1);
        std::copy(bytes.begin(), bytes.end(), reinterpret_cast<std::byte*>(copy_.data()));
        view_ = std::as_bytes(std::span(copy_)).first(bytes.size());
    }
    SectionBuffer(const SectionBuffer&) = delete;
    SectionBuffer& operator=(const SectionBuffer&) = delete;

    template <typename T> const T* root(const FlatbufferSource& source) const {
        return verifiedRoot<T>(view_, nullptr, source);
    }

    // Offset inside the section of `pointer`, which points into the verified view.
    std::size_t offsetOf(const void* pointer) const {
        return static_cast<std::size_t>(static_cast<const std::byte*>(pointer) - view_.data());
    }

  private:
    std::span<const std::byte> original_;
    std::span<const std::byte> view_;
    std::vector<std::uint64_t> copy_;
};

} // namespace pteron::vgf
