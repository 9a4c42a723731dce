#include "parsers/ethosu/ethosu_operations.hpp"

#include <algorithm>
#include <bitset>
#include <climits>
#include <cstdint>

namespace pteron::ethosu {
namespace {

// The register file as the NPU sees it when an operation starts: values persist across
// operations because Vela only writes registers whose value changes.
class ShadowRegisters {
  public:
    void write(const RegisterCommand& command) {
        const std::size_t index = command.opcode & 0x3FF;
        if (command.longForm) {
            long_[index] = command.address();
            payload_[index] = command.payload;
            longParam_[index] = command.param;
            hasLong_.set(index);
        } else {
            short_[index] = command.param;
            hasShort_.set(index);
        }
    }
    std::uint16_t param(std::uint16_t opcode) const { return short_[opcode & 0x3FF]; }
    std::int64_t signedParam(std::uint16_t opcode) const {
        return static_cast<std::int16_t>(short_[opcode & 0x3FF]);
    }
    bool hasParam(std::uint16_t opcode) const { return hasShort_.test(opcode & 0x3FF); }
    std::uint64_t address(std::uint16_t opcode) const { return long_[opcode & 0x3FF]; }
    std::uint32_t payload(std::uint16_t opcode) const { return payload_[opcode & 0x3FF]; }
    // The whole parameter of a cmd1 write (address() keeps only its low byte).
    std::uint16_t longParam(std::uint16_t opcode) const { return longParam_[opcode & 0x3FF]; }

