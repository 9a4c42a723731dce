// Reductions: sum, mean, prod, amax, amin, argmax, argmin, max.dim, min.dim, var, any, all,
// and the running sum cumsum.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"
#include "runtime/kernels/aten/reduction_plan.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::aten {

namespace {

// Runs fold(values, plan, o) -> R for each output element in parallel.
template <typename R, typename T, typename Fold>
std::vector<R> reduce(const KernelContext& ctx, const std::vector<T>& values,
                      const ReductionPlan& plan, Fold fold) {
    std::vector<R> result(plan.bases.size());
    const auto work =
        static_cast<std::int64_t>(result.size() * std::max<std::size_t>(1, plan.offsets.size()));
    const auto body = [&](std::int64_t begin, std::int64_t end) {
        for (auto o = begin; o < end; ++o) {
            const T* base = values.data() + plan.bases[static_cast<std::size_t>(o)];
            result[static_cast<std::size_t>(o)] = fold(base);
        }
    };
    if (work < kParallelGrain)
        body(0, static_cast<std::int64_t>(result.size()));
    else
        ctx.pool().parallelFor(static_cast<std::int64_t>(result.size()), body);
    return result;
}

// sum.IntList_out(self, dim?, keepdim, dtype?) and mean.out: accumulate in the out type.
void sumOrMean(KernelContext& ctx, bool mean) {
    const auto input = contiguousInput(ctx, 0);
    const auto plan =
        planReduction(ctx, input.shape(), dimListArgument(ctx, 1), boolArgument(ctx, 2));
    DType fallback = isIntegralType(input.dtype(), true) ? DType::Int64 : input.dtype();
    if (mean && !isFloatType(input.dtype())) fallback = DType::Float32;
    const auto out = outputType(ctx, 0, dtypeArgument(ctx, 3, fallback));
    if (mean && !isFloatType(out)) ctx.fail("mean needs a floating-point result type");
    auto result = visitComputeType(computeTypeOf(out), [&]<typename T>() {
        const auto values = elementsAs<T>(input);
        const auto count = plan.offsets.size();
        const auto sums = reduce<T>(ctx, values, plan, [&](const T* base) {
            T total{0};
            for (const auto offset : plan.offsets) {
                if constexpr (std::is_integral_v<T>)
                    total = wrappingAdd(total, base[offset]);
                else
                    total += base[offset];
            }
            if constexpr (std::is_floating_point_v<T>)
                if (mean) return total / static_cast<T>(count);
            return total;
        });
        return tensorFrom<T>(out, plan.outputShape, sums);
    });
    setResult(ctx, 0, std::move(result));
}

void product(KernelContext& ctx, bool allDims) {
    const auto input = contiguousInput(ctx, 0);
    std::vector<std::int64_t> dims;
    bool keepdim = false;
    if (!allDims) {
        dims = {intArgument(ctx, 1)};
        keepdim = boolArgument(ctx, 2);
    }
    const auto plan = planReduction(ctx, input.shape(), dims, keepdim);
    const auto fallback = isIntegralType(input.dtype(), true) ? DType::Int64 : input.dtype();
    const auto out = outputType(ctx, 0, fallback);
    auto result = visitComputeType(computeTypeOf(out), [&]<typename T>() {
        const auto values = elementsAs<T>(input);
        const auto products = reduce<T>(ctx, values, plan, [&](const T* base) {
            T total{1};
            for (const auto offset : plan.offsets) {
                if constexpr (std::is_integral_v<T>)
                    total = wrappingMul(total, base[offset]);
                else
                    total *= base[offset];
            }
            return total;
        });
        return tensorFrom<T>(out, plan.outputShape, products);
    });
    setResult(ctx, 0, std::move(result));
}

// NaN wins, as in PyTorch's max/min.
template <typename T> bool better(T candidate, T best, bool maximum) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(best)) return false;
        if (std::isnan(candidate)) return true;
    }
    return maximum ? candidate > best : candidate < best;
}

void extremeValues(KernelContext& ctx, bool maximum) {
    const auto input = contiguousInput(ctx, 0);
    const auto plan =
        planReduction(ctx, input.shape(), dimListArgument(ctx, 1), boolArgument(ctx, 2));
    if (plan.offsets.empty() && !plan.bases.empty()) ctx.fail("cannot reduce an empty dimension");
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto values = elementsAs<T>(input);
        const auto best = reduce<T>(ctx, values, plan, [&](const T* base) {
            T value = base[plan.offsets[0]];
            for (const auto offset : plan.offsets)
                if (better(base[offset], value, maximum)) value = base[offset];
            return value;
        });
        return tensorFrom<T>(outputType(ctx, 0, input.dtype()), plan.outputShape, best);
    });
    setResult(ctx, 0, std::move(result));
}

