#include "app/sample/xnnpack_sample_payload.hpp"

#include "xnnpack_graph_generated.h"

#include <cstring>
#include <limits>
#include <string>

namespace pteron {

namespace {

namespace fbx = fb::xnnpack;

constexpr std::uint32_t kInvalidId = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kExternalInput = 0x1;
constexpr std::uint32_t kExternalOutput = 0x2;
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kConstantAlignment = 16;

std::size_t alignUp(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

template <typename T>
void putLittleEndian(std::vector<std::uint8_t>& out, std::size_t at, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out[at + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i));
}

// Collects constant tensors back to back, each starting on a 16-byte boundary.
class ConstantData {
  public:
    // Appends `bytes` and returns its constant_data index (0 is the reserved placeholder).
    std::uint32_t add(const void* data, std::size_t size) {
        const auto offset = alignUp(bytes_.size(), kConstantAlignment);
        bytes_.resize(offset + size);
        std::memcpy(bytes_.data() + offset, data, size);
        entries_.push_back({offset, size});
        return static_cast<std::uint32_t>(entries_.size());
    }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fbx::ConstantDataOffset>>>
    table(flatbuffers::FlatBufferBuilder& builder) const {
        std::vector<flatbuffers::Offset<fbx::ConstantDataOffset>> offsets{
            fbx::CreateConstantDataOffset(builder, 0, 0)};
        for (const auto& entry : entries_)
            offsets.push_back(fbx::CreateConstantDataOffset(builder, entry.offset, entry.size));
        return builder.CreateVector(offsets);
    }

