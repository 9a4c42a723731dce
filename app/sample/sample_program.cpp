#include "app/sample/sample_program.hpp"

#include "app/sample/pte_program_writer.hpp"
#include "app/sample/xnnpack_sample_payload.hpp"

#include <cstring>

namespace pteron {

namespace {

std::vector<std::uint8_t> floatBytes(const std::vector<float>& values) {
    std::vector<std::uint8_t> bytes(values.size() * sizeof(float));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

} // namespace

void writeSampleProgram(const std::string& path) {
    using Spec = PteProgramWriter::TensorSpec;
    PteProgramWriter writer;
    const auto sample = sampleXnnpackShapes();
    const std::vector<std::int32_t> inShape{1, sample.inputFeatures};
    const std::vector<std::int32_t> outShape{1, sample.outputFeatures};

    const auto input = writer.addTensor(Spec{PteScalarType::Float, inShape, 0, true, 0});
    const auto scale = writer.addDouble(sample.inputScale);
    const auto zeroPoint = writer.addInt(sample.inputZeroPoint);
    const auto qmin = writer.addInt(-128);
    const auto qmax = writer.addInt(127);
    const auto int8Type = writer.addInt(1); // ScalarType CHAR
    const auto quantized = writer.addTensor(Spec{PteScalarType::Char, inShape, 0, true, 64});
    writer.addKernelCall("quantized_decomposed::quantize_per_tensor", "out",
                         {input, scale, zeroPoint, qmin, qmax, int8Type, quantized, quantized});

    const auto delegated = writer.addTensor(Spec{PteScalarType::Char, outShape, 0, true, 128});
    const auto xnnpack = writer.addDelegate("XnnpackBackend", buildSampleXnnpackPayload(), {});
    writer.addDelegateCall(xnnpack, {quantized, delegated});

    const auto outScale = writer.addDouble(sample.outputScale);
    const auto outZeroPoint = writer.addInt(sample.outputZeroPoint);
    const auto dequantized = writer.addTensor(Spec{PteScalarType::Float, outShape, 0, true, 192});
    const auto noOutputType = writer.addNull();
    writer.addKernelCall("quantized_decomposed::dequantize_per_tensor", "out",
                         {delegated, outScale, outZeroPoint, qmin, qmax, int8Type, noOutputType,
                          dequantized, dequantized});

    std::vector<float> bias(static_cast<std::size_t>(sample.outputFeatures));
    for (std::size_t i = 0; i < bias.size(); ++i)
        bias[i] = 0.25f * static_cast<float>(i);
    const auto biasTensor = writer.addTensor(
        Spec{PteScalarType::Float, outShape, writer.addConstant(floatBytes(bias)), false, 0});
    const auto alpha = writer.addInt(1);
    const auto output = writer.addTensor(Spec{PteScalarType::Float, outShape, 0, true, 256});
    writer.addKernelCall("aten::add", "out", {dequantized, biasTensor, alpha, output, output});

    writer.setInputs({input});
    writer.setOutputs({output});
    writer.setPlannedBufferSize(512);
    writer.write(path);
}

} // namespace pteron
