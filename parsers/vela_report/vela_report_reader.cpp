#include "parsers/vela_report/vela_report_reader.hpp"

#include "core/little_endian_reader.hpp"
#include "parsers/vela_report/vela_raw_graph.hpp"
#include "parsers/vela_report/vela_raw_output.hpp"
#include "parsers/vela_report/vela_report_attach.hpp"

#include <algorithm>
#include <cctype>

namespace pteron::vela_report {
namespace {

// Header rows are short; a bounded look keeps detection cheap on large files.
constexpr std::size_t kHeaderLimit = 64 * 1024;

bool hasExtension(std::string_view path, std::string_view extension) {
    if (path.size() < extension.size()) return false;
    const auto tail = path.substr(path.size() - extension.size());
    return std::equal(tail.begin(), tail.end(), extension.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
}

// numpy.savez writes Vela's arrays in order, the command stream first.
bool firstEntryIsCommandStream(std::span<const std::byte> bytes) {
    constexpr std::string_view name = "cmd_data.npy";
    if (bytes.size() < 30 + name.size()) return false;
    const auto length = std::to_integer<unsigned>(bytes[26]) | std::to_integer<unsigned>(bytes[27])
                                                                   << 8;
    return length == name.size() && hasTag(bytes, 30, name);
}

// The first row's cells; quoted header cells never span lines in Vela's reports.
std::vector<std::string> headerCells(std::span<const std::byte> bytes) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()),
                          std::min(bytes.size(), kHeaderLimit));
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return {};
    try {
        const auto rows = tokenizeCsv(text.substr(0, end), "", "csv");
        return rows.empty() ? std::vector<std::string>{} : rows.front().cells;
    } catch (const FormatError&) {
        return {};
    }
}

Model emptyModel(const std::shared_ptr<const MappedFile>& file, std::string format) {
    Model model;
    model.path = file->path();
    model.format = std::move(format);
    model.files.push_back(file);
    return model;
}

std::size_t partitionFor(Graph& graph, const VelaLayerRow& row) {
    if (row.target == "CPU") return graph.hostPartition("cpu");
    for (std::size_t i = 0; i < graph.partitions.size(); ++i)
        if (graph.partitions[i].device == DeviceClass::NPU) return i;
    Partition npu;
    npu.backend = "ethos-u";
    npu.device = DeviceClass::NPU;
    npu.delegated = true;
    graph.partitions.push_back(std::move(npu));
    return graph.partitions.size() - 1;
}

Node layerNode(Graph& graph, const VelaLayerRow& row) {
    Node node;
    node.name = row.name;
    node.op = "vela." + (row.nngOperator.empty() ? std::string("unknown") : row.nngOperator);
    node.partition = partitionFor(graph, row);
    auto add = [&](std::string name, AttributeValue value) {
        node.attributes.push_back({std::move(name), std::move(value)});
    };
    add("vela.original_operator", row.originalOperator);
    if (row.opCycles) add("vela.cycles", *row.opCycles);
    if (row.npuCycles) add("vela.npu_cycles", *row.npuCycles);
    if (row.macs) add("vela.macs", *row.macs);
    if (row.utilPercent) add("vela.util", *row.utilPercent);
    if (row.cyclesPercent) add("vela.cycles_percent", *row.cyclesPercent);
    if (row.macsPercent) add("vela.macs_percent", *row.macsPercent);
    if (row.memoryUsage) add("vela.memory_usage_bytes", *row.memoryUsage);
    if (row.peakPercent) add("vela.peak_percent", *row.peakPercent);
    if (row.sramAccessCycles) add("vela.sram_access_cycles", *row.sramAccessCycles);
    if (row.dramAccessCycles) add("vela.dram_access_cycles", *row.dramAccessCycles);
    if (row.onChipFlashAccessCycles)
        add("vela.on_chip_flash_access_cycles", *row.onChipFlashAccessCycles);
    if (row.offChipFlashAccessCycles)
        add("vela.off_chip_flash_access_cycles", *row.offChipFlashAccessCycles);
    for (const auto& [column, text] : row.extra)
        add("vela." + column, text);
    return node;
}

