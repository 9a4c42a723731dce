#include "runtime/constant_tensor.hpp"

#include "runtime/runtime_error.hpp"

namespace pteron::runtime {

namespace {

[[noreturn]] void tooShort(const Graph& graph, const Value& value) {
    throw RuntimeError("graph " + graph.id + ": constant " + value.name +
                       " holds fewer bytes than its shape needs");
}

// Stored packed in 6 little-endian bytes; the runtime keeps int48 sign-extended in 8.
Tensor unpackInt48(const Graph& graph, const Value& value) {
    Tensor tensor(DType::Int48, value.shape);
    auto elements = tensor.mutableElements<std::int64_t>();
    const auto bytes = value.data.bytes();
    if (bytes.size() < elements.size() * 6) tooShort(graph, value);
    for (std::size_t i = 0; i < elements.size(); ++i) {
        std::uint64_t raw = 0;
        for (int b = 5; b >= 0; --b)
            raw =
                (raw << 8) | static_cast<std::uint8_t>(bytes[i * 6 + static_cast<std::size_t>(b)]);
        elements[i] = static_cast<std::int64_t>(raw << 16) >> 16;
    }
    return tensor;
}

// Two elements per byte, the even one in the low nibble. Formats that pack each row of the last
// axis on its own (XNNPACK's 4-bit weights, marked "int4 rows padded") start every row on a
// byte, so an odd row ends in an unused nibble.
Tensor unpackInt4(const Graph& graph, const Value& value) {
    Tensor tensor(value.dtype, value.shape);
    auto elements = tensor.mutableElements<std::uint8_t>();
    const bool rowsPadded = findAttribute(value.attributes, "int4 rows padded") != nullptr;
    const std::uint64_t rowLength =
        rowsPadded && !value.shape.empty() ? static_cast<std::uint64_t>(value.shape.back()) : 0;
    const std::uint64_t rowNibbles = rowLength + (rowLength % 2);
    const auto bytes = value.data.bytes();
    const bool isSigned = value.dtype == DType::Int4;
    for (std::uint64_t i = 0; i < elements.size(); ++i) {
        const auto nibble = rowLength ? (i / rowLength) * rowNibbles + i % rowLength : i;
        if (nibble / 2 >= bytes.size()) tooShort(graph, value);
        const auto byte = static_cast<std::uint8_t>(bytes[nibble / 2]);
        const auto raw = static_cast<std::uint8_t>(nibble % 2 ? byte >> 4 : byte & 0xF);
        elements[i] = isSigned ? static_cast<std::uint8_t>((raw ^ 8) - 8) : raw;
    }
    return tensor;
}

// How files pack fp6/fp4 constants is not published, so their bytes are not read.
bool packingUnpublished(DType dtype) {
    return dtype == DType::Float6E2M3 || dtype == DType::Float6E3M2 || dtype == DType::Float4E2M1;
}

} // namespace

bool holdsConstant(const Value& value) {
    return value.kind == ValueKind::Constant && !value.data.empty() && value.hasShape &&
           runtimeElementBytes(value.dtype) != 0;
}

Tensor constantTensor(const Graph& graph, const Value& value) {
    try {
        Tensor tensor;
        if (packingUnpublished(value.dtype))
            throw RuntimeError(std::string(dtypeName(value.dtype)) +
                               " constants are packed in a way no published format note defines");
        if (value.dtype == DType::Int48)
            tensor = unpackInt48(graph, value);
        else if (value.dtype == DType::Int4 || value.dtype == DType::UInt4)
            tensor = unpackInt4(graph, value);
        else
            tensor = Tensor::viewOf(value.dtype, value.shape, value.data);
        tensor.quantization = value.quantization;
        tensor.dimOrder = value.dimOrder;
        return tensor;
    } catch (const RuntimeError& error) {
        const std::string message = error.what();
        if (message.starts_with("graph ")) throw;
        throw RuntimeError("graph " + graph.id + ": constant " + value.name + ": " + message);
    }
}

} // namespace pteron::runtime
