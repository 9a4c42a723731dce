// One NPU operation of a command-stream graph as the executor needs it, read back from the
// node attributes the command-stream decoder writes (ethosu.CONV, ethosu.POOL, ...).
#pragma once

#include "core/graph.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace pteron::runtime::ethosu {

// A feature map in NPU memory: NHWC or NHCWB16 bricks, split into up to four tiles.
struct NpuFeatureMap {
    bool present = false;
    unsigned region = 0;
    unsigned elementBytes = 1;
    bool isSigned = true;
    bool bricked = false; // NHCWB16
    std::array<std::uint64_t, 4> bases{};
    std::uint64_t strideY = 0, strideX = 0, strideC = 0;
    std::int64_t height = 1, width = 1, depth = 1;
    std::int64_t height0 = 1, height1 = 1, width0 = 1; // tile sizes
    std::int64_t zeroPoint = 0;
    std::optional<std::int64_t> scalar; // IFM2 given as a register value

    // Byte address of element (y, x, c); coordinates must be inside the map.
    std::uint64_t address(std::int64_t y, std::int64_t x, std::int64_t c) const;
    // One past the highest byte the map spans, over all of its tiles.
    std::uint64_t end() const;
    std::int64_t minValue() const;
    std::int64_t maxValue() const;
};

struct NpuRange {
    unsigned region = 0;
    std::uint64_t begin = 0;
    std::uint64_t length = 0;
};

struct NpuOperation {
    std::string kind; // "CONV", "DEPTHWISE", "POOL", "ELEMENTWISE", "RESIZE", "DMA", ...
    std::string mode; // "ADD", "AVERAGE", ...
    NpuFeatureMap ifm, ifm2, ofm;
    std::int64_t kernelHeight = 1, kernelWidth = 1;
    std::int64_t strideY = 1, strideX = 1, dilationY = 1, dilationX = 1;
    std::int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
    bool partKernelFirst = false;
    std::optional<NpuRange> weights, scales;
    bool extraWeightStreams = false; // a second core's streams (U65-512) or U85 streams
    // U85: the weight streams of cores 1-3 (WEIGHT1..3), when their length is not zero.
    std::array<std::optional<NpuRange>, 3> coreWeights;
    std::string activation = "NONE";
    std::int64_t activationMin = 0, activationMax = 0;
    std::int64_t ofmMultiplier = 1, ofmShift = 0;
    std::int64_t opaMultiplier = 0, opaShift = 0, opbMultiplier = 0;
    unsigned operandToScale = 0;
    std::string rounding = "TFL";
    bool globalScale = false;
    unsigned ifm2Broadcast = 0;
    unsigned ifmUpscale = 0;
    // U85 ELEMENTWISE: the IFM's broadcast mode (bits 0-2 H/W/C, 8 scalar), each operand's own
    // rescale (IFM_SCALE, IFM2_SCALE) and the OFM_SCALE double-rounding shift.
    unsigned ifmBroadcast = 0;
    struct OperandScale {
        std::int64_t multiplier = 1, shift = 0;
        unsigned doubleRound = 0;
        bool natural = false; // round mode NATURAL instead of DOUBLE_SYMMETRIC
    };
    OperandScale ifmScale, ifm2Scale;
    unsigned ofmDoubleRound = 0;
    std::array<std::int64_t, 3> ofmBlock{1, 1, 1};
    unsigned weightFormat = 0;
    unsigned accFormat = 0; // the raw ACC_FORMAT register
    // U85 RESIZE: scale y_n, y_d, x_n, x_d and offset y, x as TOSA RESIZE defines them.
    std::array<std::int64_t, 4> resizeScale{1, 1, 1, 1};
    std::array<std::int64_t, 2> resizeOffset{0, 0};
    // U85: 4x4 sub-kernels, and an OFM written reversed or transposed.
    unsigned kernelDecomposition = 0, ofmReverse = 0, ofmTranspose = 0;
    // U85: maps passed through the chaining buffers instead of memory (1 IFM, 2 IFM2, 4 OFM).
    unsigned chainedMaps = 0;
    std::optional<NpuRange> dmaSource, dmaDestination;  // internal sides name region kShram
    unsigned dmaSourceMode = 0, dmaDestinationMode = 0; // 0 1-D, 1 2-D, 2 3-D
    std::array<std::uint64_t, 2> dmaSizes{0, 0}, dmaSkips{0, 0};
    unsigned activationClip = 0; // 0 the OFM's precision, 2 uint8, 3 int8, 5 int16

    bool isCompute() const {
        return kind == "CONV" || kind == "DEPTHWISE" || kind == "POOL" || kind == "ELEMENTWISE" ||
               kind == "RESIZE";
    }
    // Rows and columns of the IFM the operation reads, implied by the OFM, kernel and padding.
    std::int64_t ifmHeight() const;
    std::int64_t ifmWidth() const;
};

// Reads the node's attributes; RuntimeError (naming the node) when one is malformed.
NpuOperation readOperation(const Graph& graph, const Node& node);

} // namespace pteron::runtime::ethosu
