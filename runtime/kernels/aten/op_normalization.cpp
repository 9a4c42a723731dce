// Normalisations: batch norm in inference (running statistics) and training (batch statistics,
// running statistics updated in place), layer norm and group norm, computed in fp32 (batch
// statistics in fp64) with the biased variance.
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

#include <cmath>
#include <limits>

namespace pteron::runtime::aten {

namespace {

std::vector<float> optionalFloats(const KernelContext& ctx, std::size_t position,
                                  std::int64_t count, float fallback) {
    const auto tensor = optionalInput(ctx, position);
    if (!tensor) return std::vector<float>(static_cast<std::size_t>(count), fallback);
    if (static_cast<std::int64_t>(tensor->elementCount()) != count)
        ctx.fail("argument " + std::to_string(position) + " " + tensor->typeText() + " needs " +
                 std::to_string(count) + " entries");
    return elementsAs<float>(*tensor);
}

// (input, weight?, bias?, running_mean, running_var, momentum, eps) -> (out, mean, invstd);
// `first` is the position of running_mean (3), eps at first + 3 or first + 4 (training flag).
void batchNormInference(KernelContext& ctx, std::size_t epsPosition) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() < 2)
        ctx.fail("batch norm needs a channel dimension, given " + input.typeText());
    const auto channels = input.dim(1);
    std::int64_t inner = 1;
    for (std::size_t d = 2; d < input.rank(); ++d)
        inner *= input.dim(d);
    const auto weight = optionalFloats(ctx, 1, channels, 1.0f);
    const auto bias = optionalFloats(ctx, 2, channels, 0.0f);
    const auto mean = optionalFloats(ctx, 3, channels, 0.0f);
    const auto variance = optionalFloats(ctx, 4, channels, 1.0f);
    const auto eps = static_cast<float>(doubleArgument(ctx, epsPosition));
    auto x = elementsAs<float>(input);
    std::size_t at = 0;
    for (std::int64_t n = 0; n < input.dim(0); ++n)
        for (std::int64_t c = 0; c < channels; ++c) {
            const auto k = static_cast<std::size_t>(c);
            const float scale = weight[k] / std::sqrt(variance[k] + eps);
            for (std::int64_t i = 0; i < inner; ++i, ++at)
                x[at] = (x[at] - mean[k]) * scale + bias[k];
        }
    setResult(ctx, 0, tensorFrom<float>(outputType(ctx, 0, input.dtype()), input.shape(), x));
    // ExecuTorch leaves the saved statistics empty in inference.
    for (std::size_t o = 1; o < 3 && o < ctx.outputCount(); ++o)
        if (ctx.hasOutput(o)) ctx.setOutput(o, Tensor(outputType(ctx, o, DType::Float32), {0}));
}

