#include "runtime/kernels/ethosu/npu_operation.hpp"

#include "runtime/kernels/ethosu/npu_memory.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstdint>

namespace pteron::runtime::ethosu {
namespace {

// Attribute access that names the node in every error.
class NodeAttributes {
  public:
    NodeAttributes(const Graph& graph, const Node& node) : graph_(graph), node_(node) {}

    const AttributeValue* find(std::string_view name) const {
        const auto* attribute = findAttribute(node_.attributes, name);
        return attribute ? &attribute->value : nullptr;
    }
    std::int64_t integer(std::string_view name, std::int64_t fallback) const {
        const auto* value = find(name);
        if (!value) return fallback;
        if (const auto* number = std::get_if<std::int64_t>(value)) return *number;
        if (const auto* flag = std::get_if<bool>(value)) return *flag ? 1 : 0;
        if (const auto* item = std::get_if<EnumValue>(value)) return item->number;
        fail(name, "an integer");
    }
    std::vector<std::int64_t> integers(std::string_view name, std::size_t count) const {
        const auto* value = find(name);
        if (!value) return std::vector<std::int64_t>(count, 0);
        const auto* list = std::get_if<std::vector<std::int64_t>>(value);
        if (!list || list->size() != count) fail(name, std::to_string(count) + " integers");
        return *list;
    }
    std::string text(std::string_view name, std::string fallback) const {
        const auto* value = find(name);
        if (!value) return fallback;
        if (const auto* item = std::get_if<EnumValue>(value)) return item->name;
        if (const auto* string = std::get_if<std::string>(value)) return *string;
        fail(name, "a name");
    }
    [[noreturn]] void fail(std::string_view name, const std::string& expected) const {
        throw RuntimeError("graph " + graph_.id + " node " + node_.name + " " + node_.op + ": " +
                           std::string(name) + " must be " + expected);
    }

