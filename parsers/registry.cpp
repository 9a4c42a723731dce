#include "parsers/registry.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "parsers/bpte/bpte_reader.hpp"
#include "parsers/etdump/etdump_attach.hpp"
#include "parsers/etdump/etdump_reader.hpp"
#include "parsers/ethosu/ethosu_payload.hpp"
#include "parsers/etrecord/etrecord_reader.hpp"
#include "parsers/onnx/onnx_reader.hpp"
#include "parsers/pte/pte_reader.hpp"
#include "parsers/tflite/tflite_reader.hpp"
#include "parsers/tosa/tosa_payload.hpp"
#include "parsers/tosa/tosa_reader.hpp"
#include "parsers/vela_report/vela_report_reader.hpp"
#include "parsers/vgf/vgf_payload.hpp"
#include "parsers/vgf/vgf_reader.hpp"
#include "parsers/xnnpack/xnnpack_payload_reader.hpp"

namespace pteron {

FormatRegistry FormatRegistry::standard() {
    FormatRegistry registry;
    registry.addReader(pteFormatReader());
    registry.addReader(bpteFormatReader());
    registry.payloadDecoders().add("XnnpackBackend", decodeXnnpackPayload);
    registry.addReader(vgfFormatReader());
    registry.payloadDecoders().add("VgfBackend", decodeVgfPayload);
    registry.addReader(tosaFormatReader());
    registry.payloadDecoders().add("TOSABackend", decodeTosaPayload);
    registry.addReader(tfliteFormatReader());
    registry.payloadDecoders().add("EthosUBackend", decodeEthosUPayload);
    registry.addReader(etdumpFormatReader());
    registry.addReader(onnxFormatReader());
    registry.addReader(etrecordFormatReader());
    registry.addReader(vela_report::velaSummaryFormatReader());
    registry.addReader(vela_report::velaRawFormatReader());
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

Model FormatRegistry::read(std::shared_ptr<const MappedFile> file,
                           const ReadOptions& options) const {
    const FormatReader* reader = detect(file->bytes(), file->path());
    if (!reader)
        throw FormatError(file->path(), "", atOffset(0),
                          "the magic bytes of a supported format, found \"" +
                              magicText(file->bytes(), 12) + "\"");
    ReaderContext context{options, payloadDecoders_};
    Model model = reader->read(std::move(file), context);
    if (!options.etdump.empty()) attachEtdump(model, options.etdump, options);
    return model;
}

} // namespace pteron