  private:
    struct Entry {
        std::uint64_t offset;
        std::uint64_t size;
    };
    std::vector<std::uint8_t> bytes_;
    std::vector<Entry> entries_;
};

struct TensorSpec {
    fbx::XNNDatatype datatype;
    std::vector<std::uint32_t> dims;
    std::uint32_t id;
    std::uint32_t constantIndex = 0;
    std::uint32_t externalId = kInvalidId;
    std::uint32_t flags = 0;
};

flatbuffers::Offset<fbx::XNNTensorValue> tensorValue(flatbuffers::FlatBufferBuilder& builder,
                                                     const TensorSpec& spec) {
    return fbx::CreateXNNTensorValue(
        builder, spec.datatype, static_cast<std::uint32_t>(spec.dims.size()),
        builder.CreateVector(spec.dims), spec.constantIndex, spec.externalId, spec.flags, spec.id);
}

flatbuffers::Offset<fbx::XValue> perTensorValue(flatbuffers::FlatBufferBuilder& builder,
                                                const TensorSpec& spec, double scale,
                                                std::int64_t zeroPoint) {
    const auto tensor = tensorValue(builder, spec);
    const auto params = fbx::CreatePerTensorQuant(builder, static_cast<float>(scale),
                                                  static_cast<std::int32_t>(zeroPoint));
    const auto quantized = fbx::CreateXNNQuantizedTensorValue(
        builder, tensor, fbx::XNNQuantParams::PerTensorQuant, params.Union());
    return fbx::CreateXValue(builder, fbx::XValueUnion::XNNQuantizedTensorValue, quantized.Union());
}

flatbuffers::Offset<fbx::XValue> perChannelValue(flatbuffers::FlatBufferBuilder& builder,
                                                 const TensorSpec& spec,
                                                 const std::vector<float>& scales) {
    const auto tensor = tensorValue(builder, spec);
    const auto params = fbx::CreatePerChannelQuant(builder, builder.CreateVector(scales), 0);
    const auto quantized = fbx::CreateXNNQuantizedTensorValue(
        builder, tensor, fbx::XNNQuantParams::PerChannelQuant, params.Union());
    return fbx::CreateXValue(builder, fbx::XValueUnion::XNNQuantizedTensorValue, quantized.Union());
}

} // namespace

XnnpackSampleShapes sampleXnnpackShapes() {
    return {};
}

std::vector<std::uint8_t> wrapXnnpackPayload(std::span<const std::uint8_t> flatbuffer,
                                             std::span<const std::uint8_t> constants) {
    const auto constantOffset = kHeaderBytes + alignUp(flatbuffer.size(), kConstantAlignment);
    std::vector<std::uint8_t> payload(constantOffset + constants.size(), 0);
    std::memcpy(payload.data() + 4, "XH00", 4);
    putLittleEndian<std::uint16_t>(payload, 8, 30);
    putLittleEndian<std::uint32_t>(payload, 10, kHeaderBytes);
    putLittleEndian<std::uint32_t>(payload, 14, flatbuffer.size());
    putLittleEndian<std::uint32_t>(payload, 18, constantOffset);
    putLittleEndian<std::uint64_t>(payload, 22, constants.size());
    if (!flatbuffer.empty())
        std::memcpy(payload.data() + kHeaderBytes, flatbuffer.data(), flatbuffer.size());
    if (!constants.empty())
        std::memcpy(payload.data() + constantOffset, constants.data(), constants.size());
    return payload;
}

std::vector<std::uint8_t> buildSampleXnnpackPayload() {
    const auto shapes = sampleXnnpackShapes();
    const auto in = static_cast<std::uint32_t>(shapes.inputFeatures);
    const auto out = static_cast<std::uint32_t>(shapes.outputFeatures);

    std::vector<std::int8_t> weights(static_cast<std::size_t>(in) * out);
    for (std::size_t i = 0; i < weights.size(); ++i)
        weights[i] = static_cast<std::int8_t>(static_cast<int>(i % 7) - 3);
    std::vector<float> weightScales(out);
    std::vector<float> biasScales(out);
    std::vector<std::int32_t> bias(out);
    for (std::uint32_t o = 0; o < out; ++o) {
        weightScales[o] = 0.01f * static_cast<float>(o + 1);
        biasScales[o] = static_cast<float>(shapes.inputScale) * weightScales[o];
        bias[o] = static_cast<std::int32_t>(o) * 10 - 5;
    }
    ConstantData constants;
    const auto weightIndex = constants.add(weights.data(), weights.size());
    const auto biasIndex = constants.add(bias.data(), bias.size() * sizeof(std::int32_t));

    flatbuffers::FlatBufferBuilder builder;
    const std::vector<flatbuffers::Offset<fbx::XValue>> values{
        perTensorValue(builder, {fbx::XNNDatatype::qint8, {1, in}, 0, 0, 0, kExternalInput},
                       shapes.inputScale, shapes.inputZeroPoint),
        perChannelValue(builder, {fbx::XNNDatatype::qcint8, {out, in}, 1, weightIndex},
                        weightScales),
        perChannelValue(builder, {fbx::XNNDatatype::qcint32, {out}, 2, biasIndex}, biasScales),
        perTensorValue(builder, {fbx::XNNDatatype::qint8, {1, out}, 3}, shapes.outputScale,
                       shapes.outputZeroPoint),
        perTensorValue(builder, {fbx::XNNDatatype::qint8, {1, out}, 4, 0, 1, kExternalOutput},
                       shapes.outputScale, shapes.outputZeroPoint),
    };
    const auto linear = fbx::CreateFullyConnectedNode(builder, 0, 1, 2, 3, 0);
    const auto clamp = fbx::CreateUnaryNode(builder, 3, 4, 0);
    const std::vector<flatbuffers::Offset<fbx::XNode>> nodes{
        fbx::CreateXNode(builder, fbx::XNodeUnion::XNNFullyConnected, linear.Union(), 1),
        fbx::CreateXNode(builder, fbx::XNodeUnion::XNNClamp, clamp.Union(), 2,
                         fbx::CreateOutputMinMax(builder, 0.0f, 6.0f)),
    };
    const std::vector<std::uint32_t> inputs{0};
    const std::vector<std::uint32_t> outputs{4};
    const auto root =
        fbx::CreateXNNGraph(builder, builder.CreateString("0"), builder.CreateVector(nodes),
                            builder.CreateVector(values), 2, builder.CreateVector(inputs),
                            builder.CreateVector(outputs), 0, 0, constants.table(builder));
    fbx::FinishXNNGraphBuffer(builder, root);
    return wrapXnnpackPayload({builder.GetBufferPointer(), builder.GetSize()}, constants.bytes());
}

} // namespace pteron
