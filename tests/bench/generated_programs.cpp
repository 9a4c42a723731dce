#include "tests/bench/generated_programs.hpp"

#include "app/sample/pte_program_writer.hpp"
#include "core/mapped_file.hpp"
#include "parsers/registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

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

void writeEthosUDelegatesProgram(const std::string& path, const std::string& source,
                                 std::size_t delegates) {
    const auto model = FormatRegistry::standard().open(source);
    const Partition* ethos = nullptr;
    for (const auto& partition : model.graphs.front().partitions)
        if (partition.backend == "EthosUBackend" && partition.payloadBytes > 0) ethos = &partition;
    if (!ethos) throw std::runtime_error(source + " has no Ethos-U payload");
    // The payload starts with its magic; the parsed model gives its size.
    const auto file = MappedFile::open(source);
    const auto bytes = file->bytes();
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto at = text.find(ethos->payloadMagic);
    if (at == std::string_view::npos || at + ethos->payloadBytes > bytes.size())
        throw std::runtime_error(source + ": Ethos-U payload not found");
    const auto* first = reinterpret_cast<const std::uint8_t*>(bytes.data()) + at;
    const std::vector<std::uint8_t> payload(first, first + ethos->payloadBytes);
    std::vector<std::pair<std::string, std::string>> specs;
    for (const auto& spec : ethos->compileSpecs)
        if (!spec.binary) specs.emplace_back(spec.key, spec.text);

    PteProgramWriter writer;
    using Spec = PteProgramWriter::TensorSpec;
    const auto input = writer.addTensor(Spec{PteScalarType::Char, {1, 3, 224, 224}, 0, true, 0});
    writer.setInputs({input});
    std::vector<std::int32_t> outputs;
    for (std::size_t d = 0; d < delegates; ++d) {
        const auto delegate = writer.addDelegate("EthosUBackend", payload, specs);
        const auto out = writer.addTensor(Spec{PteScalarType::Char, {1, 1000}, 0, true, 0});
        writer.addDelegateCall(delegate, {input, out});
        outputs.push_back(out);
    }
    writer.setOutputs(outputs);
    writer.write(path);
}

} // namespace pteron::testing
