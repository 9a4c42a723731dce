#include "parsers/vgf/vgf_reader.hpp"

#include "parsers/vgf/vgf_attributes.hpp"
#include "parsers/vgf/vgf_document.hpp"
#include "parsers/vgf/vgf_segment_graph.hpp"

#include <set>

namespace pteron {
namespace {

bool hasVgfExtension(std::string_view path) {
    return path.size() >= 4 && path.substr(path.size() - 4) == ".vgf";
}

Partition segmentPartition(vgf::ModuleType type) {
    Partition partition;
    partition.backend = type == vgf::ModuleType::Graph ? "vulkan-graph" : "vulkan-compute";
    partition.device = DeviceClass::GPU;
    return partition;
}

std::string uniqueId(std::string id, std::set<std::string>& used) {
    auto candidate = id;
    for (int n = 2; used.count(candidate); ++n)
        candidate = id + "#" + std::to_string(n);
    used.insert(candidate);
    return candidate;
}

Model readVgf(std::shared_ptr<const MappedFile> file, const ReaderContext&) {
    const ByteView bytes(file, file->bytes());
    const auto document = vgf::decodeDocument(bytes, file->path());
    Model model;
    model.path = file->path();
    model.format = "vgf";
    model.formatVersion = document.header.versionText();
    model.metadata = vgf::documentAttributes(document);
    model.files.push_back(file);
    std::set<std::string> ids;
    const auto& segments = document.sequence.segments;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        Graph graph;
        graph.name = segments[i].name.empty() ? "segment " + std::to_string(i) : segments[i].name;
        graph.id = uniqueId(graph.name, ids);
        graph.kind = "segment";
        graph.partitions.push_back(segmentPartition(segments[i].type));
        graph.attributes = vgf::segmentAttributes(document, i);
        vgf::SegmentGraphBuilder builder(document, file->path(), graph);
        builder.appendSegment(i, {0, 0});
        model.addGraph(std::move(graph));
    }
    return model;
}

} // namespace

FormatReader vgfFormatReader() {
    return {"vgf",
            [](std::span<const std::byte> bytes, std::string_view path) {
                return vgf::hasVgfMagic(bytes) || hasVgfExtension(path);
            },
            readVgf};
}

} // namespace pteron