// argmax/argmin(self, dim?, keepdim) and max.dim/min.dim(self, dim, keepdim) -> (values, indices).
void extremeIndices(KernelContext& ctx, bool maximum, bool withValues) {
    const auto input = contiguousInput(ctx, 0);
    std::vector<std::int64_t> dims;
    if (hasArgument(ctx, 1)) dims = {intArgument(ctx, 1)};
    const bool keepdim = boolArgument(ctx, 2);
    // Without a dim, the index is into the flattened tensor.
    const auto flat =
        dims.empty() ? input.reshaped({static_cast<std::int64_t>(input.elementCount())}) : input;
    if (input.rank() == 0 && !dims.empty()) normalizeDim(ctx, dims[0], 0);
    const auto plan =
        input.rank() == 0
            ? planReduction(ctx, {}, {}, keepdim)
            : planReduction(ctx, flat.shape(), dims.empty() ? std::vector<std::int64_t>{0} : dims,
                            keepdim && !dims.empty());
    if (plan.offsets.empty() && !plan.bases.empty()) ctx.fail("cannot reduce an empty dimension");
    visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto values = elementsAs<T>(input);
        std::vector<std::int64_t> indices(plan.bases.size());
        std::vector<T> best(plan.bases.size());
        for (std::size_t o = 0; o < plan.bases.size(); ++o) {
            const T* base = values.data() + plan.bases[o];
            std::size_t at = 0;
            for (std::size_t r = 1; r < plan.offsets.size(); ++r)
                if (better(base[plan.offsets[r]], base[plan.offsets[at]], maximum)) at = r;
            indices[o] = static_cast<std::int64_t>(at);
            best[o] = base[plan.offsets[at]];
        }
        if (withValues) {
            setResult(ctx, 0,
                      tensorFrom<T>(outputType(ctx, 0, input.dtype()), plan.outputShape, best));
            setResult(ctx, 1, tensorFrom<std::int64_t>(DType::Int64, plan.outputShape, indices));
        } else {
            setResult(ctx, 0, tensorFrom<std::int64_t>(DType::Int64, plan.outputShape, indices));
        }
        return 0;
    });
}

// var.correction_out(self, dim?, correction?, keepdim) / var.out(self, dim?, unbiased, keepdim).
void variance(KernelContext& ctx, bool correctionForm) {
    const auto input = contiguousInput(ctx, 0);
    if (!isFloatType(input.dtype())) ctx.fail("var needs a floating-point input");
    double correction = 1;
    if (correctionForm) {
        if (hasArgument(ctx, 2)) correction = doubleArgument(ctx, 2);
    } else {
        correction = boolArgument(ctx, 2) ? 1 : 0;
    }
    const auto plan =
        planReduction(ctx, input.shape(), dimListArgument(ctx, 1), boolArgument(ctx, 3));
    const auto out = outputType(ctx, 0, input.dtype());
    auto result = visitComputeType(computeTypeOf(input.dtype()), [&]<typename T>() {
        const auto values = elementsAs<T>(input);
        const auto count = static_cast<T>(plan.offsets.size());
        const auto variances = reduce<T>(ctx, values, plan, [&](const T* base) {
            T sum{0};
            for (const auto offset : plan.offsets)
                sum += base[offset];
            const T mean = sum / count;
            T squares{0};
            for (const auto offset : plan.offsets)
                squares += (base[offset] - mean) * (base[offset] - mean);
            const T denominator = std::max(T{0}, count - static_cast<T>(correction));
            return squares / denominator;
        });
        return tensorFrom<T>(out, plan.outputShape, variances);
    });
    setResult(ctx, 0, std::move(result));
}

void anyOrAll(KernelContext& ctx, bool any, int form) {
    const auto input = contiguousInput(ctx, 0);
    std::vector<std::int64_t> dims;
    bool keepdim = false;
    if (form == 1) {
        dims = {intArgument(ctx, 1)};
        keepdim = boolArgument(ctx, 2);
    } else if (form == 2) {
        dims = dimListArgument(ctx, 1);
        keepdim = boolArgument(ctx, 2);
    }
    const auto plan = planReduction(ctx, input.shape(), dims, keepdim);
    const auto values = elementsAs<double>(input);
    const auto flags = reduce<BoolByte>(ctx, values, plan, [&](const double* base) {
        bool result = !any;
        for (const auto offset : plan.offsets)
            if ((base[offset] != 0) == any) {
                result = any;
                break;
            }
        return BoolByte{static_cast<std::uint8_t>(result)};
    });
    setResult(ctx, 0,
              tensorFrom<BoolByte>(outputType(ctx, 0, DType::Bool), plan.outputShape, flags));
}

