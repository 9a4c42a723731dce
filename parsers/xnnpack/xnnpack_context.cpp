#include "parsers/xnnpack/xnnpack_context.hpp"

#include "core/format_error.hpp"

namespace pteron {

void XnnpackContext::fail(const std::string& path, const std::string& expected) const {
    throw FormatError(payload_.file, "xnnpack",
                      xnnpackWhere(payload_, layout_.flatbuffer.offset, "XNNGraph." + path),
                      expected);
}

XnnpackConstant XnnpackContext::constant(std::uint32_t index, const std::string& path) const {
    // Without a header only named constants can come from constant_data (no bytes follow).
    if (graph_.constant_data() && (layout_.hasHeader || !graph_.constant_buffer()))
        return fromConstantData(index, path);
    return fromConstantBuffer(index, path);
}

XnnpackConstant XnnpackContext::fromConstantData(std::uint32_t index,
                                                 const std::string& path) const {
    const auto* table = graph_.constant_data();
    if (index >= table->size())
        fail(path, "an index into constant_data (" + std::to_string(table->size()) +
                       " entries), found " + std::to_string(index));
    const auto* entry = table->Get(index);
    const std::string entryPath = "constant_data[" + std::to_string(index) + "]";
    XnnpackConstant result;
    result.notes.push_back({"constant", entryPath});
    if (entry->named_key() && entry->named_key()->size() > 0) {
        const std::string key = entry->named_key()->str();
        result.notes.push_back({"named_key", key});
        std::optional<ByteView> blob;
        if (payload_.namedData) blob = payload_.namedData(key);
        if (blob && !blob->empty())
            result.bytes = *blob;
        else
            result.notes.push_back({"unresolved", "named data '" + key + "' not found"});
        return result;
    }
    const auto& region = layout_.constants;
    if (entry->offset() > region.size || entry->size() > region.size - entry->offset())
        fail(entryPath, std::to_string(entry->size()) + " bytes at offset " +
                            std::to_string(entry->offset()) + " inside the " +
                            std::to_string(region.size) + "-byte constant data");
    result.bytes = payload_.bytes.sub(static_cast<std::size_t>(region.offset + entry->offset()),
                                      static_cast<std::size_t>(entry->size()));
    return result;
}

XnnpackConstant XnnpackContext::fromConstantBuffer(std::uint32_t index,
                                                   const std::string& path) const {
    const auto* buffers = graph_.constant_buffer();
    if (!buffers || index >= buffers->size())
        fail(path, "an index into constant_buffer (" +
                       std::to_string(buffers ? buffers->size() : 0) + " entries), found " +
                       std::to_string(index));
    XnnpackConstant result;
    result.notes.push_back({"constant", "constant_buffer[" + std::to_string(index) + "]"});
    const auto* storage = buffers->Get(index)->storage();
    if (!storage) return result;
    // The verified flatbuffer may be an aligned copy: view the same bytes in the payload instead.
    const auto* data = reinterpret_cast<const std::byte*>(storage->data());
    const auto inFlatbuffer = static_cast<std::uint64_t>(data - flatbufferBase_);
    result.bytes = payload_.bytes.sub(
        static_cast<std::size_t>(layout_.flatbuffer.offset + inFlatbuffer), storage->size());
    return result;
}

} // namespace pteron
