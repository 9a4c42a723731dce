#include "runtime/input_generator.hpp"

#include "runtime/runtime_error.hpp"
#include "runtime/tensor_elements.hpp"

#include <limits>

namespace pteron::runtime {

namespace {

// SplitMix64: a fixed, well-known sequence, so a seed gives the same inputs everywhere.
class SplitMix64 {
  public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1) with 53 bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  private:
    std::uint64_t state_;
};

struct IntegerRange {
    std::int64_t low = 0;
    std::int64_t high = 0; // inclusive
};

IntegerRange rangeOf(DType type) {
    switch (type) {
    case DType::Bool:
        return {0, 1};
    case DType::Int4:
        return {-8, 7};
    case DType::Int8:
    case DType::QInt8:
        return {-128, 127};
    case DType::UInt8:
    case DType::QUInt8:
        return {0, 255};
    case DType::Int16:
        return {-32768, 32767};
    case DType::UInt16:
        return {0, 65535};
    default:
        return {0, 15};
    }
}

} // namespace

Tensor randomInput(const InputSpec& spec, std::uint64_t seed, std::size_t position) {
    Shape shape = spec.shape;
    for (auto& dim : shape)
        if (dim < 0) dim = 1;
    if (!isNumericType(spec.dtype))
        throw RuntimeError("input " + spec.name + " of type " + std::string(dtypeName(spec.dtype)) +
                           " cannot be generated; give it with --input");
    Tensor tensor(spec.dtype, shape);
    tensor.quantization = spec.quantization;
    SplitMix64 random(seed * 0x100000001b3ull + position);
    const bool integer = isIntegerType(spec.dtype);
    const auto range = rangeOf(spec.dtype);
    const auto span = static_cast<std::uint64_t>(range.high - range.low) + 1;
    for (std::uint64_t i = 0; i < tensor.elementCount(); ++i) {
        if (integer)
            setElement(
                tensor, i,
                static_cast<double>(range.low + static_cast<std::int64_t>(random.next() % span)));
        else
            setElement(tensor, i, random.unit() * 2.0 - 1.0);
    }
    return tensor;
}

} // namespace pteron::runtime
