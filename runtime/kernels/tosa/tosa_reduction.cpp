// TOSA reductions along one axis (REDUCE_ALL, REDUCE_ANY, REDUCE_MAX, REDUCE_MIN,
// REDUCE_PRODUCT, REDUCE_SUM, keeping the axis with extent 1) and ARGMAX (removing it).
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::tosa {

namespace {

// The input seen as [outer, extent, inner] around the reduced axis.
struct AxisView {
    std::int64_t outer = 1;
    std::int64_t extent = 1;
    std::int64_t inner = 1;
    std::size_t axis = 0;
};

AxisView axisView(const KernelContext& ctx, const Tensor& input) {
    const auto axis = ctx.intAttribute("axis");
    if (axis < 0 || static_cast<std::size_t>(axis) >= input.rank())
        ctx.fail("axis " + std::to_string(axis) + " is outside " + input.typeText());
    AxisView view;
    view.axis = static_cast<std::size_t>(axis);
    for (std::size_t d = 0; d < input.rank(); ++d) {
        if (d < view.axis)
            view.outer *= input.dim(d);
        else if (d == view.axis)
            view.extent = input.dim(d);
        else
            view.inner *= input.dim(d);
    }
    return view;
}

// out[o, i] = fold of in[o, k, i] over k, starting from in[o, 0, i].
template <typename T, typename F> void foldAxis(const AxisView& view, const T* in, T* out, F f) {
    for (std::int64_t o = 0; o < view.outer; ++o) {
        T* target = out + o * view.inner;
        const T* source = in + o * view.extent * view.inner;
        for (std::int64_t i = 0; i < view.inner; ++i)
            target[i] = source[i];
        for (std::int64_t k = 1; k < view.extent; ++k) {
            const T* row = source + k * view.inner;
            for (std::int64_t i = 0; i < view.inner; ++i)
                target[i] = f(target[i], row[i]);
        }
    }
}

enum class Reduce { All, Any, Max, Min, Product, Sum };

float foldFloat(Reduce reduce, bool ignoreNan, float a, float b) {
    switch (reduce) {
    case Reduce::Sum:
        return a + b;
    case Reduce::Product:
        return a * b;
    default:
        break;
    }
    if (std::isnan(a) || std::isnan(b)) {
        if (!ignoreNan || (std::isnan(a) && std::isnan(b)))
            return std::numeric_limits<float>::quiet_NaN();
        return std::isnan(a) ? b : a;
    }
    return reduce == Reduce::Max ? std::max(a, b) : std::min(a, b);
}

template <typename T> T foldInteger(Reduce reduce, T a, T b) {
    switch (reduce) {
    case Reduce::All:
        return static_cast<T>(a && b);
    case Reduce::Any:
        return static_cast<T>(a || b);
    case Reduce::Max:
        return std::max(a, b);
    case Reduce::Min:
        return std::min(a, b);
    case Reduce::Sum: // wraps like two's complement where the specification leaves it open
        return static_cast<T>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
    case Reduce::Product:
        return static_cast<T>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
    }
    return a;
}

void reduce(KernelContext& ctx, Reduce kind) {
    const auto& input = ctx.input(0);
    const auto view = axisView(ctx, input);
    if (view.extent == 0) ctx.fail("cannot reduce an empty axis");
    auto shape = input.shape();
    shape[view.axis] = 1;
    checkOutputShape(ctx, 0, shape);
    const bool logical = kind == Reduce::All || kind == Reduce::Any;
    if (logical != (input.dtype() == DType::Bool))
        ctx.fail(logical ? "REDUCE_ALL/ANY take bool" : "does not take bool");
    if (isTosaFloat(input.dtype())) {
        const bool ignoreNan = ctx.enumAttribute("nan_mode", "PROPAGATE") == "IGNORE";
        const auto values = floatsOf(ctx, input);
        std::vector<float> out(static_cast<std::size_t>(view.outer * view.inner));
        const auto type = input.dtype();
        foldAxis(view, values.data(), out.data(), [=](float a, float b) {
            return roundToFloatType(type, foldFloat(kind, ignoreNan, a, b));
        });
        ctx.setOutput(0, floatTensor(ctx, input.dtype(), shape, out));
        return;
    }
    Tensor output(input.dtype(), shape);
    withIntegerType(ctx, input.dtype(), [&]<typename T>() {
        foldAxis(view, input.elements<T>().data(), output.mutableElements<T>().data(),
                 [=](T a, T b) { return foldInteger(kind, a, b); });
    });
    ctx.setOutput(0, std::move(output));
}

// ARGMAX: the first index of the largest value; a NaN counts as largest unless nan_mode is
// IGNORE, where NaNs are skipped (an all-NaN row gives 0).
template <typename T>
void argmaxOf(const AxisView& view, const T* in, std::int32_t* out, bool ignoreNan) {
    for (std::int64_t o = 0; o < view.outer; ++o)
        for (std::int64_t i = 0; i < view.inner; ++i) {
            const T* source = in + o * view.extent * view.inner + i;
            std::int64_t best = -1;
            T bestValue{};
            for (std::int64_t k = 0; k < view.extent; ++k) {
                const T value = source[k * view.inner];
                if constexpr (std::is_floating_point_v<T>) {
                    if (std::isnan(value)) {
                        if (ignoreNan) continue;
                        if (best < 0 || !std::isnan(bestValue)) {
                            best = k;
                            bestValue = value;
                        }
                        break;
                    }
                }
                if (best < 0 || value > bestValue) {
                    best = k;
                    bestValue = value;
                }
            }
            out[o * view.inner + i] = static_cast<std::int32_t>(std::max<std::int64_t>(best, 0));
        }
}

void argmax(KernelContext& ctx) {
    const auto& input = ctx.input(0);
    const auto view = axisView(ctx, input);
    auto shape = input.shape();
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(view.axis));
    checkOutputShape(ctx, 0, shape);
    const bool ignoreNan = ctx.enumAttribute("nan_mode", "PROPAGATE") == "IGNORE";
    Tensor output(outputType(ctx, 0, DType::Int32), shape);
    if (output.dtype() != DType::Int32) ctx.fail("ARGMAX output must be int32");
    auto* out = output.mutableElements<std::int32_t>().data();
    if (isTosaFloat(input.dtype())) {
        const auto values = floatsOf(ctx, input);
        argmaxOf(view, values.data(), out, ignoreNan);
    } else {
        withIntegerType(ctx, input.dtype(), [&]<typename T>() {
            argmaxOf(view, input.elements<T>().data(), out, ignoreNan);
        });
    }
    ctx.setOutput(0, std::move(output));
}

} // namespace

void addReductionKernels(KernelRegistry& registry) {
    registry.add("tosa.REDUCE_ALL", [](KernelContext& ctx) { reduce(ctx, Reduce::All); });
    registry.add("tosa.REDUCE_ANY", [](KernelContext& ctx) { reduce(ctx, Reduce::Any); });
    registry.add("tosa.REDUCE_MAX", [](KernelContext& ctx) { reduce(ctx, Reduce::Max); });
    registry.add("tosa.REDUCE_MIN", [](KernelContext& ctx) { reduce(ctx, Reduce::Min); });
    registry.add("tosa.REDUCE_PRODUCT", [](KernelContext& ctx) { reduce(ctx, Reduce::Product); });
    registry.add("tosa.REDUCE_SUM", [](KernelContext& ctx) { reduce(ctx, Reduce::Sum); });
    registry.add("tosa.ARGMAX", argmax);
}

} // namespace pteron::runtime::tosa
