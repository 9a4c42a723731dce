// TOSA FFT2D (complex [N,H,W] -> complex, forward or inverse, unnormalised) and RFFT2D (real
// [N,H,W] -> complex [N,H,W/2+1]) in fp32, evaluated as direct sums with fp64 accumulation.
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <cmath>
#include <numbers>

namespace pteron::runtime::tosa {

namespace {

struct Spectrum {
    std::vector<float> real;
    std::vector<float> imaginary;
};

// out(oy, ox) = sum in(iy, ix) * exp(-sign * 2 pi i (iy oy / H + ix ox / W)) for each batch.
Spectrum transform(std::int64_t batches, std::int64_t height, std::int64_t width,
                   std::int64_t outWidth, const std::vector<float>& real,
                   const std::vector<float>* imaginary, double sign) {
    Spectrum out;
    const auto count = static_cast<std::size_t>(batches * height * outWidth);
    out.real.resize(count);
    out.imaginary.resize(count);
    for (std::int64_t n = 0; n < batches; ++n)
        for (std::int64_t oy = 0; oy < height; ++oy)
            for (std::int64_t ox = 0; ox < outWidth; ++ox) {
                double sumReal = 0, sumImaginary = 0;
                for (std::int64_t iy = 0; iy < height; ++iy)
                    for (std::int64_t ix = 0; ix < width; ++ix) {
                        const auto at = static_cast<std::size_t>((n * height + iy) * width + ix);
                        const double re = real[at];
                        const double im = imaginary ? (*imaginary)[at] : 0.0;
                        const auto ay = (iy * oy) % height;
                        const auto ax = (ix * ox) % width;
                        const double angle =
                            sign * 2 * std::numbers::pi *
                            (static_cast<double>(ay) / static_cast<double>(height) +
                             static_cast<double>(ax) / static_cast<double>(width));
                        const double c = std::cos(angle), s = std::sin(angle);
                        sumReal += re * c + im * s;
                        sumImaginary += -re * s + im * c;
                    }
                const auto at = static_cast<std::size_t>((n * height + oy) * outWidth + ox);
                out.real[at] = static_cast<float>(sumReal);
                out.imaginary[at] = static_cast<float>(sumImaginary);
            }
    return out;
}

void checkExtents(const KernelContext& ctx, const Tensor& input) {
    requireRank(ctx, input, 3, "input");
    requireType(ctx, input, DType::Float32, "input");
    // The specification bounds H and W by the level's MAX_KERNEL; the direct sum is quadratic.
    if (input.dim(1) < 1 || input.dim(2) < 1 || input.dim(1) > 8192 || input.dim(2) > 8192)
        ctx.fail("height and width must be in [1, 8192]");
    const auto points = static_cast<double>(input.dim(1) * input.dim(2));
    if (static_cast<double>(input.dim(0)) * points * points > 0x1p34)
        ctx.fail("transform is too large for direct evaluation");
}

void fft(KernelContext& ctx) {
    const auto& real = ctx.input(0);
    const auto& imaginary = ctx.input(1);
    checkExtents(ctx, real);
    if (imaginary.shape() != real.shape() || imaginary.dtype() != real.dtype())
        ctx.fail("real " + real.typeText() + " and imaginary " + imaginary.typeText() + " differ");
    checkOutputShape(ctx, 0, real.shape());
    const auto imaginaryValues = floatsOf(ctx, imaginary);
    const double sign = ctx.boolAttribute("inverse", false) ? -1.0 : 1.0;
    auto out = transform(real.dim(0), real.dim(1), real.dim(2), real.dim(2), floatsOf(ctx, real),
                         &imaginaryValues, sign);
    ctx.setOutput(0, floatTensor(ctx, DType::Float32, real.shape(), out.real));
    ctx.setOutput(1, floatTensor(ctx, DType::Float32, real.shape(), out.imaginary));
}

void rfft(KernelContext& ctx) {
    const auto& real = ctx.input(0);
    checkExtents(ctx, real);
    const Shape shape{real.dim(0), real.dim(1), real.dim(2) / 2 + 1};
    checkOutputShape(ctx, 0, shape);
    auto out = transform(real.dim(0), real.dim(1), real.dim(2), shape[2], floatsOf(ctx, real),
                         nullptr, 1.0);
    ctx.setOutput(0, floatTensor(ctx, DType::Float32, shape, out.real));
    ctx.setOutput(1, floatTensor(ctx, DType::Float32, shape, out.imaginary));
}

} // namespace

void addFftKernels(KernelRegistry& registry) {
    registry.add("tosa.FFT2D", fft);
    registry.add("tosa.RFFT2D", rfft);
}

} // namespace pteron::runtime::tosa
