#include "tests/support/model_runs.hpp"

#include "parsers/registry.hpp"
#include "runtime/interpreter.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>

namespace pteron::testing {

Model openFixture(const std::string& relative) {
    return FormatRegistry::standard().open(fixture(relative), {});
}

runtime::Tensor seededInt8(runtime::Shape shape, std::uint32_t seed) {
    runtime::Tensor tensor(DType::Int8, std::move(shape));
    for (auto& value : tensor.mutableElements<std::int8_t>()) {
        seed = seed * 1664525u + 1013904223u;
        value = static_cast<std::int8_t>(seed >> 24);
    }
    return tensor;
}

std::vector<runtime::Tensor> runWholeModel(const Model& model,
                                           std::vector<runtime::Tensor> inputs) {
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    runtime::Interpreter interpreter(model, kernels, {1, nullptr, {}});
    REQUIRE(interpreter.check(0).empty());
    return interpreter.run(0, std::move(inputs));
}

void checkSameInt8Output(const Model& a, const Model& b, const runtime::Shape& shape,
                         std::initializer_list<std::uint32_t> seeds, std::size_t outputElements) {
    for (const auto seed : seeds) {
        const auto input = seededInt8(shape, seed);
        const auto left = runWholeModel(a, {input});
        const auto right = runWholeModel(b, {input});
        REQUIRE(left.size() == 1);
        REQUIRE(right.size() == 1);
        const auto got = left[0].elements<std::int8_t>();
        const auto want = right[0].elements<std::int8_t>();
        REQUIRE(got.size() == outputElements);
        INFO("seed " << seed);
        CHECK(std::vector<std::int8_t>(got.begin(), got.end()) ==
              std::vector<std::int8_t>(want.begin(), want.end()));
    }
}

} // namespace pteron::testing
