#include "tests/support/relu_chain_program.hpp"

#include "app/sample/pte_program_writer.hpp"

#include <cstdint>

namespace pteron::testing {

void writeReluChainProgram(const std::string& path, int kernels) {
    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    auto previous = writer.addTensor(Spec{PteScalarType::Float, {4}, 0, true, 0});
    writer.setInputs({previous});
    for (int i = 0; i < kernels; ++i) {
        const auto out = writer.addTensor(
            Spec{PteScalarType::Float, {4}, 0, true, static_cast<std::uint64_t>(16 * (i + 1))});
        writer.addKernelCall("aten::relu", "out", {previous, out, out});
        previous = out;
    }
    writer.setOutputs({previous});
    writer.write(path);
}

} // namespace pteron::testing