// Training mode: per-channel mean and biased variance over every dimension but 1 normalise the
// input; save_mean and save_invstd are those statistics. Given running statistics (positions
// 3 and 4 when `running`) become (1 - momentum) x running + momentum x batch, the variance
// unbiased by n / (n - 1), as libtorch updates them.
void batchNormTraining(KernelContext& ctx, bool running, std::size_t momentumPosition,
                       std::size_t epsPosition) {
    const auto input = contiguousInput(ctx, 0);
    if (input.rank() < 2)
        ctx.fail("batch norm needs a channel dimension, given " + input.typeText());
    const auto batch = input.dim(0), channels = input.dim(1);
    std::int64_t inner = 1;
    for (std::size_t d = 2; d < input.rank(); ++d)
        inner *= input.dim(d);
    const auto count = batch * inner;
    if (count == 0 && channels > 0)
        ctx.fail("training batch norm needs at least one value per channel");
    const auto weight = optionalFloats(ctx, 1, channels, 1.0f);
    const auto bias = optionalFloats(ctx, 2, channels, 0.0f);
    const auto momentum = doubleArgument(ctx, momentumPosition);
    const auto eps = doubleArgument(ctx, epsPosition);
    const auto x = elementsAs<double>(input);
    std::vector<double> y(x.size());
    std::vector<double> means(static_cast<std::size_t>(channels)), invstds(means.size()),
        variances(means.size());
    for (std::int64_t c = 0; c < channels; ++c) {
        const auto k = static_cast<std::size_t>(c);
        double sum = 0;
        for (std::int64_t n = 0; n < batch; ++n)
            for (std::int64_t i = 0; i < inner; ++i)
                sum += x[static_cast<std::size_t>((n * channels + c) * inner + i)];
        const double mean = sum / static_cast<double>(count);
        double squares = 0;
        for (std::int64_t n = 0; n < batch; ++n)
            for (std::int64_t i = 0; i < inner; ++i) {
                const double d = x[static_cast<std::size_t>((n * channels + c) * inner + i)] - mean;
                squares += d * d;
            }
        variances[k] = squares / static_cast<double>(count);
        means[k] = mean;
        invstds[k] = 1.0 / std::sqrt(variances[k] + eps);
        const double scale = invstds[k] * weight[k];
        for (std::int64_t n = 0; n < batch; ++n)
            for (std::int64_t i = 0; i < inner; ++i) {
                const auto at = static_cast<std::size_t>((n * channels + c) * inner + i);
                y[at] = (x[at] - mean) * scale + bias[k];
            }
    }
    setResult(ctx, 0, tensorFrom<double>(outputType(ctx, 0, input.dtype()), input.shape(), y));
    // Statistics keep fp32 for reduced-precision inputs, as libtorch's accumulate type.
    const auto statistics = input.dtype() == DType::Float64 ? DType::Float64 : DType::Float32;
    if (ctx.outputCount() > 1)
        setResult(ctx, 1, tensorFrom<double>(outputType(ctx, 1, statistics), {channels}, means));
    if (ctx.outputCount() > 2)
        setResult(ctx, 2, tensorFrom<double>(outputType(ctx, 2, statistics), {channels}, invstds));
    if (!running) return;
    const auto update = [&](std::size_t position, const std::vector<double>& batchValues,
                            double correction) {
        const auto current = optionalInput(ctx, position);
        if (!current) return;
        if (static_cast<std::int64_t>(current->elementCount()) != channels)
            ctx.fail("running statistic " + current->typeText() + " needs " +
                     std::to_string(channels) + " entries");
        auto values = elementsAs<double>(*current);
        for (std::size_t k = 0; k < values.size(); ++k)
            values[k] = (1 - momentum) * values[k] + momentum * batchValues[k] * correction;
        updateArgument(ctx, position, tensorFrom<double>(DType::Float64, current->shape(), values));
    };
    update(3, means, 1.0);
    update(4, variances,
           count > 1 ? static_cast<double>(count) / static_cast<double>(count - 1)
                     : std::numeric_limits<double>::infinity());
}

// native_layer_norm.out(input, normalized_shape, weight?, bias?, eps) -> (out, mean, rstd)
void layerNorm(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto normalized = intListArgument(ctx, 1);
    if (normalized.empty() || normalized.size() > input.rank())
        ctx.fail("normalized_shape " + shapeText(normalized) + " does not fit " + input.typeText());
    const auto offset = input.rank() - normalized.size();
    std::int64_t inner = 1;
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        if (input.dim(offset + i) != normalized[i])
            ctx.fail("normalized_shape " + shapeText(normalized) + " does not end " +
                     input.typeText());
        inner *= normalized[i];
    }
    const auto rows = inner ? static_cast<std::int64_t>(input.elementCount()) / inner : 0;
    const auto weight = optionalFloats(ctx, 2, inner, 1.0f);
    const auto bias = optionalFloats(ctx, 3, inner, 0.0f);
    const auto eps = static_cast<float>(doubleArgument(ctx, 4));
    auto x = elementsAs<float>(input);
    std::vector<float> means(static_cast<std::size_t>(rows)), rstds(static_cast<std::size_t>(rows));
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = x.data() + r * inner;
        float sum = 0;
        for (std::int64_t i = 0; i < inner; ++i)
            sum += row[i];
        const float mean = sum / static_cast<float>(inner);
        float squares = 0;
        for (std::int64_t i = 0; i < inner; ++i)
            squares += (row[i] - mean) * (row[i] - mean);
        const float rstd = 1.0f / std::sqrt(squares / static_cast<float>(inner) + eps);
        for (std::int64_t i = 0; i < inner; ++i)
            row[i] = (row[i] - mean) * rstd * weight[static_cast<std::size_t>(i)] +
                     bias[static_cast<std::size_t>(i)];
        means[static_cast<std::size_t>(r)] = mean;
        rstds[static_cast<std::size_t>(r)] = rstd;
    }
    Shape statistics = input.shape();
    for (std::size_t d = offset; d < statistics.size(); ++d)
        statistics[d] = 1;
    setResult(ctx, 0, tensorFrom<float>(outputType(ctx, 0, input.dtype()), input.shape(), x));
    if (ctx.outputCount() > 1)
        setResult(ctx, 1, tensorFrom<float>(outputType(ctx, 1, input.dtype()), statistics, means));
    if (ctx.outputCount() > 2)
        setResult(ctx, 2, tensorFrom<float>(outputType(ctx, 2, input.dtype()), statistics, rstds));
}