  private:
    const Graph& graph_;
    const Node& node_;
};

std::uint64_t unsignedOf(std::int64_t value) {
    return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

void readPrecision(NpuFeatureMap& fm, const std::string& name, const NodeAttributes& attributes,
                   std::string_view key) {
    static constexpr std::pair<std::string_view, std::pair<unsigned, bool>> kTypes[] = {
        {"int8", {1, true}},  {"uint8", {1, false}},  {"int16", {2, true}}, {"uint16", {2, false}},
        {"int32", {4, true}}, {"uint32", {4, false}}, {"int64", {8, true}}, {"uint64", {8, false}}};
    for (const auto& [typeName, info] : kTypes) {
        if (name != typeName) continue;
        fm.elementBytes = info.first;
        fm.isSigned = info.second;
        return;
    }
    attributes.fail(key, "an integer precision");
}

NpuFeatureMap readFeatureMap(const NodeAttributes& attributes, const std::string& prefix) {
    NpuFeatureMap fm;
    if (const auto* scalar = attributes.find(prefix + "_scalar")) {
        fm.present = true;
        fm.scalar = attributes.integer(prefix + "_scalar", 0);
        fm.zeroPoint = attributes.integer(prefix + "_zero_point", 0);
        (void)scalar;
        return fm;
    }
    if (!attributes.find(prefix + "_shape")) return fm;
    fm.present = true;
    const auto shape = attributes.integers(prefix + "_shape", 4);
    fm.height = shape[1];
    fm.width = shape[2];
    fm.depth = shape[3];
    if (fm.height <= 0 || fm.width <= 0 || fm.depth <= 0 || fm.height > 65536 || fm.width > 65536 ||
        fm.depth > 65536)
        attributes.fail(prefix + "_shape", "a shape of 1 to 65536 rows, columns and channels");
    readPrecision(fm, attributes.text(prefix + "_precision", "int8"), attributes,
                  prefix + "_precision");
    fm.bricked = attributes.text(prefix + "_layout", "NHWC") == "NHCWB16";
    fm.zeroPoint = attributes.integer(prefix + "_zero_point", 0);
    const auto region = attributes.integer(prefix + "_region", 0);
    if (region < 0 || region > 7) attributes.fail(prefix + "_region", "a region 0 to 7");
    fm.region = static_cast<unsigned>(region);
    const auto strides = attributes.integers(prefix + "_strides", 3);
    fm.strideY = unsignedOf(strides[0]);
    fm.strideX = unsignedOf(strides[1]);
    fm.strideC = unsignedOf(strides[2]);
    if (attributes.find(prefix + "_tile_bases")) {
        const auto bases = attributes.integers(prefix + "_tile_bases", 4);
        for (std::size_t i = 0; i < 4; ++i)
            fm.bases[i] = unsignedOf(bases[i]);
        const auto tiles = attributes.integers(prefix + "_tile_sizes", 3);
        fm.height0 = std::max<std::int64_t>(1, tiles[0]);
        fm.height1 = std::max<std::int64_t>(1, tiles[1]);
        fm.width0 = std::max<std::int64_t>(1, tiles[2]);
    } else {
        fm.bases.fill(unsignedOf(attributes.integer(prefix + "_base", 0)));
        fm.height0 = fm.height1 = fm.height;
        fm.width0 = fm.width;
    }
    // The registers bound every address term below 2^48, so products stay far from overflow.
    constexpr std::uint64_t kLimit = std::uint64_t{1} << 40;
    if (fm.strideY >= kLimit || fm.strideX >= kLimit || fm.strideC >= kLimit ||
        std::any_of(fm.bases.begin(), fm.bases.end(), [](auto b) { return b >= kLimit; }))
        attributes.fail(prefix, "a feature map with addresses and strides below 2^40");
    return fm;
}

std::optional<NpuRange> readRange(const NodeAttributes& attributes, const std::string& prefix) {
    if (!attributes.find(prefix + "_base")) return std::nullopt;
    const auto region = attributes.integer(prefix + "_region", 0);
    const auto base = attributes.integer(prefix + "_base", 0);
    const auto length = attributes.integer(prefix + "_length", 0);
    if (region < 0 || region > 255 || base < 0 || length < 0)
        attributes.fail(prefix, "a region, base and length that are not negative");
    return NpuRange{static_cast<unsigned>(region), static_cast<std::uint64_t>(base),
                    static_cast<std::uint64_t>(length)};
}

// A side in internal memory addresses the SHRAM; 2-D and 3-D transfers carry counts and skips.
void readDmaModes(NpuOperation& op, const NodeAttributes& attributes) {
    if (op.dmaSource && attributes.integer("dma_source_internal", 0))
        op.dmaSource->region = NpuMemory::kShram;
    if (op.dmaDestination && attributes.integer("dma_destination_internal", 0))
        op.dmaDestination->region = NpuMemory::kShram;
    op.dmaSourceMode = static_cast<unsigned>(attributes.integer("dma_source_mode", 0));
    op.dmaDestinationMode = static_cast<unsigned>(attributes.integer("dma_destination_mode", 0));
    if (op.dmaSourceMode > 2 || op.dmaDestinationMode > 2)
        attributes.fail("dma_source_mode", "a stride mode of 0 to 2");
    if (op.dmaSourceMode == 0 && op.dmaDestinationMode == 0) return;
    const auto sizes = attributes.integers("dma_sizes", 2);
    const auto skips = attributes.integers("dma_skips", 2);
    for (std::size_t i = 0; i < 2; ++i) {
        if (sizes[i] < 0 || sizes[i] > 65535 || skips[i] < 0 || skips[i] >= (std::int64_t{1} << 40))
            attributes.fail("dma_sizes", "2-D/3-D counts of 0 to 65535 and skips below 2^40");
        op.dmaSizes[i] = static_cast<std::uint64_t>(sizes[i]);
        op.dmaSkips[i] = static_cast<std::uint64_t>(skips[i]);
    }
}

// U85 ELEMENTWISE operand scales: multiplier, shift, double-rounding shift, rounding mode.
void readOperandScales(NpuOperation& op, const NodeAttributes& attributes) {
    op.ifmBroadcast = static_cast<unsigned>(attributes.integer("ifm_broadcast", 0) & 0xF);
    const auto read = [&](std::string_view name, NpuOperation::OperandScale& into) {
        if (!attributes.find(name)) return;
        const auto values = attributes.integers(name, 4);
        if (values[0] < 0 || values[0] > INT32_MAX || values[1] < 0 || values[1] > 63 ||
            values[2] < 0 || values[2] > 31 || values[3] < 0 || values[3] > 1)
            attributes.fail(name, "a 31-bit multiplier, a shift of 0 to 63, a double-rounding "
                                  "shift of 0 to 31 and a rounding mode of 0 or 1");
        into = {values[0], values[1], static_cast<unsigned>(values[2]), values[3] == 1};
    };
    read("ifm_scale", op.ifmScale);
    read("ifm2_scale", op.ifm2Scale);
    const auto doubleRound = attributes.integer("ofm_double_round", 0);
    if (doubleRound < 0 || doubleRound > 31)
        attributes.fail("ofm_double_round", "a double-rounding shift of 0 to 31");
    op.ofmDoubleRound = static_cast<unsigned>(doubleRound);
}

} // namespace

std::uint64_t NpuFeatureMap::address(std::int64_t y, std::int64_t x, std::int64_t c) const {
    std::size_t tile = 0;
    if (x >= width0) {
        x -= width0;
        tile = 1;
        if (y >= height1) {
            y -= height1;
            tile = 3;
        }
    } else if (y >= height0) {
        y -= height0;
        tile = 2;
    }
    const auto uy = static_cast<std::uint64_t>(y), ux = static_cast<std::uint64_t>(x),
               uc = static_cast<std::uint64_t>(c);
    if (bricked)
        return bases[tile] + uy * strideY + ux * strideX + (uc / 16) * strideC +
               (uc % 16) * elementBytes;
    return bases[tile] + uy * strideY + ux * strideX + uc * elementBytes;
}

std::uint64_t NpuFeatureMap::end() const {
    if (scalar) return 0;
    // Addresses grow with each coordinate, so each tile's last element is its highest byte.
    std::uint64_t last = address(height - 1, width - 1, depth - 1);
    last = std::max(last,
                    address(std::min(height, height0) - 1, std::min(width, width0) - 1, depth - 1));
    if (width > width0)
        last = std::max(last, address(std::min(height, height1) - 1, width - 1, depth - 1));
    if (height > height0)
        last = std::max(last, address(height - 1, std::min(width, width0) - 1, depth - 1));
    return last + elementBytes;
}

std::int64_t NpuFeatureMap::minValue() const {
    if (!isSigned) return 0;
    return -(std::int64_t{1} << (8 * elementBytes - 1));
}

std::int64_t NpuFeatureMap::maxValue() const {
    if (elementBytes >= 8) return INT64_MAX;
    return isSigned ? (std::int64_t{1} << (8 * elementBytes - 1)) - 1
                    : (std::int64_t{1} << (8 * elementBytes)) - 1;
}

// With IFM upscaling the kernel runs over a map twice the stored size, so half the rows and
// columns (rounded up) are read.
std::int64_t NpuOperation::ifmHeight() const {
    if (kind == "ELEMENTWISE") return ofm.height;
    if (kind == "RESIZE") return ifm.height;
    const auto extent = (ofm.height - 1) * strideY + (kernelHeight - 1) * dilationY + 1;
    const auto rows = std::max<std::int64_t>(1, extent - padTop - padBottom);
    return ifmUpscale ? (rows + 1) / 2 : rows;
}

std::int64_t NpuOperation::ifmWidth() const {
    if (kind == "ELEMENTWISE") return ofm.width;
    if (kind == "RESIZE") return ifm.width;
    const auto extent = (ofm.width - 1) * strideX + (kernelWidth - 1) * dilationX + 1;
    const auto columns = std::max<std::int64_t>(1, extent - padLeft - padRight);
    return ifmUpscale ? (columns + 1) / 2 : columns;
}

NpuOperation readOperation(const Graph& graph, const Node& node) {
    const NodeAttributes attributes(graph, node);
    NpuOperation op;
    constexpr std::string_view kPrefix = "ethosu.";
    op.kind = node.op.starts_with(kPrefix) ? node.op.substr(kPrefix.size()) : node.op;
    op.mode = attributes.text("mode", "");
    op.ifm = readFeatureMap(attributes, "ifm");
    op.ifm2 = readFeatureMap(attributes, "ifm2");
    op.ofm = readFeatureMap(attributes, "ofm");
    if (attributes.find("kernel_size")) {
        const auto size = attributes.integers("kernel_size", 2);
        const auto stride = attributes.integers("kernel_stride", 2);
        const auto dilation = attributes.integers("kernel_dilation", 2);
        const auto padding = attributes.integers("padding", 4);
        op.kernelHeight = size[0];
        op.kernelWidth = size[1];
        op.strideY = stride[0];
        op.strideX = stride[1];
        op.dilationY = dilation[0];
        op.dilationX = dilation[1];
        op.padTop = padding[0];
        op.padLeft = padding[1];
        op.padBottom = padding[2];
        op.padRight = padding[3];
        for (const auto v :
             {op.kernelHeight, op.kernelWidth, op.strideY, op.strideX, op.dilationY, op.dilationX})
            if (v < 1 || v > 65536) attributes.fail("kernel_size", "kernel figures of 1 to 65536");
        for (const auto v : padding)
            if (v < 0 || v > 65536) attributes.fail("padding", "padding of 0 to 65536");
        op.partKernelFirst = attributes.integer("part_kernel_first", 0) != 0;
    }
    op.weights = readRange(attributes, "weight");
    op.scales = readRange(attributes, "scale");
    for (std::size_t core = 0; core < op.coreWeights.size(); ++core)
        op.coreWeights[core] = readRange(attributes, "weights" + std::to_string(core + 1));
    op.extraWeightStreams = attributes.find("weights1_base") || attributes.find("scales1_base") ||
                            attributes.find("weights2_base");
    op.activation = attributes.text("activation", "NONE");
    op.activationMin = attributes.integer("activation_min", 0);
    op.activationMax = attributes.integer("activation_max", 0);
    const auto ofmScale = attributes.integers("ofm_scale", 2);
    op.ofmMultiplier = ofmScale[0];
    op.ofmShift = ofmScale[1];
    const auto opaScale = attributes.integers("opa_scale", 2);
    op.opaMultiplier = opaScale[0];
    op.opaShift = opaScale[1];
    op.opbMultiplier = attributes.integer("opb_scale", 0);
    op.operandToScale = static_cast<unsigned>(attributes.integer("operand_to_scale", 0) & 3);
    op.rounding = attributes.text("rounding", "TFL");
    op.globalScale = attributes.integer("global_scale", 0) != 0;
    op.ifm2Broadcast = static_cast<unsigned>(attributes.integer("ifm2_broadcast", 0) & 0xFFFF);
    op.ifmUpscale = static_cast<unsigned>(attributes.integer("ifm_upscale", 0) & 3);
    readOperandScales(op, attributes);
    const auto block = attributes.integers("ofm_block", 3);
    op.ofmBlock = {block[0], block[1], block[2]};
    op.weightFormat = static_cast<unsigned>(attributes.integer("weight_format", 0) & 0xFFFF);
    op.accFormat = static_cast<unsigned>(attributes.integer("acc_format", 0) & 0xFFFF);
    op.kernelDecomposition =
        static_cast<unsigned>(attributes.integer("kernel_decomposition", 0) & 0xFFFF);
    op.ofmReverse = static_cast<unsigned>(attributes.integer("ofm_reverse", 0) & 0xFFFF);
    op.ofmTranspose = static_cast<unsigned>(attributes.integer("ofm_transpose", 0) & 0xFFFF);
    op.chainedMaps = static_cast<unsigned>(attributes.integer("chained_maps", 0) & 7);
    if (attributes.find("resize_scale")) {
        const auto scale = attributes.integers("resize_scale", 4);
        const auto offset = attributes.integers("resize_offset", 2);
        for (std::size_t i = 0; i < 4; ++i)
            if (scale[i] < 1 || scale[i] > 65536)
                attributes.fail("resize_scale", "scale terms of 1 to 65536");
        for (std::size_t i = 0; i < 2; ++i)
            if (offset[i] < -65536 || offset[i] > 65536)
                attributes.fail("resize_offset", "offsets of -65536 to 65536");
        op.resizeScale = {scale[0], scale[1], scale[2], scale[3]};
        op.resizeOffset = {offset[0], offset[1]};
    }
    op.dmaSource = readRange(attributes, "dma_source");
    op.dmaDestination = readRange(attributes, "dma_destination");
    readDmaModes(op, attributes);
    op.activationClip = static_cast<unsigned>(attributes.integer("activation_clip", 0) & 7);
    if (op.ofmShift < 0 || op.ofmShift > 63 || op.opaShift < 0 || op.opaShift > 63)
        attributes.fail("ofm_scale", "shifts of 0 to 63");
    return op;
}

} // namespace pteron::runtime::ethosu
