#include "parsers/registry.hpp"

#include "core/format_error.hpp"
#include "parsers/common/little_endian_reader.hpp"
#include "parsers/pte/pte_reader.hpp"
#include "parsers/xnnpack/xnnpack_payload_reader.hpp"

namespace pteron {

FormatRegistry FormatRegistry::standard() {
    FormatRegistry registry;
    registry.addReader(pteFormatReader());
    registry.payloadDecoders().add("XnnpackBackend", decodeXnnpackPayload);
    return registry;
}

const FormatReader* FormatRegistry::detect(std::span<const std::byte> bytes,
                                           std::string_view path) const {
    for (const auto& reader : readers_)
        if (reader.detect(bytes, path)) return &reader;
    return nullptr;
}

Model FormatRegistry::open(const std::string& path, const ReadOptions& options) const {
    return read(MappedFile::open(path), options);
}

Model FormatRegistry::read(std::shared_ptr<const MappedFile> file, const ReadOptions& options) const {
    const FormatReader* reader = detect(file->bytes(), file->path());
    if (!reader)
        throw FormatError(file->path(), "", atOffset(0),
                          "the magic bytes of a supported format, found \"" +
                              magicText(file->bytes(), 12) + "\"");
    ReaderContext context{options, payloadDecoders_};
    return reader->read(std::move(file), context);
}

} // namespace pteron