// cumsum.out(self, dim, dtype?).
void cumulativeSum(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto dim = normalizeDim(ctx, intArgument(ctx, 1), input.rank());
    const auto fallback = isIntegralType(input.dtype(), true) ? DType::Int64 : input.dtype();
    const auto out = outputType(ctx, 0, dtypeArgument(ctx, 2, fallback));
    std::int64_t outer = 1, length = 1, inner = 1;
    for (std::size_t d = 0; d < input.rank(); ++d) {
        if (d < dim)
            outer *= input.dim(d);
        else if (d == dim)
            length = input.dim(d);
        else
            inner *= input.dim(d);
    }
    auto result = visitComputeType(computeTypeOf(out), [&]<typename T>() {
        auto values = elementsAs<T>(input);
        for (std::int64_t o = 0; o < outer; ++o)
            for (std::int64_t i = 0; i < inner; ++i)
                for (std::int64_t l = 1; l < length; ++l) {
                    const auto at = static_cast<std::size_t>((o * length + l) * inner + i);
                    if constexpr (std::is_integral_v<T>)
                        values[at] =
                            wrappingAdd(values[at], values[at - static_cast<std::size_t>(inner)]);
                    else
                        values[at] += values[at - static_cast<std::size_t>(inner)];
                }
        return tensorFrom<T>(out, input.shape(), values);
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addReductionKernels(KernelRegistry& registry) {
    registry.add("aten::sum.IntList_out", [](KernelContext& ctx) { sumOrMean(ctx, false); });
    registry.add("aten::mean.out", [](KernelContext& ctx) { sumOrMean(ctx, true); });
    registry.add("aten::sum.out", [](KernelContext& ctx) {
        // sum.out(self, dtype?): every element.
        const auto input = contiguousInput(ctx, 0);
        const auto fallback = isIntegralType(input.dtype(), true) ? DType::Int64 : input.dtype();
        const auto out = outputType(ctx, 0, dtypeArgument(ctx, 1, fallback));
        const auto plan = planReduction(ctx, input.shape(), {}, false);
        auto result = visitComputeType(computeTypeOf(out), [&]<typename T>() {
            const auto values = elementsAs<T>(input);
            const auto sums = reduce<T>(ctx, values, plan, [&](const T* base) {
                T total{0};
                for (const auto offset : plan.offsets) {
                    if constexpr (std::is_integral_v<T>)
                        total = wrappingAdd(total, base[offset]);
                    else
                        total += base[offset];
                }
                return total;
            });
            return tensorFrom<T>(out, plan.outputShape, sums);
        });
        setResult(ctx, 0, std::move(result));
    });
    registry.add("aten::prod.int_out", [](KernelContext& ctx) { product(ctx, false); });
    registry.add("aten::prod.out", [](KernelContext& ctx) { product(ctx, true); });
    registry.add("aten::amax.out", [](KernelContext& ctx) { extremeValues(ctx, true); });
    registry.add("aten::amin.out", [](KernelContext& ctx) { extremeValues(ctx, false); });
    registry.add("aten::argmax.out", [](KernelContext& ctx) { extremeIndices(ctx, true, false); });
    registry.add("aten::argmin.out", [](KernelContext& ctx) { extremeIndices(ctx, false, false); });
    registry.add("aten::max.dim_max", [](KernelContext& ctx) { extremeIndices(ctx, true, true); });
    registry.add("aten::min.dim_min", [](KernelContext& ctx) { extremeIndices(ctx, false, true); });
    registry.add("aten::var.correction_out", [](KernelContext& ctx) { variance(ctx, true); });
    registry.add("aten::var.out", [](KernelContext& ctx) { variance(ctx, false); });
    registry.add("aten::any.all_out", [](KernelContext& ctx) { anyOrAll(ctx, true, 0); });
    registry.add("aten::any.out", [](KernelContext& ctx) { anyOrAll(ctx, true, 1); });
    registry.add("aten::any.dims_out", [](KernelContext& ctx) { anyOrAll(ctx, true, 2); });
    registry.add("aten::all.all_out", [](KernelContext& ctx) { anyOrAll(ctx, false, 0); });
    registry.add("aten::cumsum.out", cumulativeSum);
}

} // namespace pteron::runtime::aten
