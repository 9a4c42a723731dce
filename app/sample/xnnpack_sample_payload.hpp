// A small XnnpackBackend payload (FullyConnected -> Clamp, int8) built with the schema's builders.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pteron {

// The sample's sizes and external quantisation, so the program around it can match them.
struct XnnpackSampleShapes {
    std::int32_t inputFeatures = 8;
    std::int32_t outputFeatures = 4;
    double inputScale = 0.05;
    std::int64_t inputZeroPoint = -3;
    double outputScale = 0.1;
    std::int64_t outputZeroPoint = -128;
};

XnnpackSampleShapes sampleXnnpackShapes();

// XH00 header + XN01 flatbuffer at 32 + constant data (qcint8 weights, qcint32 bias) aligned to
// 16: qint8 [1,8] -> FullyConnected -> qint8 [1,4] -> Clamp(0, 6) -> qint8 [1,4].
std::vector<std::uint8_t> buildSampleXnnpackPayload();

// Wraps a finished XNNGraph flatbuffer and its constant bytes into an XH00 payload laid out as the
// ExecuTorch writer does: header padded to 32, flatbuffer, constants at the next 16-byte boundary.
std::vector<std::uint8_t> wrapXnnpackPayload(std::span<const std::uint8_t> flatbuffer,
                                             std::span<const std::uint8_t> constants);

} // namespace pteron
