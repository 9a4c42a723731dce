#include "core/format_error.hpp"
#include "core/npy_array.hpp"
#include "parsers/common/zip_archive.hpp"
#include "parsers/registry.hpp"
#include "parsers/vela_report/csv_table.hpp"
#include "parsers/vela_report/vela_per_layer.hpp"
#include "parsers/vela_report/vela_raw_output.hpp"
#include "parsers/vela_report/vela_report_attach.hpp"
#include "parsers/vela_report/vela_summary.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/robustness.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

using namespace pteron;
using namespace pteron::vela_report;
using testing::fixture;

namespace {

const std::string kSummaryFixture =
    "vela-reports/paddle_hello_world_int8_summary_Ethos_U55_High_End_Embedded.csv";

std::string fileText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::byte> bytesOf(std::string_view text) {
    const auto* data = reinterpret_cast<const std::byte*>(text.data());
    return {data, data + text.size()};
}

std::string writeMade(const std::string& name, std::span<const std::byte> bytes) {
    const auto path = testing::madeDir() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return path.string();
}

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

const Attribute& metadataOf(const Model& model, std::string_view name) {
    const Attribute* attribute = findAttribute(model.metadata, name);
    if (!attribute) FAIL("no metadata " << name);
    return *attribute;
}

template <typename T> T metadataValue(const Model& model, std::string_view name) {
    const auto& value = metadataOf(model, name).value;
    REQUIRE(std::holds_alternative<T>(value));
    return std::get<T>(value);
}

// ---- A small ZIP and .npy writer, the way numpy.savez lays files out ----------------------

void put16(std::vector<std::byte>& out, std::uint32_t value) {
    out.push_back(std::byte(value & 0xFF));
    out.push_back(std::byte((value >> 8) & 0xFF));
}
void put32(std::vector<std::byte>& out, std::uint32_t value) {
    put16(out, value & 0xFFFF);
    put16(out, value >> 16);
}
void put64(std::vector<std::byte>& out, std::uint64_t value) {
    put32(out, static_cast<std::uint32_t>(value));
    put32(out, static_cast<std::uint32_t>(value >> 32));
}
void putText(std::vector<std::byte>& out, std::string_view text) {
    for (char c : text)
        out.push_back(static_cast<std::byte>(c));
}

std::vector<std::byte> rawDeflate(std::span<const std::byte> data) {
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY) == Z_OK);
    std::vector<std::byte> out(deflateBound(&stream, static_cast<uLong>(data.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

struct ZipInput {
    std::string name;
    std::vector<std::byte> data;
    bool deflate = false;
};

// Local headers carry 0xFFFFFFFF sizes plus a ZIP64 extra field, as numpy.savez writes them;
// the central directory has plain sizes.
std::vector<std::byte> makeZip(const std::vector<ZipInput>& inputs) {
    std::vector<std::byte> out;
    std::vector<std::byte> central;
    for (const auto& input : inputs) {
        const auto stored = input.deflate ? rawDeflate(input.data) : input.data;
        const auto crc =
            static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(input.data.data()),
                                             static_cast<uInt>(input.data.size())));
        const auto offset = static_cast<std::uint32_t>(out.size());
        const std::uint16_t method = input.deflate ? 8 : 0;
        put32(out, 0x04034b50);
        put16(out, 45);
        put16(out, 0);
        put16(out, method);
        put32(out, 0);
        put32(out, crc);
        put32(out, 0xFFFFFFFF);
        put32(out, 0xFFFFFFFF);
        put16(out, static_cast<std::uint32_t>(input.name.size()));
        put16(out, 20);
        putText(out, input.name);
        put16(out, 0x0001);
        put16(out, 16);
        put64(out, input.data.size());
        put64(out, stored.size());
        out.insert(out.end(), stored.begin(), stored.end());

        put32(central, 0x02014b50);
        put16(central, 45);
        put16(central, 20);
        put16(central, 0);
        put16(central, method);
        put32(central, 0);
        put32(central, crc);
        put32(central, static_cast<std::uint32_t>(stored.size()));
        put32(central, static_cast<std::uint32_t>(input.data.size()));
        put16(central, static_cast<std::uint32_t>(input.name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        putText(central, input.name);
    }
    const auto centralOffset = static_cast<std::uint32_t>(out.size());
    out.insert(out.end(), central.begin(), central.end());
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(inputs.size()));
    put16(out, static_cast<std::uint32_t>(inputs.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + (shape.size() == 1 ? ",)" : ")");
}

std::vector<std::byte> makeNpy(const std::string& descr, const std::vector<std::int64_t>& shape,
                               std::span<const std::byte> data, int major = 1) {
    std::string header =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::vector<std::byte> out;
    putText(out, "\x93NUMPY");
    out.push_back(std::byte(major));
    out.push_back(std::byte(0));
    if (major == 1)
        put16(out, static_cast<std::uint32_t>(header.size()));
    else
        put32(out, static_cast<std::uint32_t>(header.size()));
    putText(out, header);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::vector<std::byte> int64Bytes(const std::vector<std::int64_t>& values) {
    std::vector<std::byte> out;
    for (auto value : values)
        put64(out, static_cast<std::uint64_t>(value));
    return out;
}

std::vector<std::byte> int64Npy(const std::vector<std::int64_t>& shape,
                                const std::vector<std::int64_t>& values) {
    return makeNpy("<i8", shape, int64Bytes(values));
}

std::vector<std::byte> commandStream() {
    std::vector<std::byte> out;
    putText(out, "COP1");
    put32(out, 0x00100001);
    put32(out, 0x00003008);
    put32(out, 0x10060000);
    for (std::uint32_t i = 0; i < 60; ++i)
        put32(out, 0x00000005); // NOP words compress well
    return out;
}

std::vector<std::byte> weights() {
    std::vector<std::byte> out;
    for (int i = 0; i < 300; ++i)
        out.push_back(std::byte((i * 7) & 0xFF));
    return out;
}

// The arrays write_rawdata_output_from_model saves, with made-up figures.
std::vector<ZipInput> rawOutputEntries(bool deflate) {
    const auto cmd = commandStream();
    const auto weight = weights();
    return {
        {"cmd_data.npy", makeNpy("|u1", {static_cast<std::int64_t>(cmd.size())}, cmd), deflate},
        {"weight_data.npy", makeNpy("|u1", {static_cast<std::int64_t>(weight.size())}, weight, 2),
         deflate},
        {"weight_region.npy", int64Npy({}, {0}), false},
        {"scratch_shape.npy", int64Npy({1}, {1536}), deflate},
        {"scratch_region.npy", int64Npy({}, {1}), false},
        {"scratch_size.npy", int64Npy({}, {1536}), false},
        {"scratch_fast_shape.npy", int64Npy({1}, {1536}), false},
        {"scratch_fast_region.npy", int64Npy({}, {2}), false},
        {"scratch_fast_size.npy", int64Npy({}, {1536}), false},
        {"input_shape.npy", int64Npy({1, 4}, {1, 1, 1, 1}), deflate},
        {"input_elem_size.npy", int64Npy({1}, {1}), false},
        {"input_region.npy", int64Npy({1}, {1}), false},
        {"input_offset.npy", int64Npy({1}, {16}), false},
        {"output_shape.npy", int64Npy({2, 2}, {1, 1, 1, 8}), false},
        {"output_elem_size.npy", int64Npy({2}, {1, 4}), false},
        {"output_region.npy", int64Npy({2}, {1, 4}), false},
        {"output_offset.npy", int64Npy({2}, {0, 32}), false},
        // An empty Python list becomes a float64 array of shape (0,).
        {"variable_shape.npy", makeNpy("<f8", {0}, {}), false},
        {"variable_elem_size.npy", makeNpy("<f8", {0}, {}), false},
    };
}

void checkRawOutput(const VelaRawOutput& raw) {
    const auto cmd = commandStream();
    REQUIRE(raw.commandStream.size() == cmd.size());
    CHECK(std::memcmp(raw.commandStream.bytes().data(), cmd.data(), cmd.size()) == 0);
    const auto weight = weights();
    REQUIRE(raw.weightData.size() == weight.size());
    CHECK(std::memcmp(raw.weightData.bytes().data(), weight.data(), weight.size()) == 0);
    CHECK(raw.weightRegion == 0);
    CHECK(raw.scratchSize == 1536);
    CHECK(raw.scratchRegion == 1);
    CHECK(raw.scratchFastSize == 1536);
    CHECK(raw.scratchFastRegion == 2);
    REQUIRE(raw.inputs.size() == 1);
    CHECK(raw.inputs[0].shape == std::vector<std::int64_t>{1, 1, 1, 1});
    CHECK(raw.inputs[0].elementSize == 1);
    CHECK(raw.inputs[0].region == 1);
    CHECK(raw.inputs[0].offset == 16);
    REQUIRE(raw.outputs.size() == 2);
    CHECK(raw.outputs[1].shape == std::vector<std::int64_t>{1, 8});
    CHECK(raw.outputs[1].elementSize == 4);
    CHECK(raw.outputs[1].region == 4);
    CHECK(raw.outputs[1].offset == 32);
    CHECK(raw.variables.empty());
    CHECK(raw.arrays.size() == 19);
    const NpyArray* cmdArray = raw.array("cmd_data");
    REQUIRE(cmdArray);
    CHECK(cmdArray->dtype() == DType::UInt8);
    CHECK(cmdArray->shape == std::vector<std::int64_t>{static_cast<std::int64_t>(cmd.size())});
}

// ---- Per-layer reports in both layouts ------------------------------------------------------

const std::string kRegorPerLayer =
    "Original Operator,NNG Operator,Target,Staging Usage,Peak% (Staging),Op Cycles,"
    "Network% (cycles),NPU,SRAM AC,DRAM AC,OnFlash AC,OffFlash AC,MAC Count,Network% (MAC),"
    "Util% (MAC),Name\n"
    "FULLY_CONNECTED,FullyConnected,NPU,48,100.0,400,53.2,380,12,0,0,300,16,5.5,0.0156,"
    "dense_1/MatMul\n"
    "FULLY_CONNECTED,FullyConnected,NPU,32,66.6,352,46.8,300,9,0,0,122,272,94.4,0.3018,"
    "Identity,with comma\n"
    "QUANTIZE,Passthrough,CPU,0,NaN,0,0,0,0,0,0,0,0,0,NaN,serving_default_input:0\n";

const std::string kLegacyHeader =
    "TFLite_operator,NNG Operator,SRAM Usage,Peak%,Op Cycles,Network%,NPU,SRAM AC,DRAM AC,"
    "OnFlash AC,OffFlash AC,MAC Count,Network%,Util%,Name\r\n";

const std::string kLegacyPerLayer =
    kLegacyHeader +
    "CONV_2D,Conv2DBias,11936,54.65201465201465,7312.0,17.648194632168373,7312.0,2000.0,0.0,0.0,"
    "0.0,73008,8.653353814644136,3.9002666849015313,sequential/conv1/Relu\r\n" +
    kLegacyHeader +
    "DEPTHWISE_CONV_2D,DepthwiseConv2DBias,21840,100.0,34112.0,82.35,30112.0,4000.0,0.0,0.0,"
    "0.0,770944,91.34,8.8,\"sequential/dw, block\"\r\n";

} // namespace

TEST_CASE("csv tokenizer handles quoting, CRLF and special numbers", "[vela_report]") {
    const auto rows =
        tokenizeCsv("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\r\n1,\"two\r\nlines\",\n", "t.csv", "csv");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].cells == std::vector<std::string>{"a", "b,1", "say \"hi\""});
    CHECK(rows[1].line == 3);
    CHECK(rows[1].cells == std::vector<std::string>{"1", "two\nlines", ""});

    CHECK(std::get<std::int64_t>(typeCell("288")) == 288);
    CHECK(std::get<double>(typeCell("1.504e-06")) == 1.504e-06);
    CHECK(std::isnan(std::get<double>(typeCell("nan"))));
    CHECK(std::isnan(std::get<double>(typeCell("NaN"))));
    CHECK(std::get<double>(typeCell("-inf")) < 0);
    CHECK(std::isinf(std::get<double>(typeCell("inf"))));
    CHECK(std::get<std::string>(typeCell("Off-chip Flash")) == "Off-chip Flash");
    CHECK(std::holds_alternative<std::monostate>(typeCell("")));
    CHECK(std::get<double>(typeCell("99999999999999999999")) > 9e19);

    try {
        tokenizeCsv("a,b\nc,\"open\n", "t.csv", "csv");
        FAIL("unterminated quote accepted");
    } catch (const FormatError& error) {
        CHECK(error.where() == "line 2, column 3");
    }
    try {
        tokenizeCsv("a,\"b\"x\n", "t.csv", "csv");
        FAIL("text after a closing quote accepted");
    } catch (const FormatError& error) {
        CHECK(error.where() == "line 1, column 6");
    }
    CHECK_THROWS_AS(tokenizeCsv("a,b\"c\n", "t.csv", "csv"), FormatError);
}

TEST_CASE("Vela summary fixture figures", "[vela_report]") {
    const auto summary = readVelaSummary(fixture(kSummaryFixture));
    CHECK(summary.columns.size() == 52);
    CHECK(summary.text("experiment") == "default");
    CHECK(summary.network() == "hello_world_int8");
    CHECK(summary.acceleratorConfiguration() == "Ethos_U55_256");
    CHECK(summary.systemConfig() == "Ethos_U55_High_End_Embedded");
    CHECK(summary.memoryMode() == "Shared_Sram");
    CHECK(summary.coreClockHz() == 500000000.0);
    CHECK(summary.sramBandwidth() == 3.725290298461914);
    CHECK(summary.offChipFlashBandwidth() == 0.46566128730773926);
    CHECK(summary.weightsStorageArea() == "Off-chip Flash");
    CHECK(summary.featureMapStorageArea() == "SRAM");
    CHECK(summary.inferencesPerSecond() == 664893.6170212766);
    CHECK(summary.batchSize() == 1);
    CHECK(summary.inferenceTimeSeconds() == 1.504e-06);
    CHECK(summary.passesBeforeFusing() == 6);
    CHECK(summary.passesAfterFusing() == 2);
    CHECK(summary.sramUsedKiB() == 0.03125);
    CHECK(summary.dramUsedKiB() == 0.0);
    CHECK(summary.offChipFlashUsedKiB() == 1.546875);
    CHECK(summary.originalWeightsBytes() == 288);
    CHECK(summary.encodedWeightsBytes() == 416);
    CHECK(summary.number("sram_total_bytes") == 66.0);
    CHECK(summary.number("off_chip_flash_weight_read_bytes") == 422.0);
    CHECK(summary.number("off_chip_flash_total_bytes") == 752.0);
    CHECK(summary.macs() == 288);
    CHECK(summary.tops() == 0.00038297872340425535);
    CHECK(summary.cyclesNpu() == 272);
    CHECK(summary.cyclesSramAccess() == 9);
    CHECK(summary.cyclesDramAccess() == 0);
    CHECK(summary.cyclesOnChipFlashAccess() == 0);
    CHECK(summary.cyclesOffChipFlashAccess() == 752);
    CHECK(summary.cyclesTotal() == 752);
    // Vela's summary writer has neither operator counts nor a version column.
    CHECK_FALSE(summary.npuOperators());
    CHECK_FALSE(summary.cpuOperators());
    CHECK(summary.compilerVersion().empty());
    // Typed cells: integers stay integers, Vela's float prints stay doubles.
    CHECK(std::holds_alternative<std::int64_t>(*summary.find("nn_macs")));
    CHECK(std::holds_alternative<double>(*summary.find("cycles_total")));
}

TEST_CASE("Vela summary opens on its own through the registry", "[vela_report]") {
    const auto model = FormatRegistry::standard().open(fixture(kSummaryFixture));
    CHECK(model.format == "vela-summary");
    CHECK(model.graphs.empty());
    CHECK(metadataValue<std::string>(model, "vela.accelerator") == "Ethos_U55_256");
    CHECK(metadataValue<std::string>(model, "vela.network") == "hello_world_int8");
    CHECK(metadataValue<std::int64_t>(model, "vela.cycles_total") == 752);
    CHECK(metadataValue<std::int64_t>(model, "vela.cycles_npu") == 272);
    CHECK(metadataValue<std::int64_t>(model, "vela.macs") == 288);
    CHECK(metadataValue<double>(model, "vela.inference_time_ms") == Approx(0.001504));
    CHECK(metadataValue<double>(model, "vela.core_clock_mhz") == Approx(500.0));
    CHECK(metadataValue<double>(model, "vela.sram_used_kib") == 0.03125);
    CHECK(metadataValue<double>(model, "vela.off_chip_flash_used_kib") == 1.546875);
    CHECK(metadataValue<std::int64_t>(model, "vela.encoded_weights_bytes") == 416);
    // Columns without a readable name keep theirs.
    CHECK(metadataValue<double>(model, "vela.sram_feature_map_read_bytes") == 33.0);
    CHECK(metadataValue<std::string>(model, "vela.experiment") == "default");
    CHECK_FALSE(findAttribute(model.metadata, "vela.npu_ops"));
}

TEST_CASE("Vela summary variants: CRLF, quoting, nan, extra columns", "[vela_report]") {
    const std::string text = fileText(fixture(kSummaryFixture));
    const auto crlf = parseVelaSummary(replaceAll(text, "\n", "\r\n"), "crlf.csv");
    CHECK(crlf.cyclesTotal() == 752);
    CHECK(crlf.network() == "hello_world_int8");
    CHECK(crlf.columns.size() == 52);

    // A zero-cycle estimate makes Vela print nan inferences per second.
    auto nanText = replaceAll(text, "664893.6170212766", "nan");
    nanText = replaceAll(nanText, ",752.0,752.0", ",752.0,inf");
    nanText = replaceAll(nanText, "hello_world_int8", "\"hello, \"\"world\"\"\"");
    const auto withNan = parseVelaSummary(nanText, "nan.csv");
    REQUIRE(withNan.inferencesPerSecond());
    CHECK(std::isnan(*withNan.inferencesPerSecond()));
    CHECK_FALSE(withNan.cyclesTotal());
    CHECK(std::isinf(*withNan.number("cycles_total")));
    CHECK(withNan.network() == "hello, \"world\"");

    // Unknown columns are kept as text; a numeric-looking network name stays text.
    const std::string extra = "network,accelerator_configuration,cycles_total,vela_version,"
                              "npu_operators,cpu_operators,my_note\n"
                              "123,Ethos_U85_512,1000.0,4.4.1,7,2,0042\n";
    const auto withExtra = parseVelaSummary(extra, "extra.csv");
    CHECK(withExtra.network() == "123");
    CHECK(withExtra.compilerVersion() == "4.4.1");
    CHECK(withExtra.npuOperators() == 7);
    CHECK(withExtra.cpuOperators() == 2);
    CHECK(std::get<std::string>(*withExtra.find("my_note")) == "0042");
    Model model;
    attachVelaReport(model, withExtra, nullptr);
    CHECK(metadataValue<std::int64_t>(model, "vela.npu_ops") == 7);
    CHECK(metadataValue<std::int64_t>(model, "vela.cpu_ops") == 2);
    CHECK(metadataValue<std::string>(model, "vela.compiler_version") == "4.4.1");
    CHECK(metadataValue<std::string>(model, "vela.my_note") == "0042");
}

TEST_CASE("Malformed summaries name line and column", "[vela_report]") {
    const std::string header = "network,accelerator_configuration,cycles_total\n";
    auto whereOf = [](const std::string& text) {
        try {
            parseVelaSummary(text, "bad.csv");
        } catch (const FormatError& error) {
            CHECK(error.format() == "vela-summary");
            return error.where();
        }
        FAIL("accepted: " << text);
        return std::string();
    };
    CHECK(whereOf(header + "a,b\n") == "line 2, column 3");
    CHECK(whereOf(header + "a,b,lots\n") == "line 2, column 3");
    CHECK(whereOf(header) == "line 2, column 1");
    CHECK(whereOf(header + "a,b,1\na,b,2\n") == "line 3, column 1");
    CHECK(whereOf("network,cycles_total\nx,1\n") == "line 1, column 1");
    CHECK(whereOf("network,accelerator_configuration,cycles_total,network\nx,y,1,z\n") ==
          "line 1, column 4");
    CHECK(whereOf("") == "line 1, column 1");
}

TEST_CASE("Per-layer report, Regor layout", "[vela_report]") {
    const auto report = parseVelaPerLayer(kRegorPerLayer, "net_per-layer.csv");
    CHECK(report.layout == PerLayerLayout::Regor);
    CHECK(report.operatorColumn == "Original Operator");
    REQUIRE(report.rows.size() == 3);
    const auto& first = report.rows[0];
    CHECK(first.line == 2);
    CHECK(first.originalOperator == "FULLY_CONNECTED");
    CHECK(first.nngOperator == "FullyConnected");
    CHECK(first.target == "NPU");
    CHECK(first.memoryUsage == 48);
    CHECK(first.peakPercent == 100.0);
    CHECK(first.opCycles == 400);
    CHECK(first.cyclesPercent == 53.2);
    CHECK(first.npuCycles == 380);
    CHECK(first.sramAccessCycles == 12);
    CHECK(first.dramAccessCycles == 0);
    CHECK(first.onChipFlashAccessCycles == 0);
    CHECK(first.offChipFlashAccessCycles == 300);
    CHECK(first.macs == 16);
    CHECK(first.macsPercent == 5.5);
    CHECK(first.utilPercent == 0.0156);
    CHECK(first.name == "dense_1/MatMul");
    // Regor does not quote; a comma in the name spills into an extra cell and is joined back.
    CHECK(report.rows[1].name == "Identity,with comma");
    const auto& cpu = report.rows[2];
    CHECK(cpu.target == "CPU");
    CHECK(cpu.nngOperator == "Passthrough");
    CHECK_FALSE(cpu.peakPercent);
    CHECK_FALSE(cpu.utilPercent);
    CHECK(cpu.name == "serving_default_input:0");
}

TEST_CASE("Per-layer report, legacy layout with repeated headers", "[vela_report]") {
    const auto report = parseVelaPerLayer(kLegacyPerLayer, "net_per-layer.csv");
    CHECK(report.layout == PerLayerLayout::Legacy);
    CHECK(report.operatorColumn == "TFLite_operator");
    REQUIRE(report.rows.size() == 2);
    const auto& conv = report.rows[0];
    CHECK(conv.section == 0);
    CHECK(conv.originalOperator == "CONV_2D");
    CHECK(conv.nngOperator == "Conv2DBias");
    CHECK(conv.target.empty());
    CHECK(conv.memoryUsage == 11936);
    CHECK(conv.peakPercent == 54.65201465201465);
    CHECK(conv.opCycles == 7312);
    CHECK(conv.cyclesPercent == 17.648194632168373); // the first Network%
    CHECK(conv.macs == 73008);
    CHECK(conv.macsPercent == 8.653353814644136); // the second Network%
    CHECK(conv.utilPercent == 3.9002666849015313);
    CHECK(conv.name == "sequential/conv1/Relu");
    const auto& dw = report.rows[1];
    CHECK(dw.section == 1);
    CHECK(dw.line == 4);
    CHECK(dw.sramAccessCycles == 4000);
    CHECK(dw.name == "sequential/dw, block");

    const auto tosa =
        parseVelaPerLayer(replaceAll(kLegacyPerLayer, "TFLite_operator", "TOSA_operator"), "t.csv");
    CHECK(tosa.operatorColumn == "TOSA_operator");

    CHECK_THROWS_AS(parseVelaPerLayer("Name,Op Cycles\nx,1\n", "t.csv"), FormatError);
    try {
        parseVelaPerLayer(replaceAll(kRegorPerLayer, "400,53.2", "many,53.2"), "t.csv");
        FAIL("text in Op Cycles accepted");
    } catch (const FormatError& error) {
        CHECK(error.where() == "line 2, column 6");
    }
}

TEST_CASE("Per-layer reports open through the registry as a graph of rows", "[vela_report]") {
    const auto path = writeMade("vela_report/net_per-layer.csv", bytesOf(kRegorPerLayer));
    const auto model = FormatRegistry::standard().open(path);
    CHECK(model.format == "vela-per-layer");
    CHECK(model.formatVersion == "regor");
    REQUIRE(model.graphs.size() == 1);
    const auto& graph = model.graphs[0];
    REQUIRE(graph.nodes.size() == 3);
    CHECK(graph.nodes[0].op == "vela.FullyConnected");
    CHECK(graph.partitions[graph.nodes[0].partition].device == DeviceClass::NPU);
    CHECK(graph.partitions[graph.nodes[2].partition].device == DeviceClass::CPU);
    CHECK(metadataValue<std::int64_t>(model, "vela.npu_ops") == 2);
    CHECK(metadataValue<std::int64_t>(model, "vela.cpu_ops") == 1);
    CHECK(metadataValue<std::int64_t>(model, "vela.per_layer_rows") == 3);

    const auto legacy = writeMade("vela_report/legacy_per-layer.csv", bytesOf(kLegacyPerLayer));
    const auto legacyModel = FormatRegistry::standard().open(legacy);
    CHECK(legacyModel.formatVersion == "legacy");
    CHECK(legacyModel.graphs.at(0).nodes.size() == 2);
}

TEST_CASE("Per-layer rows attach to nodes by name", "[vela_report]") {
    Model model;
    Graph graph;
    graph.id = "main";
    auto valueNamed = [&](std::string name) {
        Value value;
        value.name = std::move(name);
        return static_cast<std::int64_t>(graph.addValue(std::move(value)));
    };
    auto nodeNamed = [](std::string name, std::string op, std::int64_t output) {
        Node node;
        node.name = std::move(name);
        node.op = std::move(op);
        if (output != kAbsentValue) node.outputs.push_back({output, ""});
        return node;
    };
    const Node quantize = nodeNamed("", "tflite.QUANTIZE", valueNamed("serving_default_input:0"));
    const Node dense =
        nodeNamed("dense_1/MatMul", "tflite.FULLY_CONNECTED", valueNamed("dense_1/MatMul"));
    const Node last =
        nodeNamed("unnamed", "tflite.FULLY_CONNECTED", valueNamed("Identity,with comma"));
    const Node other = nodeNamed("not in the report", "tflite.RESHAPE", kAbsentValue);
    graph.nodes = {quantize, dense, last, other};
    model.addGraph(std::move(graph));

    const auto rows = parseVelaPerLayer(kRegorPerLayer, "net_per-layer.csv").rows;
    attachVelaReport(model, readVelaSummary(fixture(kSummaryFixture)), &rows);
    const auto& nodes = model.graphs[0].nodes;
    auto attr = [](const Node& node, std::string_view name) {
        return findAttribute(node.attributes, name);
    };
    REQUIRE(attr(nodes[1], "vela.cycles"));
    CHECK(std::get<std::int64_t>(attr(nodes[1], "vela.cycles")->value) == 400);
    CHECK(std::get<std::int64_t>(attr(nodes[1], "vela.macs")->value) == 16);
    CHECK(std::get<double>(attr(nodes[1], "vela.util")->value) == 0.0156);
    REQUIRE(attr(nodes[2], "vela.cycles")); // matched through its output value's name
    CHECK(std::get<std::int64_t>(attr(nodes[2], "vela.cycles")->value) == 352);
    REQUIRE(attr(nodes[0], "vela.nng_operator"));
    CHECK(std::get<std::string>(attr(nodes[0], "vela.nng_operator")->value) == "Passthrough");
    CHECK_FALSE(attr(nodes[3], "vela.cycles"));
    CHECK(metadataValue<std::int64_t>(model, "vela.per_layer_matched") == 3);
    CHECK(metadataValue<std::int64_t>(model, "vela.cycles_total") == 752);
    CHECK(metadataValue<std::int64_t>(model, "vela.npu_ops") == 2);

    // Every row stays on the model as a generic table, matched or not.
    const auto* table = model.findReportTable(kPerLayerTable);
    REQUIRE(table);
    CHECK(table->rows.size() == 3);
    CHECK(table->columns.size() == 19);
    CHECK(*table->cell(0, "Original Operator") == AttributeValue{std::string("FULLY_CONNECTED")});
    CHECK(*table->cell(0, "Op Cycles") == AttributeValue{std::int64_t{400}});
    CHECK(*table->cell(1, "Util% (MAC)") == AttributeValue{0.3018});
    CHECK(*table->cell(2, "Target") == AttributeValue{std::string("CPU")});
    CHECK(*table->cell(1, "Matched Node") == AttributeValue{std::string("main/unnamed")});
    CHECK(*table->cell(0, "Line") == AttributeValue{std::int64_t{2}});
    CHECK(table->cell(0, "no such column") == nullptr);
    CHECK(table->cell(3, "Name") == nullptr);
}

TEST_CASE("Per-layer rows of a legacy report stay on the model unmatched", "[vela_report]") {
    Model model;
    const auto report = parseVelaPerLayer(kLegacyPerLayer, "legacy_per-layer.csv");
    attachVelaLayers(model, report.rows, report.file);
    const auto* table = model.findReportTable(kPerLayerTable);
    REQUIRE(table);
    CHECK(table->source == "legacy_per-layer.csv");
    REQUIRE(table->rows.size() == report.rows.size());
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        CHECK(*table->cell(i, "Name") == AttributeValue{report.rows[i].name});
        CHECK(std::holds_alternative<std::monostate>(*table->cell(i, "Matched Node")));
        CHECK(*table->cell(i, "Section") ==
              AttributeValue{static_cast<std::int64_t>(report.rows[i].section)});
    }
    CHECK(metadataValue<std::int64_t>(model, "vela.per_layer_matched") == 0);
}

TEST_CASE("Reports are found beside the optimised model", "[vela_report]") {
    namespace fs = std::filesystem;
    const auto folder = testing::madeDir() / "vela_report" / "beside";
    fs::remove_all(folder);
    fs::create_directories(folder);
    const auto tflite = folder / "hello_world_int8_vela.tflite";
    fs::copy_file(fixture("tflite/paddle_hello_world_int8_vela.tflite"), tflite);
    const auto summary = folder / "hello_world_int8_summary_Ethos_U55_High_End_Embedded.csv";
    fs::copy_file(fixture(kSummaryFixture), summary);
    writeMade("vela_report/beside/hello_world_int8_per-layer.csv", bytesOf(kRegorPerLayer));
    writeMade("vela_report/beside/other_summary_Ethos_U55_High_End_Embedded.csv", bytesOf("x"));
    writeMade("vela_report/beside/hello_world_int8_summary_x.txt", bytesOf("x"));

    const auto found = findReportsBeside(tflite.string());
    REQUIRE(found.size() == 2);
    CHECK(found[0] == summary.string());
    CHECK(found[1] == (folder / "hello_world_int8_per-layer.csv").string());
    // Vela's legacy raw output names each subgraph "X_sg0_vela.npz".
    CHECK(findReportsBeside((folder / "hello_world_int8_sg0_vela.npz").string()).size() == 2);
    CHECK(findReportsBeside((folder / "nothing_vela.tflite").string()).empty());
    CHECK(findReportsBeside((folder / "missing" / "x_vela.tflite").string()).empty());

    Model model;
    const auto attached = attachReportsBeside(model, tflite.string());
    CHECK(attached.size() == 2);
    CHECK(metadataValue<std::int64_t>(model, "vela.cycles_total") == 752);
    CHECK(metadataValue<std::int64_t>(model, "vela.per_layer_rows") == 3);
    CHECK_FALSE(findAttribute(model.metadata, "vela.report_error"));

    // A damaged report does not fail the model; the error is recorded.
    writeMade("vela_report/beside/hello_world_int8_per-layer.csv",
              bytesOf(kRegorPerLayer.substr(0, 300)));
    Model damaged;
    attachReportsBeside(damaged, tflite.string());
    CHECK(findAttribute(damaged.metadata, "vela.report_error"));
}

TEST_CASE("Reports beside a Vela model open with it through the registry", "[vela_report]") {
    namespace fs = std::filesystem;
    const auto folder = testing::madeDir() / "vela_report" / "registry";
    fs::remove_all(folder);
    fs::create_directories(folder);
    const auto summaryText = fileText(fixture(kSummaryFixture));
    const auto copy = [&](const std::string& from, const std::string& to) {
        fs::copy_file(fixture(from), folder / to);
        return (folder / to).string();
    };
    const auto registry = FormatRegistry::standard();

    // Vela names the network, and so the files, after its input: hello_world_int8.tflite.
    const auto hello =
        copy("tflite/paddle_hello_world_int8_vela.tflite", "hello_world_int8_vela.tflite");
    copy(kSummaryFixture, "hello_world_int8_summary_Ethos_U55_High_End_Embedded.csv");
    const auto model = registry.open(hello);
    CHECK(model.format == "tflite");
    CHECK(metadataValue<std::string>(model, "vela.network") == "hello_world_int8");
    CHECK(metadataValue<std::int64_t>(model, "vela.cycles_total") == 752);
    CHECK(metadataValue<std::int64_t>(model, "vela.macs") == 288);
    CHECK(metadataValue<std::int64_t>(model, "vela.npu_ops") == 1);
    CHECK(metadataValue<std::int64_t>(model, "vela.cpu_ops") == 0);
    CHECK_FALSE(findAttribute(model.metadata, "vela.report_note"));

    // The fixture's own names: both files were renamed, so the summary still describes
    // hello_world_int8; it is attached, and a note says the names differ.
    const auto renamed =
        copy("tflite/paddle_hello_world_int8_vela.tflite", "paddle_hello_world_int8_vela.tflite");
    copy(kSummaryFixture, "paddle_hello_world_int8_summary_Ethos_U55_High_End_Embedded.csv");
    const auto other = registry.open(renamed);
    CHECK(metadataValue<std::int64_t>(other, "vela.cycles_total") == 752);
    CHECK(metadataValue<std::int64_t>(other, "vela.npu_ops") == 1);
    CHECK(metadataValue<std::string>(other, "vela.report_note").find("hello_world_int8") !=
          std::string::npos);
    // A summary whose file name does not pair with the model is not taken.
    const auto unpaired =
        copy("tflite/himax_person_int8_model_vela_mac64.tflite", "person_vela.tflite");
    const auto person = registry.open(unpaired);
    CHECK_FALSE(findAttribute(person.metadata, "vela.cycles_total"));

    // A model with CPU fallbacks: its 49 ethos-u operators and 48 CPU operators are counted.
    const auto kwt = copy("tflite/himax_kwt1_relu_mfcc_vela.tflite", "kwt_vela.tflite");
    writeMade("vela_report/registry/kwt_summary_Ethos_U55_64.csv",
              bytesOf(replaceAll(summaryText, "hello_world_int8", "kwt")));
    const auto mixed = registry.open(kwt);
    CHECK(metadataValue<std::string>(mixed, "vela.network") == "kwt");
    CHECK(metadataValue<std::int64_t>(mixed, "vela.npu_ops") == 49);
    CHECK(metadataValue<std::int64_t>(mixed, "vela.cpu_ops") == 48);
}

TEST_CASE("Raw .npz output round trip, stored and deflated", "[vela_report]") {
    for (bool deflate : {false, true}) {
        DYNAMIC_SECTION((deflate ? "deflate" : "stored")) {
            const auto zip = makeZip(rawOutputEntries(deflate));
            const auto path = writeMade(
                deflate ? "vela_report/raw_deflate.npz" : "vela_report/raw_stored.npz", zip);
            const auto raw = readVelaRawOutput(path);
            checkRawOutput(raw);
            // Stored arrays view the archive's bytes; nothing is copied.
            const bool view =
                raw.commandStream.owner() != nullptr && raw.commandStream.owner()->path() == path;
            CHECK(view == !deflate);

            const auto model = FormatRegistry::standard().open(path);
            CHECK(model.format == "vela-raw");
            CHECK(metadataValue<std::int64_t>(model, "vela.command_stream_bytes") == 256);
            CHECK(metadataValue<std::string>(model, "vela.command_stream_magic") == "COP1");
            CHECK(metadataValue<std::int64_t>(model, "vela.scratch_bytes") == 1536);
            CHECK(metadataValue<std::int64_t>(model, "vela.output[1].offset") == 32);
            CHECK(metadataValue<std::vector<std::int64_t>>(model, "vela.input[0].shape") ==
                  std::vector<std::int64_t>{1, 1, 1, 1});
        }
    }
}

TEST_CASE("Raw .npz output decodes its command stream into a graph", "[vela_report][ethosu]") {
    // The hello-world model's command stream and read-only data as Vela's raw writer would
    // save them: scratch in region 1 with the input at 0 and the output at 16 (where the
    // optimised .tflite's stream reads and writes them).
    const auto tflite =
        FormatRegistry::standard().open(fixture("tflite/paddle_hello_world_int8_vela.tflite"));
    const auto& graph = tflite.graphs.at(0);
    const auto& node = graph.nodes.at(0);
    const auto bytesOfInput = [&](std::size_t i) {
        const auto data = graph.value(node.inputs.at(i).value)->data.bytes();
        return std::vector<std::byte>(data.begin(), data.end());
    };
    const auto cmd = bytesOfInput(0);
    const auto weight = bytesOfInput(1);
    for (bool deflate : {false, true}) {
        DYNAMIC_SECTION((deflate ? "deflate" : "stored")) {
            const std::vector<ZipInput> entries{
                {"cmd_data.npy", makeNpy("|u1", {static_cast<std::int64_t>(cmd.size())}, cmd),
                 deflate},
                {"weight_data.npy",
                 makeNpy("|u1", {static_cast<std::int64_t>(weight.size())}, weight), deflate},
                {"weight_region.npy", int64Npy({}, {0}), false},
                {"scratch_region.npy", int64Npy({}, {1}), false},
                {"scratch_size.npy", int64Npy({}, {32}), false},
                {"input_shape.npy", int64Npy({1, 2}, {1, 1}), false},
                {"input_elem_size.npy", int64Npy({1}, {1}), false},
                {"input_region.npy", int64Npy({1}, {1}), false},
                {"input_offset.npy", int64Npy({1}, {0}), false},
                {"output_shape.npy", int64Npy({1, 2}, {1, 1}), false},
                {"output_elem_size.npy", int64Npy({1}, {1}), false},
                {"output_region.npy", int64Npy({1}, {1}), false},
                {"output_offset.npy", int64Npy({1}, {16}), false},
            };
            const auto path = writeMade("vela_report/hello_world_int8.npz", makeZip(entries));
            const auto model = FormatRegistry::standard().open(path);
            CHECK(model.format == "vela-raw");
            REQUIRE(model.graphs.size() == 1);
            const auto& npu = model.graphs[0];
            CHECK(npu.kind == "command-stream");
            CHECK(npu.partitions.at(0).target == "ethos-u55-256");
            CHECK(npu.opHistogram() ==
                  std::map<std::string, std::size_t>{{"ethosu.CONV", 3}, {"ethosu.STOP", 1}});
            // The same operations as the .tflite's child graph, now with named ends.
            REQUIRE(npu.inputs.size() == 1);
            REQUIRE(npu.outputs.size() == 1);
            const auto& input = npu.values.at(static_cast<std::size_t>(npu.inputs[0]));
            const auto& output = npu.values.at(static_cast<std::size_t>(npu.outputs[0]));
            CHECK(input.name == "input_0");
            CHECK(input.typeText() == "int8[1,1]");
            CHECK(output.name == "output_0");
            CHECK(npu.nodes.at(0).inputs.at(0).value == npu.inputs[0]);
            CHECK(npu.nodes.at(2).outputs.at(0).value == npu.outputs[0]);
            // Weights and scales are views of weight_data (region 0).
            std::uint64_t constantBytes = 0;
            for (const auto& value : npu.values)
                if (value.kind == ValueKind::Constant) constantBytes += value.data.size();
            CHECK(constantBytes > 0);
            CHECK(constantBytes <= weight.size());
            std::int64_t macs = 0;
            for (const auto& op : npu.nodes)
                if (const auto* count = findAttribute(op.attributes, "macs"))
                    macs += std::get<std::int64_t>(count->value);
            CHECK(macs == 288);
        }
    }

    // A stream that does not decode leaves the archive readable, with the reason noted.
    const auto model = FormatRegistry::standard().open(
        writeMade("vela_report/nop_only.npz", makeZip(rawOutputEntries(false))));
    CHECK(model.graphs.empty());
    CHECK(metadataValue<std::string>(model, "vela.command_stream_error").find("COP1") !=
          std::string::npos);
}

TEST_CASE("npy arrays: dtypes, versions and scalars", "[vela_report]") {
    std::vector<std::byte> data;
    put32(data, 0xFFFFFFFE); // -2
    put32(data, 7);
    auto file = MappedFile::fromBytes("a.npy", makeNpy("<i4", {2, 1}, data, 3));
    const auto array = parseNpy(ByteView(file, file->bytes()), "a.npy", "a");
    CHECK(array.dtype() == DType::Int32);
    CHECK(array.shape == std::vector<std::int64_t>{2, 1});
    CHECK(array.integers() == std::vector<std::int64_t>{-2, 7});

    std::vector<std::byte> big{std::byte(0x3F), std::byte(0xF0), std::byte(0), std::byte(0),
                               std::byte(0),    std::byte(0),    std::byte(0), std::byte(0)};
    file = MappedFile::fromBytes("b.npy", makeNpy(">f8", {}, big));
    const auto scalar = parseNpy(ByteView(file, file->bytes()), "b.npy", "b");
    CHECK(scalar.shape.empty());
    CHECK(scalar.elementCount == 1);
    CHECK(scalar.realAt(0) == 1.0);

    std::vector<std::byte> half;
    put16(half, 0x3C00); // 1.0
    put16(half, 0xC000); // -2.0
    file = MappedFile::fromBytes("c.npy", makeNpy("<f2", {2}, half));
    const auto halves = parseNpy(ByteView(file, file->bytes()), "c.npy", "c");
    CHECK(halves.dtype() == DType::Float16);
    CHECK(halves.realAt(1) == -2.0);
}

TEST_CASE("Malformed npy, zip and raw output give FormatError", "[vela_report]") {
    auto npyError = [](const std::vector<std::byte>& bytes) {
        auto file = MappedFile::fromBytes("bad.npy", bytes);
        CHECK_THROWS_AS(parseNpy(ByteView(file, file->bytes()), "bad.npy", "bad"), FormatError);
    };
    const std::vector<std::byte> four(4);
    npyError(makeNpy("<i4", {2}, four));                      // data too short
    npyError(makeNpy("<i4", {4611686018427387904, 4}, four)); // count overflows
    npyError(makeNpy("<q9", {1}, four));                      // unknown kind
    npyError(makeNpy("<i3", {1}, four));                      // odd item size
    auto version4 = makeNpy("<i4", {1}, four);
    version4[6] = std::byte(4);
    npyError(version4);
    auto structured = makeNpy("<i4", {1}, four);
    const std::string replacement = "[('a',";
    std::memcpy(structured.data() + 20, replacement.data(), replacement.size());
    npyError(structured);

    auto zipError = [](const std::vector<std::byte>& bytes, const std::string& expected) {
        auto file = MappedFile::fromBytes("bad.npz", bytes);
        try {
            readVelaRawOutput(ByteView(file, file->bytes()), "bad.npz");
            FAIL("accepted an archive that should fail with " << expected);
        } catch (const FormatError& error) {
            CHECK_THAT(error.expected(), Catch::Contains(expected));
        }
    };
    const auto good = makeZip(rawOutputEntries(true));
    const std::size_t centralStart = [&] {
        for (std::size_t i = good.size() - 22; i-- > 0;)
            if (good[i] == std::byte(0x50) && good[i + 1] == std::byte(0x4b) &&
                good[i + 2] == std::byte(1) && good[i + 3] == std::byte(2) &&
                std::memcmp(good.data() + i + 46, "cmd_data.npy", 12) == 0)
                return i;
        return std::size_t(0);
    }();
    REQUIRE(centralStart > 0);

    auto bomb = good; // declares 4 GiB from a deflate stream of a few bytes
    bomb[centralStart + 24] = bomb[centralStart + 25] = bomb[centralStart + 26] =
        bomb[centralStart + 27] = std::byte(0xFE);
    zipError(bomb, "uncompressed size deflate can reach");
    auto method = good;
    method[centralStart + 10] = std::byte(12);
    zipError(method, "compression method");
    auto encrypted = good;
    encrypted[centralStart + 8] = std::byte(1);
    zipError(encrypted, "unencrypted");
    auto wrongSize = good; // one byte more than the stream inflates to
    wrongSize[centralStart + 24] =
        std::byte(static_cast<unsigned>(wrongSize[centralStart + 24]) + 1);
    zipError(wrongSize, "deflate stream of exactly");
    auto crc = good;
    crc[centralStart + 16] ^= std::byte(0xFF);
    zipError(crc, "crc-32");
    auto farOffset = good;
    farOffset[centralStart + 44] = std::byte(0x7F);
    zipError(farOffset, "local header");
    auto manyEntries = good;
    manyEntries[good.size() - 12] = std::byte(0xF0);
    manyEntries[good.size() - 11] = std::byte(0xFF);
    zipError(manyEntries, "entry count");
    zipError(makeZip({{"weight_data.npy", makeNpy("|u1", {0}, {}), false}}), "cmd_data.npy");
    zipError(makeZip({{"cmd_data.npy", makeNpy("|O", {1}, four), false}}), "numeric array");
    zipError(bytesOf("PK\x05\x06"), "end-of-central-directory record");
}

TEST_CASE("Members that inflate past what Vela's arrays can be are refused by name",
          "[vela_report]") {
    auto refusal = [](const std::vector<ZipInput>& entries) -> std::string {
        const auto zip = makeZip(entries);
        auto file = MappedFile::fromBytes("bomb.npz", zip);
        try {
            readVelaRawOutput(ByteView(file, file->bytes()), "bomb.npz");
        } catch (const FormatError& error) {
            return error.expected();
        }
        return {};
    };
    const std::vector<std::byte> zeros(std::size_t{80} << 20);
    // One member of 80 MiB of zeros: about 80 KB deflated, a 1000:1 bomb.
    CHECK_THAT(refusal({{"cmd_data.npy", makeNpy("|u1", {80 << 20}, zeros), true}}),
               Catch::Contains("cmd_data.npy declares"));
    // Two members of 40 MiB: the second takes the archive past the cap.
    const std::vector<std::byte> half(zeros.begin(), zeros.begin() + (40 << 20));
    CHECK_THAT(refusal({{"cmd_data.npy", makeNpy("|u1", {40 << 20}, half), true},
                        {"weight_data.npy", makeNpy("|u1", {40 << 20}, half), true}}),
               Catch::Contains("weight_data.npy declares"));
}

TEST_CASE("Every truncation of small inputs fails cleanly", "[vela_report]") {
    const auto zip = makeZip(rawOutputEntries(true));
    for (std::size_t length = 0; length < zip.size(); ++length) {
        auto file = MappedFile::fromBytes("t.npz", std::span(zip).first(length));
        CHECK_THROWS_AS(readVelaRawOutput(ByteView(file, file->bytes()), "t.npz"), FormatError);
    }
    const auto npy = int64Npy({1, 4}, {1, 2, 3, 4});
    for (std::size_t length = 0; length < npy.size(); ++length) {
        auto file = MappedFile::fromBytes("t.npy", std::span(npy).first(length));
        CHECK_THROWS_AS(parseNpy(ByteView(file, file->bytes()), "t.npy", "t"), FormatError);
    }
    // A cut CSV may still be a complete table (a number cut to "75"); it must read or fail.
    auto readsOrFails = [](auto&& parse) {
        try {
            parse();
        } catch (const FormatError&) {
        }
    };
    const std::string summary = fileText(fixture(kSummaryFixture));
    std::size_t summaryFailures = 0;
    for (std::size_t length = 0; length < summary.size(); ++length) {
        try {
            parseVelaSummary(summary.substr(0, length), "t.csv");
        } catch (const FormatError&) {
            ++summaryFailures;
        }
    }
    CHECK(summaryFailures > summary.size() - 10);
    for (const auto* text : {&kRegorPerLayer, &kLegacyPerLayer})
        for (std::size_t length = 0; length < text->size(); ++length)
            readsOrFails([&] { parseVelaPerLayer(text->substr(0, length), "t.csv"); });
}

TEST_CASE("Vela reports survive damage", "[vela_report][robustness]") {
    const auto registry = FormatRegistry::standard();
    auto report = testing::damageAndRead(registry, fixture(kSummaryFixture), 128, 128);
    CHECK(report.originalReads);
    CHECK(report.formatErrors > 0);
    CHECK(report.readOk > 0); // flips in figures still read: the reader itself was reached

    const auto perLayer = writeMade("vela_report/damage_per-layer.csv", bytesOf(kLegacyPerLayer));
    report = testing::damageAndRead(registry, perLayer);
    CHECK(report.originalReads);
    CHECK(report.readOk > 0);

    for (bool deflate : {false, true}) {
        const auto npz =
            writeMade(deflate ? "vela_report/damage_deflate.npz" : "vela_report/damage_stored.npz",
                      makeZip(rawOutputEntries(deflate)));
        report = testing::damageAndRead(registry, npz, 128, 256);
        CHECK(report.originalReads);
        CHECK(report.formatErrors > 0);
    }
}