  private:
    std::array<std::uint16_t, 1024> short_{};
    std::array<std::uint64_t, 1024> long_{};
    std::array<std::uint32_t, 1024> payload_{};
    std::array<std::uint16_t, 1024> longParam_{};
    std::bitset<1024> hasShort_;
    std::bitset<1024> hasLong_;
};

DType precisionType(bool isSigned, unsigned sizeCode) {
    switch (sizeCode) {
    case 0:
        return isSigned ? DType::Int8 : DType::UInt8;
    case 1:
        return isSigned ? DType::Int16 : DType::UInt16;
    case 2:
        return isSigned ? DType::Int32 : DType::UInt32;
    default:
        return isSigned ? DType::Int64 : DType::UInt64;
    }
}

struct FeatureMapRegisters {
    std::uint16_t region, base0, strideX, strideY, strideC, precision, zeroPoint;
    std::uint16_t width0, height0, height1;
};

constexpr FeatureMapRegisters kIfm{reg0::IfmRegion,    reg1::IfmBase0,    reg1::IfmStrideX,
                                   reg1::IfmStrideY,   reg1::IfmStrideC,  reg0::IfmPrecision,
                                   reg0::IfmZeroPoint, reg0::IfmWidth0M1, reg0::IfmHeight0M1,
                                   reg0::IfmHeight1M1};
constexpr FeatureMapRegisters kIfm2{reg0::Ifm2Region,    reg1::Ifm2Base0,    reg1::Ifm2StrideX,
                                    reg1::Ifm2StrideY,   reg1::Ifm2StrideC,  reg0::Ifm2Precision,
                                    reg0::Ifm2ZeroPoint, reg0::Ifm2Width0M1, reg0::Ifm2Height0M1,
                                    reg0::Ifm2Height1M1};
constexpr FeatureMapRegisters kOfm{reg0::OfmRegion,    reg1::OfmBase0,    reg1::OfmStrideX,
                                   reg1::OfmStrideY,   reg1::OfmStrideC,  reg0::OfmPrecision,
                                   reg0::OfmZeroPoint, reg0::OfmWidth0M1, reg0::OfmHeight0M1,
                                   reg0::OfmHeight1M1};

FeatureMap readFeatureMap(const ShadowRegisters& regs, const FeatureMapRegisters& r, bool output,
                          Product product) {
    FeatureMap fm;
    fm.present = true;
    fm.region = regs.param(r.region) & 0x7;
    for (std::uint16_t i = 0; i < 4; ++i)
        fm.bases[i] = regs.address(r.base0 + i);
    fm.strideX = regs.address(r.strideX);
    fm.strideY = regs.address(r.strideY);
    fm.strideC = regs.address(r.strideC);
    fm.width0 = regs.param(r.width0) + 1;
    fm.height0 = regs.param(r.height0) + 1;
    fm.height1 = regs.param(r.height1) + 1;
    const auto precision = regs.param(r.precision);
    fm.precisionRegister = precision;
    const unsigned sizeCode = output ? (precision >> 1) & 3 : (precision >> 2) & 3;
    fm.dtype = precisionType(precision & 1, sizeCode);
    const unsigned formatMask = product == Product::U85 ? 3 : 1;
    fm.layout = ((precision >> 6) & formatMask) == 1 ? "NHCWB16" : "NHWC";
    fm.zeroPoint = regs.signedParam(r.zeroPoint);
    if (output) {
        fm.height = regs.param(reg0::OfmHeightM1) + 1;
        fm.width = regs.param(reg0::OfmWidthM1) + 1;
        fm.depth = regs.param(reg0::OfmDepthM1) + 1;
    } else {
        // Only tile sizes describe input maps; tile 0 spans the whole map unless it is split.
        fm.height = fm.height0;
        fm.width = fm.width0;
        fm.depth = regs.param(reg0::IfmDepthM1) + 1;
    }
    return fm;
}

Kernel readKernel(const ShadowRegisters& regs) {
    Kernel k;
    const auto stride = regs.param(reg0::KernelStride);
    k.strideX = ((stride & 1) | ((stride >> 6) & 1) << 1) + 1;
    k.strideY = (((stride >> 1) & 1) | ((stride >> 9) & 1) << 1) + 1;
    k.dilationX = ((stride >> 3) & 1) + 1;
    k.dilationY = ((stride >> 4) & 1) + 1;
    k.partKernelFirst = (stride >> 2) & 1;
    // The size registers hold dilation * (size - 1).
    k.width = regs.param(reg0::KernelWidthM1) / k.dilationX + 1;
    k.height = regs.param(reg0::KernelHeightM1) / k.dilationY + 1;
    k.padTop = regs.param(reg0::IfmPadTop);
    k.padLeft = regs.param(reg0::IfmPadLeft);
    k.padBottom = regs.param(reg0::IfmPadBottom);
    k.padRight = regs.param(reg0::IfmPadRight);
    return k;
}

std::string_view poolModeName(unsigned mode) {
    constexpr std::string_view names[] = {"MAX",  "AVERAGE", "REDUCE_SUM", "SUM",
                                          "NONE", "MIN",     "ARGMAX_X",   "ARGMAX_Y"};
    return mode < std::size(names) ? names[mode] : "UNKNOWN";
}

std::string_view elementwiseModeName(unsigned mode) {
    constexpr std::string_view low[] = {"MUL", "ADD", "SUB", "MIN", "MAX", "LRELU",
                                        "ABS", "CLZ", "SHR", "SHL", "LSR", "DIV"};
    if (mode < std::size(low)) return low[mode];
    switch (mode) {
    case 16:
        return "CMP_EQ";
    case 17:
        return "CMP_NE";
    case 18:
        return "CMP_GE";
    case 19:
        return "CMP_GT";
    case 33:
        return "AND";
    case 34:
        return "OR";
    case 35:
        return "XOR";
    case 36:
        return "NOT";
    case 42:
        return "AND_NOT";
    default:
        return "UNKNOWN";
    }
}

std::string_view resizeModeName(unsigned mode) {
    constexpr std::string_view names[] = {"BILINEAR", "REPLICATE", "NEAREST"};
    return mode < std::size(names) ? names[mode] : "UNKNOWN";
}

bool unaryElementwise(unsigned mode) {
    return mode == 5 || mode == 6 || mode == 7 || mode == 36;
}

EnumValue activationOf(const ShadowRegisters& regs, Product product) {
    const unsigned value = regs.param(reg0::Activation);
    const unsigned function = value & 0x1F;
    if (product == Product::U85) {
        const unsigned table = (value >> 5) & 7;
        switch (function) {
        case 0:
            return {"NONE", function};
        case 10:
            return {"TANH", function};
        case 11:
            return {"SIGMOID", function};
        default:
            return {"LUT" + std::to_string(table), function};
        }
    }
    if (function == 0) return {"NONE", 0};
    if (function == 3) return {"TANH", 3};
    if (function == 4) return {"SIGMOID", 4};
    if (function >= 16 && function < 24) return {"LUT" + std::to_string(function - 16), function};
    return {"UNKNOWN", function};
}

MemoryRange lengthRange(const ShadowRegisters& regs, std::uint16_t regionReg, std::uint16_t baseReg,
                        std::uint16_t lengthReg) {
    const std::uint64_t base = regs.address(baseReg);
    return {static_cast<unsigned>(regs.param(regionReg) & 0x7), base,
            base + regs.payload(lengthReg)};
}

// Each core of a multi-core NPU has its own weight stream, all in the weight region; U55/U65
// pair WEIGHT1 with SCALE1 where U85 has WEIGHT2/WEIGHT3 at those registers.
void readExtraStreams(NpuOperation& op, const ShadowRegisters& regs, Product product) {
    struct Stream {
        const char* name;
        std::uint16_t regionReg, base, length;
    };
    const bool u85 = product == Product::U85;
    const Stream streams[] = {
        {"weights1", reg0::WeightRegion, reg1::Weight1Base, reg1::Weight1Length},
        {u85 ? "weights2" : "scales1", u85 ? reg0::WeightRegion : reg0::ScaleRegion,
         reg1::Weight2Base, reg1::Weight2Length},
        {"weights3", reg0::WeightRegion, reg1::Weight3Base, reg1::Weight3Length},
    };
    for (const auto& stream : streams) {
        if (!u85 && std::string_view(stream.name) == "weights3") continue;
        const auto range = lengthRange(regs, stream.regionReg, stream.base, stream.length);
        if (range.end > range.begin) op.extraStreams.emplace_back(stream.name, range);
    }
}

void readScaling(NpuOperation& op, const ShadowRegisters& regs, Product product) {
    auto& s = op.scaling;
    s.ofmMultiplier = regs.payload(reg1::OfmScale);
    // A cmd1 keeps its parameter (the shift) in the address's high bits.
    s.ofmShift = (regs.address(reg1::OfmScale) >> 32) & 0x3F;
    s.opaMultiplier = regs.payload(reg1::OpaScale);
    s.opaShift = (regs.address(reg1::OpaScale) >> 32) & 0x3F;
    s.opbMultiplier = regs.payload(reg1::OpbScale);
    s.operandToScale = (op.ifm.precisionRegister >> 8) & 3;
    s.rounding = (op.ofm.precisionRegister >> 14) & 3;
    // U85 moves the OFM rounding mode into OFM_SCALE's parameter (bits 15:13); OFM_PRECISION's
    // bits 15:14 name the storage there.
    if (product == Product::U85) {
        s.rounding = (regs.longParam(reg1::OfmScale) >> 13) & 7;
        s.u85Rounding = true;
        s.ofmMultiplier &= 0x7FFFFFFF;
        s.ofmDoubleRound = (regs.longParam(reg1::OfmScale) >> 6) & 0x1F;
        const auto operandScale = [&](std::uint16_t reg) {
            const auto param = regs.longParam(reg);
            return Scaling::OperandScale{regs.payload(reg) & 0x7FFFFFFF, param & 0x3F,
                                         (param >> 6) & 0x1Fu, (param >> 13) & 1u};
        };
        s.ifmScale = operandScale(reg1::OpaScale);
        s.ifm2Scale = operandScale(reg1::OpbScale);
    }
    s.globalScale = (op.ofm.precisionRegister >> 8) & 1;
    op.ifmUpscale = regs.param(reg0::IfmUpscale) & 3;
    op.accumulator = regs.param(reg0::AccFormat);
    op.ofmBlock = {regs.param(reg0::OfmBlockHeightM1) + std::int64_t{1},
                   regs.param(reg0::OfmBlockWidthM1) + std::int64_t{1},
                   regs.param(reg0::OfmBlockDepthM1) + std::int64_t{1}};
    if (product == Product::U85) {
        op.weightFormat = regs.param(reg0::WeightFormat);
        op.u85Fields = true;
        op.kernelDecomposition = (regs.param(reg0::KernelStride) >> 5) & 1;
        op.ofmReverse = (op.ofm.precisionRegister >> 9) & 3;
        op.ofmTranspose = (op.ofm.precisionRegister >> 11) & 7;
    }
}

// U85 RESIZE: the scale numerator n (SCALE_N_M1, 11 bits), the offset (12-bit two's
// complement) and the step registers, whose one-step integer part (parameter bits 3:0) and
// remainder (payload bits 10:0) give the denominator d = int * n + mod of the scale n/d.
void readResize(NpuOperation& op, const ShadowRegisters& regs) {
    const auto axis = [&](std::uint16_t scaleReg, std::uint16_t offsetReg, std::uint16_t stepReg,
                          std::size_t index) {
        const std::int64_t n = (regs.param(scaleReg) & 0x7FF) + 1;
        const auto offset = static_cast<std::int64_t>(regs.param(offsetReg) & 0xFFF);
        const std::int64_t oneStepInt = regs.longParam(stepReg) & 0xF;
        const std::int64_t oneStepMod = regs.payload(stepReg) & 0x7FF;
        op.resizeScaleN[index] = n;
        op.resizeOffset[index] = offset >= 0x800 ? offset - 0x1000 : offset;
        op.resizeScaleD[index] = oneStepInt * n + oneStepMod;
        op.resizeWords[index] = static_cast<std::int64_t>(regs.payload(stepReg));
    };
    axis(reg0::ResizeYScaleNM1, reg0::ResizeYOffset, reg1::ResizeY, 0);
    axis(reg0::ResizeXScaleNM1, reg0::ResizeXOffset, reg1::ResizeX, 1);
}

void readCompute(NpuOperation& op, const ShadowRegisters& regs, Product product) {
    op.ifm = readFeatureMap(regs, kIfm, false, product);
    op.ofm = readFeatureMap(regs, kOfm, true, product);
    op.activation = activationOf(regs, product);
    op.activationMin = regs.signedParam(reg0::ActivationMin);
    op.activationMax = regs.signedParam(reg0::ActivationMax);
    if (op.kind != "ELEMENTWISE") {
        op.kernel = readKernel(regs);
        op.hasKernel = true;
    }
    if (op.kind == "CONV" || op.kind == "DEPTHWISE") {
        op.weights = lengthRange(regs, reg0::WeightRegion, reg1::WeightBase, reg1::WeightLength);
        op.scales = lengthRange(regs, reg0::ScaleRegion, reg1::ScaleBase, reg1::ScaleLength);
        readExtraStreams(op, regs, product);
    }
    readScaling(op, regs, product);
    if (op.kind == "RESIZE") readResize(op, regs);
}

void readSecondInput(NpuOperation& op, const ShadowRegisters& regs, Product product) {
    op.ifm2 = readFeatureMap(regs, kIfm2, false, product);
    op.ifm2.depth = op.ifm.depth;
    const auto broadcast = regs.param(reg0::Ifm2Broadcast);
    op.ifm2Broadcast = broadcast;
    op.ifm2.scalar = product == Product::U85 ? (broadcast >> 3) & 1 : (broadcast >> 7) & 1;
    if (op.ifm2.scalar)
        op.ifm2.scalarValue = product == Product::U85
                                  ? static_cast<std::int32_t>(regs.payload(reg1::OpScalar))
                                  : regs.signedParam(reg0::Ifm2Scalar);
}

// U85: the IFM may be broadcast or be the scalar, as IFM2 may.
void readFirstInputBroadcast(NpuOperation& op, const ShadowRegisters& regs) {
    op.ifmBroadcast = regs.param(reg0::IfmBroadcast) & 0xF;
    op.ifm.scalar = (op.ifmBroadcast >> 3) & 1;
    if (op.ifm.scalar) op.ifm.scalarValue = static_cast<std::int32_t>(regs.payload(reg1::OpScalar));
}

void readDma(NpuOperation& op, const ShadowRegisters& regs, std::uint16_t param) {
    const std::uint64_t length = regs.payload(reg1::DmaLength);
    const std::uint64_t src = regs.address(reg1::DmaSrc);
    const std::uint64_t dst = regs.address(reg1::DmaDst);
    op.dmaSource = MemoryRange{static_cast<unsigned>(regs.param(reg0::DmaSrcRegion) & 0xFF), src,
                               src + length};
    op.dmaDestination = MemoryRange{static_cast<unsigned>(regs.param(reg0::DmaDstRegion) & 0xFF),
                                    dst, dst + length};
    op.mode = EnumValue{"channel " + std::to_string(param >> 4), param};
}

// U55/U65 region registers: bit 8 selects internal memory, bits 10:9 the stride mode; the sizes
// and skips shape 2-D and 3-D transfers.
void readDmaModes(NpuOperation& op, const ShadowRegisters& regs) {
    const auto source = regs.param(reg0::DmaSrcRegion);
    const auto destination = regs.param(reg0::DmaDstRegion);
    op.dmaSourceInternal = (source >> 8) & 1;
    op.dmaDestinationInternal = (destination >> 8) & 1;
    op.dmaSourceMode = (source >> 9) & 3;
    op.dmaDestinationMode = (destination >> 9) & 3;
    op.dmaSizes = {regs.param(reg0::DmaSize0), regs.param(reg0::DmaSize1)};
    op.dmaSkips = {static_cast<std::int64_t>(regs.address(reg1::DmaSkip0)),
                   static_cast<std::int64_t>(regs.address(reg1::DmaSkip1))};
}

void addDmaModes(Attributes& out, const NpuOperation& op) {
    if (op.dmaSourceInternal) out.push_back({"dma_source_internal", true});
    if (op.dmaDestinationInternal) out.push_back({"dma_destination_internal", true});
    if (op.dmaSourceMode == 0 && op.dmaDestinationMode == 0) return;
    out.push_back({"dma_source_mode", static_cast<std::int64_t>(op.dmaSourceMode)});
    out.push_back({"dma_destination_mode", static_cast<std::int64_t>(op.dmaDestinationMode)});
    out.push_back({"dma_sizes", std::vector<std::int64_t>(op.dmaSizes.begin(), op.dmaSizes.end())});
    out.push_back({"dma_skips", std::vector<std::int64_t>(op.dmaSkips.begin(), op.dmaSkips.end())});
}

std::string kindOf(std::uint16_t opcode, bool longForm) {
    if (longForm) return opcode == op::Branch ? "BRANCH" : "UNKNOWN";
    switch (opcode) {
    case op::Stop:
        return "STOP";
    case op::Irq:
        return "IRQ";
    case op::Conv:
        return "CONV";
    case op::Depthwise:
        return "DEPTHWISE";
    case op::Pool:
        return "POOL";
    case op::Elementwise:
        return "ELEMENTWISE";
    case op::Resize:
        return "RESIZE";
    case op::DmaStart:
        return "DMA";
    case op::DmaWait:
        return "DMA_WAIT";
    case op::KernelWait:
        return "KERNEL_WAIT";
    case op::PmuMask:
        return "PMU_MASK";
    default:
        return "UNKNOWN";
    }
}

NpuOperation buildOne(const RegisterCommand& command, std::size_t index,
                      const ShadowRegisters& regs, Product product) {
    NpuOperation op;
    op.kind = kindOf(command.opcode, command.longForm);
    op.command = index;
    const unsigned param = command.param;
    if (op.kind == "POOL") op.mode = EnumValue{std::string(poolModeName(param)), param};
    if (op.kind == "ELEMENTWISE")
        op.mode = EnumValue{std::string(elementwiseModeName(param)), param};
    if (op.kind == "RESIZE") op.mode = EnumValue{std::string(resizeModeName(param)), param};
    if (op.isCompute()) readCompute(op, regs, product);
    // U85 CONV bit 16 (param bit 0): a matrix product whose weights are the IFM2 map.
    if (op.kind == "CONV" && product == Product::U85 && (param & 1)) {
        op.weightsFromIfm2 = true;
        readSecondInput(op, regs, product);
    }
    if (op.kind == "ELEMENTWISE" && !unaryElementwise(param)) readSecondInput(op, regs, product);
    if (op.kind == "ELEMENTWISE" && product == Product::U85) readFirstInputBroadcast(op, regs);
    if (op.isCompute() && product == Product::U85) {
        const auto chained = [](const FeatureMap& fm) {
            return fm.present && ((fm.precisionRegister >> 14) & 3) == 2;
        };
        op.chainedMaps = (chained(op.ifm) ? 1u : 0u) | (chained(op.ifm2) ? 2u : 0u) |
                         (chained(op.ofm) ? 4u : 0u);
    }
    if (op.kind == "DMA") readDma(op, regs, command.param);
    if (op.kind == "DMA" && product != Product::U85) readDmaModes(op, regs);
    if (op.isCompute() && product != Product::U85)
        op.activationClip = (regs.param(reg0::Activation) >> 12) & 7;
    if (op.kind == "DMA_WAIT" || op.kind == "KERNEL_WAIT") op.waitCount = param & 0xF;
    return op;
}

void addFeatureMap(Attributes& out, const std::string& prefix, const FeatureMap& fm) {
    if (!fm.present) return;
    if (fm.scalar) {
        // The scalar is a quantised value: its zero point register applies to it.
        out.push_back({prefix + "_scalar", fm.scalarValue});
        out.push_back({prefix + "_zero_point", fm.zeroPoint});
        return;
    }
    out.push_back({prefix + "_shape", std::vector<std::int64_t>{1, fm.height, fm.width, fm.depth}});
    out.push_back({prefix + "_precision", std::string(dtypeName(fm.dtype))});
    out.push_back({prefix + "_layout", fm.layout});
    out.push_back({prefix + "_zero_point", fm.zeroPoint});
    out.push_back({prefix + "_region", static_cast<std::int64_t>(fm.region)});
    out.push_back({prefix + "_base", static_cast<std::int64_t>(fm.bases[0])});
    out.push_back(
        {prefix + "_strides", std::vector<std::int64_t>{static_cast<std::int64_t>(fm.strideY),
                                                        static_cast<std::int64_t>(fm.strideX),
                                                        static_cast<std::int64_t>(fm.strideC)}});
    std::vector<std::int64_t> bases;
    for (const auto base : fm.bases)
        bases.push_back(static_cast<std::int64_t>(base));
    out.push_back({prefix + "_tile_bases", bases});
    out.push_back(
        {prefix + "_tile_sizes", std::vector<std::int64_t>{fm.height0, fm.height1, fm.width0}});
}

// What executing the operation needs beyond its shapes: the scaling registers and modes.
void addScaling(Attributes& out, const NpuOperation& op) {
    const auto& s = op.scaling;
    out.push_back({"ofm_scale", std::vector<std::int64_t>{s.ofmMultiplier, s.ofmShift}});
    out.push_back({"opa_scale", std::vector<std::int64_t>{s.opaMultiplier, s.opaShift}});
    out.push_back({"opb_scale", s.opbMultiplier});
    out.push_back({"operand_to_scale", static_cast<std::int64_t>(s.operandToScale)});
    constexpr std::string_view roundings[] = {"TFL", "TRUNCATE", "NATURAL", "RESERVED"};
    constexpr std::string_view u85Roundings[] = {
        "DOUBLE_SYMMETRIC", "NATURAL",           "DOUBLE_ASYMMETRIC", "SYMMETRIC",
        "TRUNCATE_TO_ZERO", "TRUNCATE_TO_LOWER", "RESERVED",          "RESERVED"};
    const auto rounding = s.u85Rounding ? u85Roundings[s.rounding & 7] : roundings[s.rounding & 3];
    out.push_back({"rounding", EnumValue{std::string(rounding), s.rounding}});
    out.push_back({"global_scale", s.globalScale});
    out.push_back({"ifm_upscale", static_cast<std::int64_t>(op.ifmUpscale)});
    out.push_back({"acc_format", static_cast<std::int64_t>(op.accumulator)});
    out.push_back({"ofm_block", std::vector<std::int64_t>(op.ofmBlock.begin(), op.ofmBlock.end())});
    if (op.ifm2.present)
        out.push_back({"ifm2_broadcast", static_cast<std::int64_t>(op.ifm2Broadcast)});
    if (op.u85Fields && op.kind == "ELEMENTWISE") {
        const auto scale = [](const Scaling::OperandScale& x) {
            return std::vector<std::int64_t>{x.multiplier, x.shift, std::int64_t{x.doubleRound},
                                             std::int64_t{x.rounding}};
        };
        out.push_back({"ifm_broadcast", static_cast<std::int64_t>(op.ifmBroadcast)});
        out.push_back({"ifm_scale", scale(s.ifmScale)});
        out.push_back({"ifm2_scale", scale(s.ifm2Scale)});
        out.push_back({"ofm_double_round", static_cast<std::int64_t>(s.ofmDoubleRound)});
    }
    if (op.kind == "CONV" || op.kind == "DEPTHWISE")
        out.push_back({"weight_format", static_cast<std::int64_t>(op.weightFormat)});
    if (op.u85Fields) {
        out.push_back({"chained_maps", static_cast<std::int64_t>(op.chainedMaps)});
        out.push_back({"kernel_decomposition", static_cast<std::int64_t>(op.kernelDecomposition)});
        out.push_back({"ofm_reverse", static_cast<std::int64_t>(op.ofmReverse)});
        out.push_back({"ofm_transpose", static_cast<std::int64_t>(op.ofmTranspose)});
    }
}

void addRange(Attributes& out, const std::string& prefix, const std::optional<MemoryRange>& range) {
    if (!range) return;
    out.push_back({prefix + "_region", static_cast<std::int64_t>(range->region)});
    out.push_back({prefix + "_base", static_cast<std::int64_t>(range->begin)});
    out.push_back({prefix + "_length", static_cast<std::int64_t>(range->end - range->begin)});
}

// Bytes spanned by `count` steps of `stride`, saturating instead of wrapping.
std::uint64_t span(std::int64_t count, std::uint64_t stride) {
    if (count <= 1) return 0;
    const auto steps = static_cast<std::uint64_t>(count - 1);
    if (stride != 0 && steps > UINT64_MAX / 4 / stride) return UINT64_MAX / 4;
    return steps * stride;
}

} // namespace

MemoryRange FeatureMap::range() const {
    const std::uint64_t element = std::max(1u, dtypeBits(dtype) / 8);
    const bool bricked = layout == "NHCWB16";
    const std::int64_t bricks = (depth + 15) / 16;
    std::uint64_t extent = span(height, strideY) + span(width, strideX);
    extent += bricked ? span(bricks, strideC) + 16 * element
                      : static_cast<std::uint64_t>(std::max<std::int64_t>(depth, 1)) * element;
    std::uint64_t begin = bases[0];
    std::uint64_t end = bases[0] + extent;
    // Split maps place tiles 1..3 at their own base addresses.
    const bool splitWidth = width0 < width;
    const bool splitHeight = height0 < height;
    for (std::size_t i = 1; i < 4; ++i) {
        if ((i == 1 && !splitWidth) || (i >= 2 && !splitHeight)) continue;
        begin = std::min(begin, bases[i]);
        end = std::max(end, bases[i] + extent);
    }
    return {region, begin, end};
}

bool NpuOperation::isCompute() const {
    return kind == "CONV" || kind == "DEPTHWISE" || kind == "POOL" || kind == "ELEMENTWISE" ||
           kind == "RESIZE";
}

// MACs follow the hardware's work per OFM element: CONV (also fully connected, a 1x1 CONV)
// multiplies kernel height x width x IFM depth; DEPTHWISE uses one input channel per output
// channel, so kernel height x width; POOL visits kernel height x width inputs; ELEMENTWISE does
// one operation. Sizes come from the registers, so a striped layer counts per stripe.
std::optional<std::int64_t> NpuOperation::macs() const {
    if (kind != "CONV" && kind != "DEPTHWISE" && kind != "POOL" && kind != "ELEMENTWISE")
        return std::nullopt;
    std::vector<std::int64_t> factors{ofm.height, ofm.width, ofm.depth};
    if (hasKernel) factors.insert(factors.end(), {kernel.height, kernel.width});
    if (kind == "CONV") factors.push_back(ifm.depth);
    // Damaged registers could multiply past int64; saturate instead.
    std::uint64_t total = 1;
    for (const auto factor : factors) {
        const auto f = static_cast<std::uint64_t>(std::max<std::int64_t>(factor, 0));
        if (f != 0 && total > static_cast<std::uint64_t>(INT64_MAX) / f) return INT64_MAX;
        total *= f;
    }
    return static_cast<std::int64_t>(total);
}

Attributes NpuOperation::attributes() const {
    Attributes out;
    if (mode) out.push_back({kind == "DMA" ? "dma_channel" : "mode", *mode});
    addFeatureMap(out, "ifm", ifm);
    addFeatureMap(out, "ifm2", ifm2);
    addFeatureMap(out, "ofm", ofm);
    if (hasKernel) {
        out.push_back({"kernel_size", std::vector<std::int64_t>{kernel.height, kernel.width}});
        out.push_back({"kernel_stride", std::vector<std::int64_t>{kernel.strideY, kernel.strideX}});
        out.push_back(
            {"kernel_dilation", std::vector<std::int64_t>{kernel.dilationY, kernel.dilationX}});
        out.push_back({"padding", std::vector<std::int64_t>{kernel.padTop, kernel.padLeft,
                                                            kernel.padBottom, kernel.padRight}});
        if (kind == "CONV") out.push_back({"part_kernel_first", kernel.partKernelFirst});
    }
    addRange(out, "weight", weights);
    addRange(out, "scale", scales);
    for (const auto& [name, range] : extraStreams)
        addRange(out, name, range);
    if (kind == "CONV" && weightsFromIfm2) out.push_back({"weights_ifm2", true});
    if (kind == "RESIZE") {
        out.push_back({"resize_scale_n",
                       std::vector<std::int64_t>(resizeScaleN.begin(), resizeScaleN.end())});
        out.push_back(
            {"resize_offset", std::vector<std::int64_t>(resizeOffset.begin(), resizeOffset.end())});
        out.push_back({"resize_registers",
                       std::vector<std::int64_t>(resizeWords.begin(), resizeWords.end())});
        out.push_back(
            {"resize_scale", std::vector<std::int64_t>{resizeScaleN[0], resizeScaleD[0],
                                                       resizeScaleN[1], resizeScaleD[1]}});
    }
    if (isCompute()) {
        out.push_back({"activation", activation});
        if (activationClip) out.push_back({"activation_clip", std::int64_t{activationClip}});
        out.push_back({"activation_min", activationMin});
        out.push_back({"activation_max", activationMax});
        addScaling(out, *this);
    }
    if (const auto count = macs()) out.push_back({std::string(kMacsAttribute), *count});
    addRange(out, "dma_source", dmaSource);
    addRange(out, "dma_destination", dmaDestination);
    if (kind == "DMA") addDmaModes(out, *this);
    if (kind == "DMA_WAIT" || kind == "KERNEL_WAIT") out.push_back({"outstanding", waitCount});
    return out;
}

std::vector<NpuOperation> buildOperations(const std::vector<RegisterCommand>& commands,
                                          Product product) {
    ShadowRegisters regs;
    std::vector<NpuOperation> operations;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        const auto& command = commands[i];
        if (!command.isOperation()) {
            regs.write(command);
            continue;
        }
        operations.push_back(buildOne(command, i, regs, product));
    }
    return operations;
}

} // namespace pteron::ethosu