// native_group_norm.out(input, weight?, bias?, N, C, HxW, group, eps) -> (out, mean, rstd)
void groupNorm(KernelContext& ctx) {
    const auto input = contiguousInput(ctx, 0);
    const auto n = intArgument(ctx, 3), c = intArgument(ctx, 4), hw = intArgument(ctx, 5),
               groups = intArgument(ctx, 6);
    const auto eps = static_cast<float>(doubleArgument(ctx, 7));
    if (n < 0 || c <= 0 || hw < 0 || groups <= 0 || c % groups != 0 ||
        static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(c) *
                static_cast<std::uint64_t>(hw) !=
            input.elementCount())
        ctx.fail("N, C, HxW and group do not describe " + input.typeText());
    const auto weight = optionalFloats(ctx, 1, c, 1.0f);
    const auto bias = optionalFloats(ctx, 2, c, 0.0f);
    const auto perGroup = c / groups;
    auto x = elementsAs<float>(input);
    std::vector<float> means, rstds;
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t g = 0; g < groups; ++g) {
            float* base = x.data() + (b * c + g * perGroup) * hw;
            const auto count = perGroup * hw;
            float sum = 0;
            for (std::int64_t i = 0; i < count; ++i)
                sum += base[i];
            const float mean = count ? sum / static_cast<float>(count) : 0.0f;
            float squares = 0;
            for (std::int64_t i = 0; i < count; ++i)
                squares += (base[i] - mean) * (base[i] - mean);
            const float rstd =
                1.0f / std::sqrt((count ? squares / static_cast<float>(count) : 0.0f) + eps);
            for (std::int64_t i = 0; i < count; ++i) {
                const auto channel =
                    static_cast<std::size_t>(g * perGroup + i / std::max<std::int64_t>(hw, 1));
                base[i] = (base[i] - mean) * rstd * weight[channel] + bias[channel];
            }
            means.push_back(mean);
            rstds.push_back(rstd);
        }
    setResult(ctx, 0, tensorFrom<float>(outputType(ctx, 0, input.dtype()), input.shape(), x));
    if (ctx.outputCount() > 1)
        setResult(ctx, 1, tensorFrom<float>(outputType(ctx, 1, input.dtype()), {n, groups}, means));
    if (ctx.outputCount() > 2)
        setResult(ctx, 2, tensorFrom<float>(outputType(ctx, 2, input.dtype()), {n, groups}, rstds));
}

} // namespace

void addNormalizationKernels(KernelRegistry& registry) {
    registry.add("aten::_native_batch_norm_legit_no_training.out",
                 [](KernelContext& ctx) { batchNormInference(ctx, 6); });
    // native_batch_norm.out(input, weight, bias, running_mean, running_var, training, momentum,
    // eps)
    registry.add("aten::native_batch_norm.out", [](KernelContext& ctx) {
        if (boolArgument(ctx, 5)) return batchNormTraining(ctx, true, 6, 7);
        batchNormInference(ctx, 7);
    });
    // _native_batch_norm_legit.out(input, weight?, bias?, running_mean!, running_var!, training,
    // momentum, eps) and .no_stats_out(input, weight?, bias?, training, momentum, eps)
    registry.add("aten::_native_batch_norm_legit.out", [](KernelContext& ctx) {
        if (boolArgument(ctx, 5)) return batchNormTraining(ctx, true, 6, 7);
        batchNormInference(ctx, 7);
    });
    registry.add("aten::_native_batch_norm_legit.no_stats_out", [](KernelContext& ctx) {
        if (!boolArgument(ctx, 3))
            ctx.fail("batch norm without running statistics needs training mode");
        batchNormTraining(ctx, false, 4, 5);
    });
    registry.add("aten::native_layer_norm.out", layerNorm);
    registry.add("aten::native_group_norm.out", groupNorm);
}

} // namespace pteron::runtime::aten
