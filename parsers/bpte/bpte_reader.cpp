#include "parsers/bpte/bpte_reader.hpp"

#include "core/format_error.hpp"
#include "parsers/bpte/bundled_program.hpp"
#include "parsers/pte/pte_reader.hpp"

namespace pteron {

namespace {

bool hasBpteExtension(std::string_view path) {
    return path.size() >= 5 && path.substr(path.size() - 5) == ".bpte";
}

std::string describeValues(const std::vector<BundledValue>& values) {
    std::string text;
    for (const auto& value : values)
        text += (text.empty() ? "" : ", ") + value.describe();
    return text.empty() ? "none" : text;
}

void addTestCaseMetadata(const BundledProgram& bundle, Model& model) {
    model.metadata.push_back({"container", std::string("ExecuTorch bundled program (BP08)")});
    model.metadata.push_back(
        {"bundled program version", static_cast<std::int64_t>(bundle.version)});
    model.metadata.push_back(
        {"bundled program bytes", static_cast<std::int64_t>(bundle.program.size())});
    // The format stores no tolerances; ExecuTorch's verifier defaults are what `run --verify` uses.
    model.metadata.push_back(
        {"bundled tolerances", std::string("none stored; verification uses rtol 1e-5, atol 1e-8 "
                                           "for floats and exact equality otherwise")});
    for (const auto& suite : bundle.suites) {
        model.metadata.push_back(
            {"bundled test cases " + suite.method, static_cast<std::int64_t>(suite.cases.size())});
        for (std::size_t c = 0; c < suite.cases.size(); ++c)
            model.metadata.push_back({"bundled " + suite.method + " case " + std::to_string(c),
                                      "inputs " + describeValues(suite.cases[c].inputs) +
                                          " -> expected " +
                                          describeValues(suite.cases[c].expectedOutputs)});
    }
}

Model readBpte(std::shared_ptr<const MappedFile> file, const ReaderContext& context) {
    const auto bundle = readBundledProgram(file);
    // The program is a complete .pte whose offsets count from its own first byte; an owned
    // copy gives it the alignment and bounds of a file of its own.
    const auto embedded =
        MappedFile::fromBytes(file->path() + " (embedded program)", bundle.program.bytes());
    Model model = pteFormatReader().read(embedded, context);
    model.path = file->path();
    model.files.push_back(file);
    addTestCaseMetadata(bundle, model);
    return model;
}

} // namespace

FormatReader bpteFormatReader() {
    return {"bundled-program",
            [](std::span<const std::byte> bytes, std::string_view path) {
                // A damaged file named .bpte is still told what it should have been.
                return hasBundledProgramIdentifier(bytes) || hasBpteExtension(path);
            },
            readBpte};
}

} // namespace pteron
