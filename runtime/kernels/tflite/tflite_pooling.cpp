// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC windows clipped to the input (padding taps are not
// counted); int8, uint8 and int16 averages round half away from zero like TFLM's AveragePool.
#include "runtime/kernels/tflite/tflite_family.hpp"
#include "runtime/kernels/tflite/tflite_quantization.hpp"
#include "runtime/kernels/tflite/tflite_window.hpp"

namespace pteron::runtime::tflite {

namespace {

struct PoolShape {
    std::int64_t batches = 0, inH = 0, inW = 0, channels = 0;
    Window2d window;
};

PoolShape poolShape(const KernelContext& ctx) {
    const auto& input = ctx.input(0);
    if (input.rank() != 4) ctx.fail("input must be 4-d NHWC, given " + input.typeText());
    const auto filter = ctx.intsAttribute("filter_size");
    if (filter.size() != 2) ctx.fail("filter_size must hold two values");
    PoolShape s{input.dim(0), input.dim(1), input.dim(2), input.dim(3), {}};
    s.window = window2d(ctx, s.inH, s.inW, filter[0], filter[1], false);
    return s;
}

// Calls reduce(channelValuesPointer) for every valid tap of each output, then store(out, count).
template <typename T, typename Start, typename Tap, typename Store>
Tensor pool(const KernelContext& ctx, const PoolShape& s, DType dtype, Start&& start, Tap&& tap,
            Store&& store) {
    const auto& h = s.window.height;
    const auto& w = s.window.width;
    Tensor out(dtype, {s.batches, h.output, w.output, s.channels});
    const T* input = ctx.input(0).elements<T>().data();
    T* result = out.mutableElements<T>().data();
    ctx.pool().parallelFor(s.batches * h.output, [&](std::int64_t begin, std::int64_t end) {
        auto acc = start();
        for (std::int64_t row = begin; row < end; ++row) {
            const std::int64_t batch = row / h.output;
            const std::int64_t oy = row % h.output;
            const std::int64_t y0 = oy * h.stride - h.padBefore;
            const std::int64_t yBegin = std::max<std::int64_t>(0, y0);
            const std::int64_t yEnd = std::min(s.inH, y0 + h.filter);
            for (std::int64_t ox = 0; ox < w.output; ++ox) {
                const std::int64_t x0 = ox * w.stride - w.padBefore;
                const std::int64_t xBegin = std::max<std::int64_t>(0, x0);
                const std::int64_t xEnd = std::min(s.inW, x0 + w.filter);
                T* target = result + ((batch * h.output + oy) * w.output + ox) * s.channels;
                for (std::int64_t c = 0; c < s.channels; ++c) {
                    acc = start();
                    for (std::int64_t y = yBegin; y < yEnd; ++y)
                        for (std::int64_t x = xBegin; x < xEnd; ++x)
                            tap(acc, input[((batch * s.inH + y) * s.inW + x) * s.channels + c]);
                    target[c] = store(acc, (yEnd - yBegin) * (xEnd - xBegin));
                }
            }
        }
    });
    return out;
}

// Integer averages: sum of the raw values over the valid taps, divided rounding half away from
// zero (TFLM's AveragePool for int8 and int16; the uint8 reference rounds the same way).
template <typename T> void averagePoolInteger(KernelContext& ctx, const PoolShape& s) {
    const auto type = ctx.input(0).dtype();
    const auto range =
        quantizedActivationRange(ctx, outputQuantization(ctx, 0), std::numeric_limits<T>::min(),
                                 std::numeric_limits<T>::max());
    ctx.setOutput(0, pool<T>(
                         ctx, s, type, [] { return std::int32_t{0}; },
                         [](std::int32_t& acc, T x) { acc += x; },
                         [&](std::int32_t acc, std::int64_t count) {
                             if (count == 0) return static_cast<T>(range.min);
                             const auto n = static_cast<std::int32_t>(count);
                             const std::int32_t average =
                                 acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
                             return static_cast<T>(std::clamp(average, range.min, range.max));
                         }));
}

template <typename T> void maxPoolInteger(KernelContext& ctx, const PoolShape& s) {
    const auto type = ctx.input(0).dtype();
    const auto range =
        quantizedActivationRange(ctx, outputQuantization(ctx, 0), std::numeric_limits<T>::min(),
                                 std::numeric_limits<T>::max());
    ctx.setOutput(0, pool<T>(
                         ctx, s, type, [] { return std::int32_t{std::numeric_limits<T>::min()}; },
                         [](std::int32_t& acc, T x) { acc = std::max<std::int32_t>(acc, x); },
                         [&](std::int32_t acc, std::int64_t) {
                             return static_cast<T>(std::clamp(acc, range.min, range.max));
                         }));
}

void averagePool(KernelContext& ctx) {
    const auto s = poolShape(ctx);
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32) {
        const auto range = floatActivationRange(ctx);
        ctx.setOutput(
            0, pool<float>(
                   ctx, s, type, [] { return 0.0f; }, [](float& acc, float x) { acc += x; },
                   [&](float acc, std::int64_t count) {
                       return std::clamp(acc / static_cast<float>(count), range.min, range.max);
                   }));
        return;
    }
    // The int32 sum holds 2^16 int16 values or 2^23 8-bit ones.
    if (s.window.height.filter * s.window.width.filter > (type == DType::Int16 ? 1 << 16 : 1 << 23))
        ctx.fail("the pooling window is too large");
    switch (type) {
    case DType::Int8:
        return averagePoolInteger<std::int8_t>(ctx, s);
    case DType::UInt8:
        return averagePoolInteger<std::uint8_t>(ctx, s);
    case DType::Int16:
        return averagePoolInteger<std::int16_t>(ctx, s);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    }
}

void maxPool(KernelContext& ctx) {
    const auto s = poolShape(ctx);
    const auto type = ctx.input(0).dtype();
    if (type == DType::Float32) {
        const auto range = floatActivationRange(ctx);
        ctx.setOutput(
            0, pool<float>(
                   ctx, s, type, [] { return std::numeric_limits<float>::lowest(); },
                   [](float& acc, float x) { acc = std::max(acc, x); },
                   [&](float acc, std::int64_t) { return std::clamp(acc, range.min, range.max); }));
        return;
    }
    switch (type) {
    case DType::Int8:
        return maxPoolInteger<std::int8_t>(ctx, s);
    case DType::UInt8:
        return maxPoolInteger<std::uint8_t>(ctx, s);
    case DType::Int16:
        return maxPoolInteger<std::int16_t>(ctx, s);
    default:
        ctx.fail("input type " + ctx.input(0).typeText() + " is not supported");
    }
}

} // namespace

void addPoolingKernels(KernelRegistry& registry) {
    registry.add("tflite.AVERAGE_POOL_2D", averagePool);
    registry.add("tflite.MAX_POOL_2D", maxPool);
}

} // namespace pteron::runtime::tflite
