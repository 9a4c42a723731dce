#include "app/cli/bundled_verification.hpp"

#include "app/cli/command_line.hpp"
#include "app/cli/run_command.hpp"
#include "parsers/bpte/bundled_program.hpp"
#include "runtime/tensor_elements.hpp"

#include <cmath>
#include <optional>

namespace pteron {

namespace {

using runtime::Tensor;

Tensor bundledTensor(const BundledValue& value) {
    switch (value.kind) {
    case BundledValue::Kind::Tensor:
        return Tensor::fromBytes(value.dtype, value.shape, value.data.bytes());
    case BundledValue::Kind::Int: {
        Tensor scalar(DType::Int64, {});
        scalar.mutableElements<std::int64_t>()[0] = value.intValue;
        return scalar;
    }
    case BundledValue::Kind::Bool: {
        Tensor scalar(DType::Bool, {});
        scalar.mutableElements<std::uint8_t>()[0] = value.boolValue ? 1 : 0;
        return scalar;
    }
    case BundledValue::Kind::Double: {
        Tensor scalar(DType::Float64, {});
        scalar.mutableElements<double>()[0] = value.doubleValue;
        return scalar;
    }
    }
    return {};
}

struct CaseResult {
    bool pass = true;
    double maxAbs = 0;
    double maxRel = 0;
    std::string problem;
};

// ExecuTorch's rule: dtype and shape equal; fp16/fp32/fp64 within atol + rtol * |actual|
// (NaN equals NaN); every other type bit for bit.
void compareOutput(const Tensor& actual, const Tensor& expected, const Tolerance& tolerance,
                   CaseResult& result) {
    if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
        result.pass = false;
        result.problem = "output " + actual.typeText() + ", expected " + expected.typeText();
        return;
    }
    const auto type = actual.dtype();
    const bool tolerant =
        type == DType::Float32 || type == DType::Float64 || type == DType::Float16;
    for (std::uint64_t i = 0; i < actual.elementCount(); ++i) {
        const double a = runtime::elementAsDouble(actual, i);
        const double e = runtime::elementAsDouble(expected, i);
        if (std::isnan(a) && std::isnan(e)) continue;
        const double difference = std::abs(a - e);
        result.maxAbs = std::max(result.maxAbs, difference);
        if (e != 0) result.maxRel = std::max(result.maxRel, difference / std::abs(e));
        if (tolerant) {
            if (!(difference <= tolerance.atol + tolerance.rtol * std::abs(a))) result.pass = false;
        }
    }
    if (!tolerant && !std::equal(actual.bytes().begin(), actual.bytes().end(),
                                 expected.bytes().begin(), expected.bytes().end()))
        result.pass = false;
    if (!result.pass && result.problem.empty()) result.problem = "values differ";
}

CaseResult runBundledCase(runtime::Interpreter& interpreter, std::size_t graph,
                          const BundledTestCase& testCase, const Tolerance& tolerance) {
    std::vector<Tensor> inputs;
    for (const auto& value : testCase.inputs)
        inputs.push_back(bundledTensor(value));
    CaseResult result;
    std::vector<Tensor> outputs;
    try {
        outputs = interpreter.run(graph, std::move(inputs));
    } catch (const runtime::MissingKernelsError&) {
        throw;
    } catch (const runtime::RuntimeError& error) {
        result.pass = false;
        result.problem = error.what();
        return result;
    }
    if (outputs.size() != testCase.expectedOutputs.size()) {
        result.pass = false;
        result.problem = std::to_string(outputs.size()) + " outputs, expected " +
                         std::to_string(testCase.expectedOutputs.size());
        return result;
    }
    for (std::size_t i = 0; i < outputs.size(); ++i)
        compareOutput(outputs[i], bundledTensor(testCase.expectedOutputs[i]), tolerance, result);
    return result;
}

std::optional<std::size_t> methodGraph(const Model& model, const std::string& method) {
    for (const auto index : model.topLevelGraphs())
        if (model.graphs[index].name == method || model.graphs[index].id == method) return index;
    return std::nullopt;
}

} // namespace

int verifyBundledCases(const std::string& path, const Model& model,
                       runtime::Interpreter& interpreter, const Tolerance& tolerance,
                       std::ostream& out, std::ostream& err) {
    const auto file = MappedFile::open(path);
    if (!hasBundledProgramIdentifier(file->bytes()))
        throw UsageError("--verify needs a bundled program (.bpte), given " + file->path());
    const auto bundle = readBundledProgram(file);
    std::size_t total = 0;
    std::size_t passed = 0;
    for (const auto& suite : bundle.suites) {
        const auto graph = methodGraph(model, suite.method);
        for (std::size_t c = 0; c < suite.cases.size(); ++c) {
            ++total;
            out << suite.method << " case " << c << ": ";
            if (!graph) {
                out << "FAIL (the program has no method " << suite.method << ")\n";
                continue;
            }
            CaseResult result;
            try {
                result = runBundledCase(interpreter, *graph, suite.cases[c], tolerance);
            } catch (const runtime::MissingKernelsError& error) {
                out << "cannot run\n";
                err << "pteron: " << error.what() << "\n";
                return kExitMissingKernels;
            }
            passed += result.pass;
            out << (result.pass ? "pass" : "FAIL") << "  max abs " << result.maxAbs << "  max rel "
                << result.maxRel;
            if (!result.problem.empty()) out << "  (" << result.problem << ")";
            out << "\n";
        }
    }
    out << passed << " of " << total << " bundled test cases passed (rtol " << tolerance.rtol
        << ", atol " << tolerance.atol << ")\n";
    return passed == total ? 0 : kExitVerifyFailed;
}

} // namespace pteron