Model readPerLayerModel(const std::shared_ptr<const MappedFile>& file) {
    const auto report = readVelaPerLayer(file->bytes(), file->path());
    Model model = emptyModel(file, std::string(kPerLayerFormat));
    model.formatVersion = std::string(perLayerLayoutName(report.layout));
    Graph graph;
    graph.id = "per-layer";
    graph.name = "per-layer";
    graph.kind = "per-layer";
    for (const auto& row : report.rows)
        graph.nodes.push_back(layerNode(graph, row));
    model.addGraph(std::move(graph));
    attachVelaLayers(model, report.rows, file->path());
    return model;
}

Model readCsv(std::shared_ptr<const MappedFile> file, const ReaderContext&) {
    if (perLayerLayout(headerCells(file->bytes()))) return readPerLayerModel(file);
    Model model = emptyModel(file, std::string(kSummaryFormat));
    attachVelaReport(model, readVelaSummary(file->bytes(), file->path()), nullptr);
    return model;
}

Attributes tensorAttributes(const std::string& prefix, const std::vector<VelaRawTensor>& tensors) {
    Attributes attributes;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto key = prefix + "[" + std::to_string(i) + "].";
        const auto& tensor = tensors[i];
        if (!tensor.shape.empty()) attributes.push_back({key + "shape", tensor.shape});
        if (tensor.elementSize) attributes.push_back({key + "elem_size", *tensor.elementSize});
        if (tensor.region) attributes.push_back({key + "region", *tensor.region});
        if (tensor.offset) attributes.push_back({key + "offset", *tensor.offset});
    }
    return attributes;
}

Model readNpz(std::shared_ptr<const MappedFile> file, const ReaderContext&) {
    const auto raw = readVelaRawOutput(ByteView(file, file->bytes()), file->path());
    Model model = emptyModel(file, std::string(kRawFormat));
    auto& metadata = model.metadata;
    metadata.push_back(
        {"vela.command_stream_bytes", static_cast<std::int64_t>(raw.commandStream.size())});
    metadata.push_back({"vela.command_stream_magic", magicText(raw.commandStream.bytes(), 4)});
    metadata.push_back({"vela.weight_bytes", static_cast<std::int64_t>(raw.weightData.size())});
    const auto optional = [&](std::string name, const std::optional<std::int64_t>& value) {
        if (value) metadata.push_back({std::move(name), *value});
    };
    optional("vela.weight_region", raw.weightRegion);
    optional("vela.scratch_bytes", raw.scratchSize);
    optional("vela.scratch_region", raw.scratchRegion);
    optional("vela.scratch_fast_bytes", raw.scratchFastSize);
    optional("vela.scratch_fast_region", raw.scratchFastRegion);
    for (auto& group :
         {tensorAttributes("vela.input", raw.inputs), tensorAttributes("vela.output", raw.outputs),
          tensorAttributes("vela.variable", raw.variables)})
        metadata.insert(metadata.end(), group.begin(), group.end());
    std::vector<std::string> names;
    for (const auto& [name, array] : raw.arrays)
        names.push_back(name + " " + array.descr);
    metadata.push_back({"vela.arrays", names});
    addRawCommandStreamGraph(model, raw);
    return model;
}

} // namespace

FormatReader velaSummaryFormatReader() {
    return {"vela-report",
            [](std::span<const std::byte> bytes, std::string_view path) {
                // The header row alone identifies Vela's reports, so renamed copies open too.
                (void)path;
                const auto header = headerCells(bytes);
                return isSummaryHeader(header) || perLayerLayout(header).has_value();
            },
            readCsv};
}

FormatReader velaRawFormatReader() {
    return {"vela-raw",
            [](std::span<const std::byte> bytes, std::string_view path) {
                if (!hasTag(bytes, 0, "PK\x03\x04")) return false;
                return hasExtension(path, ".npz") || firstEntryIsCommandStream(bytes);
            },
            readNpz};
}

} // namespace pteron::vela_report
