#include "tests/support/tflite_model_builder.hpp"

#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"

#include <cstring>

namespace pteron::testing {

namespace tfl = fb::tflite;

std::vector<std::uint8_t> tfliteFileBytes(const TfliteOperatorSpec& spec) {
    flatbuffers::FlatBufferBuilder builder;
    // Buffer 0 is the empty sentinel; each constant tensor gets its own.
    std::vector<flatbuffers::Offset<tfl::Buffer>> buffers{tfl::CreateBuffer(builder)};
    std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
    std::vector<std::int32_t> graphInputs;
    for (std::size_t i = 0; i < spec.tensors.size(); ++i) {
        const auto& tensor = spec.tensors[i];
        std::uint32_t buffer = 0;
        if (!tensor.data.empty()) {
            builder.ForceVectorAlignment(tensor.data.size(), 1, 16);
            const auto data = builder.CreateVector(tensor.data);
            buffer = static_cast<std::uint32_t>(buffers.size());
            buffers.push_back(tfl::CreateBuffer(builder, data));
        }
        flatbuffers::Offset<tfl::QuantizationParameters> quantization = 0;
        if (!tensor.scales.empty())
            quantization = tfl::CreateQuantizationParameters(
                builder, 0, 0, builder.CreateVector(tensor.scales),
                builder.CreateVector(tensor.zeroPoints), tfl::QuantizationDetails::NONE, 0,
                tensor.quantizedDimension);
        const auto shape = builder.CreateVector(tensor.shape);
        const auto name = builder.CreateString("t" + std::to_string(i));
        tensors.push_back(
            tfl::CreateTensor(builder, shape, tensor.type, buffer, name, quantization));
    }
    for (const auto input : spec.inputs)
        if (input >= 0 && spec.tensors[static_cast<std::size_t>(input)].data.empty())
            graphInputs.push_back(input);
    auto options = std::make_pair(tfl::BuiltinOptions::NONE, flatbuffers::Offset<void>());
    if (spec.options) options = spec.options(builder);
    const auto op =
        tfl::CreateOperator(builder, 0, builder.CreateVector(spec.inputs),
                            builder.CreateVector(spec.outputs), options.first, options.second);
    const auto subgraph =
        tfl::CreateSubGraph(builder, builder.CreateVector(tensors),
                            builder.CreateVector(graphInputs), builder.CreateVector(spec.outputs),
                            builder.CreateVector(std::vector{op}), builder.CreateString("main"));
    const auto code = tfl::CreateOperatorCode(
        builder,
        static_cast<std::int8_t>(std::min<std::int32_t>(static_cast<std::int32_t>(spec.op), 127)),
        0, 1, spec.op);
    builder.Finish(tfl::CreateModel(builder, 3, builder.CreateVector(std::vector{code}),
                                    builder.CreateVector(std::vector{subgraph}), 0,
                                    builder.CreateVector(buffers)),
                   "TFL3");
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

Model readTflite(const TfliteOperatorSpec& spec, const std::string& name) {
    const auto bytes = tfliteFileBytes(spec);
    const auto file = MappedFile::fromBytes(name, std::as_bytes(std::span(bytes)));
    return FormatRegistry::standard().read(file);
}

} // namespace pteron::testing
