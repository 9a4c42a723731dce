// Activations: relu, leaky_relu, hardtanh, clamp, gelu, silu, hardswish, hardsigmoid, elu,
// softplus and glu.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string>

namespace pteron::runtime::aten {

namespace {

template <typename T> T scalarAs(const KernelContext& ctx, std::size_t index) {
    if constexpr (std::is_integral_v<T>)
        return intArgument(ctx, index);
    else
        return static_cast<T>(doubleArgument(ctx, index));
}

template <typename T> T clampValue(T x, std::optional<T> low, std::optional<T> high) {
    if constexpr (std::is_floating_point_v<T>)
        if (std::isnan(x)) return x;
    if (low && x < *low) x = *low;
    if (high && x > *high) x = *high;
    return x;
}

// Runs fn(x) in the input's compute type (ints stay ints), made per type by `make`.
template <typename Make> void mapInType(KernelContext& ctx, DType compute, Make make) {
    const auto input = contiguousInput(ctx, 0);
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(compute, [&]<typename T>() {
        return unaryMap<T, T>(ctx, input, out, make.template operator()<T>());
    });
    setResult(ctx, 0, std::move(result));
}

// `make(ctx, T{})` reads the operator's arguments once and returns the per-element function.
template <typename Make>
void floatActivation(KernelRegistry& registry, const std::string& name, Make make) {
    registry.add("aten::" + name + ".out", [make, name](KernelContext& ctx) {
        const auto dtype = tensorArgument(ctx, 0).dtype();
        if (!isFloatType(dtype)) ctx.fail(name + " needs a floating-point input");
        mapInType(ctx, computeTypeOf(dtype), [&]<typename T>() {
            if constexpr (std::is_floating_point_v<T>)
                return make(ctx, T{});
            else
                return [](T x) -> T { return x; };
        });
    });
}

void clampWithScalars(KernelContext& ctx) {
    const auto input = tensorArgument(ctx, 0);
    DType common = input.dtype();
    for (std::size_t i = 1; i <= 2; ++i)
        if (hasArgument(ctx, i)) common = promoteWithScalar(common, scalarArgument(ctx, i));
    mapInType(ctx, computeTypeOf(common), [&]<typename T>() {
        std::optional<T> low, high;
        if (hasArgument(ctx, 1)) low = scalarAs<T>(ctx, 1);
        if (hasArgument(ctx, 2)) high = scalarAs<T>(ctx, 2);
        return [low, high](T x) -> T { return clampValue(x, low, high); };
    });
}

void clampWithTensors(KernelContext& ctx) {
    auto input = contiguousInput(ctx, 0);
    auto low = optionalInput(ctx, 1);
    auto high = optionalInput(ctx, 2);
    DType common = input.dtype();
    if (low) common = promoteTypes(common, low->dtype());
    if (high) common = promoteTypes(common, high->dtype());
    const auto out = outputType(ctx, 0, common);
    Tensor result = input;
    // Apply the bounds one after the other with broadcasting.
    visitComputeType(computeTypeOf(common), [&]<typename T>() {
        if (low)
            result = binaryMap<T, T>(ctx, result, *low, common, [](T x, T y) -> T {
                return clampValue<T>(x, y, std::nullopt);
            });
        if (high)
            result = binaryMap<T, T>(ctx, result, *high, common, [](T x, T y) -> T {
                return clampValue<T>(x, std::nullopt, y);
            });
        return 0;
    });
    setResult(ctx, 0, castTensor(result, out));
}

void glu(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim =
        normalizeDim(ctx, hasArgument(ctx, 1) ? intArgument(ctx, 1) : -1, input.rank());
    if (input.rank() == 0 || input.dim(dim) % 2 != 0)
        ctx.fail("glu needs an even size along its dimension, given " + input.typeText());
    auto shape = input.shape();
    const auto half = shape[dim] / 2;
    shape[dim] = half;
    std::int64_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < dim; ++d)
        outer *= shape[d];
    for (std::size_t d = dim + 1; d < shape.size(); ++d)
        inner *= shape[d];
    const auto values = elementsAs<double>(input);
    std::vector<double> result(static_cast<std::size_t>(elementCountOf(shape)));
    for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t h = 0; h < half; ++h)
            for (std::int64_t i = 0; i < inner; ++i) {
                const auto a = values[static_cast<std::size_t>((o * 2 * half + h) * inner + i)];
                const auto b =
                    values[static_cast<std::size_t>((o * 2 * half + h + half) * inner + i)];
                result[static_cast<std::size_t>((o * half + h) * inner + i)] =
                    static_cast<float>(a) / (1.0f + std::exp(-static_cast<float>(b)));
            }
    setResult(ctx, 0, tensorFrom<double>(input.dtype(), shape, result));
}

} // namespace

