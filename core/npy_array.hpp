// NumPy .npy arrays (format versions 1, 2 and 3): dtype, shape and a view of the element bytes.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pteron {

struct NpyArray {
    std::string descr; // as written: "<u1", "<i8", "|b1", "|O"
    char kind = 0;     // 'b' bool, 'i' signed, 'u' unsigned, 'f' float, others kept opaque
    std::size_t itemSize = 0;
    bool bigEndian = false;
    bool fortranOrder = false;
    std::vector<std::int64_t> shape; // empty for a 0-d scalar
    std::uint64_t elementCount = 0;
    // elementCount * itemSize bytes; for object arrays ('O', pickled) the rest of the payload.
    ByteView data;

    bool numeric() const { return kind == 'b' || kind == 'i' || kind == 'u' || kind == 'f'; }
    DType dtype() const;
    // Element `index` of a numeric array; the caller keeps index < elementCount.
    std::int64_t integerAt(std::uint64_t index) const;
    double realAt(std::uint64_t index) const;
    // Every element as integers (floats truncated toward zero); empty for non-numeric arrays.
    std::vector<std::int64_t> integers() const;
};

// Parses one .npy payload; `file` and `where` name it in errors (format "npy").
NpyArray parseNpy(const ByteView& bytes, const std::string& file, const std::string& where);

} // namespace pteron
