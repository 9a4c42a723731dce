#include "tests/bench/generated_programs.hpp"

#include "app/sample/pte_program_writer.hpp"

namespace pteron::testing {

void writeLargeProgram(const std::string& path, std::size_t calls, std::uint64_t constantBytes) {
    constexpr std::size_t kWeights = 100;
    constexpr std::int32_t kRows = 1280;
    const auto columns = static_cast<std::int32_t>(constantBytes / kWeights / kRows / 4);
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    std::vector<std::int32_t> weights;
    for (std::size_t i = 0; i < kWeights; ++i) {
        const auto data = writer.addSparseConstant(static_cast<std::uint64_t>(kRows) * columns * 4);
        weights.push_back(
            writer.addTensor(Spec{PteScalarType::Float, {kRows, columns}, data, false, 0}));
    }
    const auto alpha = writer.addInt(1);
    auto current = writer.addTensor(Spec{PteScalarType::Float, {kRows, columns}, 0, true, 0});
    writer.setInputs({current});
    for (std::size_t i = 0; i < calls; ++i) {
        const auto out = writer.addTensor(Spec{PteScalarType::Float, {kRows, columns}, 0, true, 0});
        writer.addKernelCall("aten::add", "out", {current, weights[i % kWeights], alpha, out, out});
        current = out;
    }
    writer.setOutputs({current});
    writer.write(path);
}

} // namespace pteron::testing
