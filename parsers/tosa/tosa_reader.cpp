#include "parsers/tosa/tosa_reader.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/tosa/tosa_graph_decoder.hpp"
#include "parsers/tosa/tosa_metadata.hpp"

namespace pteron {

namespace {

bool looksLikeTosa(std::span<const std::byte> bytes, std::string_view path) {
    if (hasTag(bytes, 4, "TOSA")) return true;
    return path.size() >= 5 && path.substr(path.size() - 5) == ".tosa";
}

Model readTosa(std::shared_ptr<const MappedFile> file, const ReaderContext& context) {
    Model model;
    model.path = file->path();
    model.format = "tosa";
    model.files.push_back(file);

    tosa::TosaBuffer buffer{ByteView(file, file->bytes()), {file->path(), "tosa", "", 0}};
    tosa::TosaGraphPlacement placement;
    placement.partition.backend = "tosa";
    placement.partition.device = DeviceClass::Unknown;
    placement.preFinalDraftDTypes = context.options.tosaPreFinalDraftDTypes;
    const auto decoded = tosa::decodeTosaBuffer(buffer, placement, model);

    model.formatVersion = decoded.version.text();
    model.metadata = tosa::versionAttributes(decoded);
    return model;
}

} // namespace

FormatReader tosaFormatReader() {
    return {"tosa", looksLikeTosa, readTosa};
}

} // namespace pteron
