#include "parsers/tosa/tosa_block_decoder.hpp"

namespace pteron::tosa {

void failInBlock(const BlockContext& context, const std::string& where,
                 const std::string& expected) {
    const auto& source = context.buffer.source;
    const auto path = source.tablePath.empty() ? where : source.tablePath + ": " + where;
    throw FormatError(source.file, source.format, atOffset(source.fileOffset, path), expected);
}

ByteView viewOf(const BlockContext& context, const flatbuffers::Vector<std::uint8_t>* bytes) {
    if (!bytes || bytes->size() == 0) return {};
    const auto whole = context.buffer.bytes.bytes();
    const auto* start = reinterpret_cast<const std::byte*>(bytes->data());
    // The verifier already placed the vector inside the buffer.
    return context.buffer.bytes.sub(static_cast<std::size_t>(start - whole.data()), bytes->size());
}

ByteView externalData(const BlockContext& context, std::uint64_t offset, std::uint64_t size,
                      const std::string& where) {
    const auto total = context.buffer.bytes.size();
    if (offset > total || size > total - offset)
        failInBlock(context, where + ".offset",
                    "external tensor data of " + std::to_string(size) + " bytes at offset " +
                        std::to_string(offset) + " inside the " + std::to_string(total) +
                        "-byte file");
    return context.buffer.bytes.sub(static_cast<std::size_t>(offset),
                                    static_cast<std::size_t>(size));
}

void checkConstantSize(const BlockContext& context, const Value& value, const std::string& where) {
    if (dtypeBits(value.dtype) == 0) return; // no fixed element size to check against
    const auto available = tosaElementsIn(value.dtype, value.data.bytes());
    if (value.elementCount() <= available) return;
    failInBlock(context, where + ".data",
                "constant data covering " + value.typeText() + ", found " +
                    std::to_string(value.data.size()) + " bytes");
}

void decodeClampBounds(Attributes& attributes, DType inputType) {
    for (auto& attribute : attributes) {
        if (attribute.name != "min_val" && attribute.name != "max_val") continue;
        const auto* blob = std::get_if<Blob>(&attribute.value);
        if (!blob || blob->bytes.empty()) continue;
        const auto bytes = std::as_bytes(std::span(blob->bytes));
        if (const auto integer = tosaElementAsInteger(inputType, bytes, 0))
            attribute.value = *integer;
        else if (const auto real = tosaElementAsDouble(inputType, bytes, 0))
            attribute.value = *real;
    }
}

std::string stringOr(const flatbuffers::String* text, std::string fallback) {
    return text ? text->str() : std::move(fallback);
}

} // namespace pteron::tosa
