// NPU operations rebuilt from the register commands by replaying them over shadow register state.
#pragma once

#include "core/attribute.hpp"
#include "core/dtype.hpp"
#include "parsers/ethosu/ethosu_registers.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron::ethosu {

// A memory span an operation reads or writes: base-pointer region plus byte range.
struct MemoryRange {
    unsigned region = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0; // exclusive
    bool overlaps(const MemoryRange& other) const {
        return region == other.region && begin < other.end && other.begin < end;
    }
};

struct FeatureMap {
    bool present = false;
    unsigned region = 0;
    std::array<std::uint64_t, 4> bases{};
    std::uint64_t strideX = 0, strideY = 0, strideC = 0;
    std::int64_t height = 0, width = 0, depth = 0;
    std::int64_t height0 = 0, height1 = 0, width0 = 0; // tile sizes
    DType dtype = DType::Unknown;
    std::string layout; // "NHWC" or "NHCWB16"
    std::int64_t zeroPoint = 0;
    unsigned precisionRegister = 0; // the raw PRECISION register
    bool scalar = false;            // IFM2 given as a scalar register instead of memory
    std::int64_t scalarValue = 0;

    MemoryRange range() const;
};

struct Kernel {
    std::int64_t width = 1, height = 1;
    std::int64_t strideX = 1, strideY = 1;
    std::int64_t dilationX = 1, dilationY = 1;
    std::int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
    bool partKernelFirst = false;
};

// Scaling registers of a compute operation (U55/U65 field layout; U85 keeps the same meaning
// where its registers hold it).
struct Scaling {
    std::int64_t ofmMultiplier = 1, ofmShift = 0; // OFM_SCALE: payload, param
    std::int64_t opaMultiplier = 0, opaShift = 0; // OPA_SCALE (U85: IFM_SCALE)
    std::int64_t opbMultiplier = 0;               // OPB_SCALE (U85: IFM2_SCALE)
    unsigned operandToScale = 0;                  // IFM_PRECISION bits 9:8
    unsigned rounding = 0;                        // OFM_PRECISION bits 15:14 (U55/U65)
    bool u85Rounding = false;                     // U85: OFM_SCALE parameter bits 15:13
    bool globalScale = false;                     // OFM_PRECISION bit 8: OFM_SCALE, no stream
    // U85 IFM_SCALE and IFM2_SCALE: a 31-bit multiplier in the payload; shift (parameter bits
    // 5:0), the double-rounding left shift dbl_rnd (10:6) and the rounding mode (bit 13: 0
    // DOUBLE_SYMMETRIC, 1 NATURAL). OFM_SCALE has dbl_rnd at the same place (Regor
    // ethos_u85_interface.hpp npu_set_ifm_scale_t, npu_set_ofm_scale_t).
    struct OperandScale {
        std::int64_t multiplier = 1, shift = 0;
        unsigned doubleRound = 0, rounding = 0;
    };
    OperandScale ifmScale, ifm2Scale;
    unsigned ofmDoubleRound = 0;
};

// Name of the integer node attribute holding NpuOperation::macs(); views and exports read it.
inline constexpr std::string_view kMacsAttribute = "macs";

struct NpuOperation {
    std::string kind; // "CONV", "DEPTHWISE", "POOL", "ELEMENTWISE", "RESIZE", "DMA", ...
    std::optional<EnumValue> mode; // pooling / elementwise / resize mode
    std::size_t command = 0;       // index of the triggering command
    FeatureMap ifm, ifm2, ofm;
    Kernel kernel;
    bool hasKernel = false;
    std::optional<MemoryRange> weights;
    std::optional<MemoryRange> scales;
    // Further weight streams (WEIGHT1..3; SCALE1 on U55/U65) for the NPU's other cores, when
    // their length is non-zero.
    std::vector<std::pair<std::string, MemoryRange>> extraStreams;
    bool weightsFromIfm2 = false; // U85 CONV: the weights are the IFM2 feature map
    // U85 RESIZE registers: scale numerators, denominators and offsets (y, x), and the step
    // registers' payloads.
    std::array<std::int64_t, 2> resizeScaleN{1, 1};
    std::array<std::int64_t, 2> resizeScaleD{1, 1};
    std::array<std::int64_t, 2> resizeOffset{0, 0};
    std::array<std::int64_t, 2> resizeWords{0, 0};
    EnumValue activation;
    std::int64_t activationMin = 0, activationMax = 0;
    Scaling scaling;
    unsigned ifm2Broadcast = 0; // IFM2_BROADCAST: bits 0-2 H/W/C, 6 reversed
    // U85 IFM_BROADCAST and IFM2_BROADCAST hold a 4-bit mode: bits 0-2 H/W/C, 8 a scalar from
    // OP_SCALAR (Regor broadcast_mode); U85 has no operand reversal bit.
    unsigned ifmBroadcast = 0;
    unsigned ifmUpscale = 0;                       // IFM_UPSCALE mode
    unsigned accumulator = 0;                      // ACC_FORMAT
    std::array<std::int64_t, 3> ofmBlock{1, 1, 1}; // OFM block height, width, depth
    unsigned weightFormat = 0;                     // U85 WEIGHT_FORMAT register
    // U85 only: KERNEL_STRIDE bit 5 (sub-kernels of 4x4 instead of 8x8) and the OFM_PRECISION
    // fields that reverse (bits 10:9) or transpose (bits 13:11) the OFM as it is written.
    bool u85Fields = false;
    unsigned kernelDecomposition = 0, ofmReverse = 0, ofmTranspose = 0;
    // U85: the maps (1 IFM, 2 IFM2, 4 OFM) whose PRECISION storage (bits 15:14) is CHAINED,
    // passed through the NPU's chaining buffers instead of memory (Regor activation_storage).
    unsigned chainedMaps = 0;
    // DMA operations
    std::optional<MemoryRange> dmaSource;
    std::optional<MemoryRange> dmaDestination;
    // U55/U65 DMA: a side in the NPU's internal memory (SHRAM, where lookup tables live), each
    // side's stride mode (0 1-D, 1 2-D, 2 3-D), and the 2-D/3-D counts and skips.
    bool dmaSourceInternal = false, dmaDestinationInternal = false;
    unsigned dmaSourceMode = 0, dmaDestinationMode = 0;
    std::array<std::int64_t, 2> dmaSizes{0, 0}, dmaSkips{0, 0};
    unsigned activationClip = 0; // U55/U65 ACTIVATION bits 14:12: the range clamped before a LUT
    std::int64_t waitCount = 0;  // DMA_WAIT / KERNEL_WAIT outstanding count

    bool isCompute() const;
    // Multiply-accumulates the operation performs, for CONV, DEPTHWISE, POOL and ELEMENTWISE.
    std::optional<std::int64_t> macs() const;
    Attributes attributes() const;
};

// Replays `commands` and returns one operation per NPU_OP_* command.
std::vector<NpuOperation> buildOperations(const std::vector<RegisterCommand>& commands,
                                          Product product);

} // namespace pteron::ethosu