void addActivationKernels(KernelRegistry& registry) {
    registry.add("aten::relu.out", [](KernelContext& ctx) {
        mapInType(ctx, computeTypeOf(tensorArgument(ctx, 0).dtype()), []<typename T>() {
            return [](T x) -> T {
                if constexpr (std::is_floating_point_v<T>)
                    if (std::isnan(x)) return x;
                return x > T{0} ? x : T{0};
            };
        });
    });
    registry.add("aten::hardtanh.out", [](KernelContext& ctx) {
        mapInType(ctx, computeTypeOf(tensorArgument(ctx, 0).dtype()), [&]<typename T>() {
            const T low = scalarAs<T>(ctx, 1);
            const T high = scalarAs<T>(ctx, 2);
            return [low, high](T x) -> T { return clampValue<T>(x, low, high); };
        });
    });
    registry.add("aten::clamp.out", clampWithScalars);
    registry.add("aten::clamp.Tensor_out", clampWithTensors);
    registry.add("aten::glu.out", glu);
    floatActivation(registry, "leaky_relu", [](const KernelContext& ctx, auto zero) {
        using T = decltype(zero);
        const T slope = hasArgument(ctx, 1) ? static_cast<T>(doubleArgument(ctx, 1)) : T(0.01);
        return [slope](T x) -> T { return x > T{0} ? x : x * slope; };
    });
    floatActivation(registry, "gelu", [](const KernelContext& ctx, auto zero) {
        using T = decltype(zero);
        std::string approximate = "none";
        if (hasArgument(ctx, 1))
            if (const auto argumentValue = scalarArgument(ctx, 1);
                const auto* text = std::get_if<std::string>(&argumentValue))
                approximate = *text;
        if (approximate != "none" && approximate != "tanh")
            ctx.fail("unknown gelu approximation '" + approximate + "'");
        const bool useTanh = approximate == "tanh";
        return [useTanh](T x) -> T {
            if (useTanh) {
                const T inner = static_cast<T>(std::numbers::sqrt2 * std::numbers::inv_sqrtpi) *
                                (x + T(0.044715) * x * x * x);
                return T(0.5) * x * (T{1} + std::tanh(inner));
            }
            return T(0.5) * x * (T{1} + std::erf(x * static_cast<T>(1 / std::numbers::sqrt2)));
        };
    });
    floatActivation(registry, "silu", [](const KernelContext&, auto zero) {
        using T = decltype(zero);
        return [](T x) -> T { return x / (T{1} + std::exp(-x)); };
    });
    floatActivation(registry, "hardswish", [](const KernelContext&, auto zero) {
        using T = decltype(zero);
        return [](T x) -> T { return x * std::min(std::max(x + T{3}, T{0}), T{6}) / T{6}; };
    });
    floatActivation(registry, "hardsigmoid", [](const KernelContext&, auto zero) {
        using T = decltype(zero);
        return [](T x) -> T { return std::min(std::max(x + T{3}, T{0}), T{6}) / T{6}; };
    });
    floatActivation(registry, "elu", [](const KernelContext& ctx, auto zero) {
        using T = decltype(zero);
        const T alpha = hasArgument(ctx, 1) ? static_cast<T>(doubleArgument(ctx, 1)) : T{1};
        const T scale = hasArgument(ctx, 2) ? static_cast<T>(doubleArgument(ctx, 2)) : T{1};
        const T inputScale = hasArgument(ctx, 3) ? static_cast<T>(doubleArgument(ctx, 3)) : T{1};
        return [=](T x) -> T {
            return x > T{0} ? x * scale : alpha * scale * std::expm1(x * inputScale);
        };
    });
    floatActivation(registry, "softplus", [](const KernelContext& ctx, auto zero) {
        using T = decltype(zero);
        const T beta = hasArgument(ctx, 1) ? static_cast<T>(doubleArgument(ctx, 1)) : T{1};
        const T threshold = hasArgument(ctx, 2) ? static_cast<T>(doubleArgument(ctx, 2)) : T{20};
        return [=](T x) -> T {
            return x * beta > threshold ? x : std::log1p(std::exp(x * beta)) / beta;
        };
    });
}

} // namespace pteron::runtime::aten
