// Matrix products: mm, bmm, addmm, baddbmm and linear, accumulating in the compute type
// (fp32 for fp32/fp16/bf16, int64 for integers).
#include "runtime/kernels/aten/aten_family.hpp"
#include "runtime/kernels/aten/binary_operands.hpp"
#include "runtime/kernels/aten/elementwise.hpp"

namespace pteron::runtime::aten {

namespace {

// c[b] = a[b] @ w[b] for `batches` row-major [m,k] x [k,n] products; `transposed` reads w as
// [n,k] (linear's weight).
template <typename T>
void multiply(const KernelContext& ctx, const T* a, const T* w, T* c, std::int64_t batches,
              std::int64_t m, std::int64_t k, std::int64_t n, bool transposed, bool batchedW) {
    const auto rows = batches * m;
    const auto body = [&](std::int64_t begin, std::int64_t end) {
        std::vector<T> row(static_cast<std::size_t>(n));
        for (auto r = begin; r < end; ++r) {
            const auto b = r / m;
            const T* left = a + r * k;
            const T* right = w + (batchedW ? b * k * n : 0);
            std::fill(row.begin(), row.end(), T{0});
            if (transposed) {
                for (std::int64_t j = 0; j < n; ++j) {
                    T sum{0};
                    const T* column = right + j * k;
                    for (std::int64_t p = 0; p < k; ++p) {
                        if constexpr (std::is_integral_v<T>)
                            sum = wrappingAdd(sum, wrappingMul(left[p], column[p]));
                        else
                            sum += left[p] * column[p];
                    }
                    row[static_cast<std::size_t>(j)] = sum;
                }
            } else {
                for (std::int64_t p = 0; p < k; ++p) {
                    const T factor = left[p];
                    const T* line = right + p * n;
                    for (std::int64_t j = 0; j < n; ++j) {
                        if constexpr (std::is_integral_v<T>)
                            row[static_cast<std::size_t>(j)] = wrappingAdd(
                                row[static_cast<std::size_t>(j)], wrappingMul(factor, line[j]));
                        else
                            row[static_cast<std::size_t>(j)] += factor * line[j];
                    }
                }
            }
            std::copy(row.begin(), row.end(), c + r * n);
        }
    };
    if (rows * k * n < kParallelGrain)
        body(0, rows);
    else
        ctx.pool().parallelFor(rows, body);
}

struct Product {
    Tensor a;
    Tensor w;
    std::int64_t batches = 1, m = 0, k = 0, n = 0;
    bool transposed = false;
    bool batchedW = false;
    Shape shape;
};

template <typename T> std::vector<T> run(const KernelContext& ctx, const Product& p) {
    const auto a = elementsAs<T>(p.a);
    const auto w = elementsAs<T>(p.w);
    std::vector<T> c(static_cast<std::size_t>(p.batches * p.m * p.n));
    multiply<T>(ctx, a.data(), w.data(), c.data(), p.batches, p.m, p.k, p.n, p.transposed,
                p.batchedW);
    return c;
}

Product matrixProduct(const KernelContext& ctx, const Tensor& a, const Tensor& b) {
    if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0))
        ctx.fail("cannot multiply " + a.typeText() + " by " + b.typeText());
    return {a, b, 1, a.dim(0), a.dim(1), b.dim(1), false, false, {a.dim(0), b.dim(1)}};
}

Product batchedProduct(const KernelContext& ctx, const Tensor& a, const Tensor& b) {
    if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(1))
        ctx.fail("cannot batch-multiply " + a.typeText() + " by " + b.typeText());
    return {
        a, b, a.dim(0), a.dim(1), a.dim(2), b.dim(2), false, true, {a.dim(0), a.dim(1), b.dim(2)}};
}

// out = beta * bias + alpha * product (bias broadcast to the product's shape).
void finish(KernelContext& ctx, const Product& product, const std::optional<Tensor>& bias,
            std::size_t betaIndex, std::size_t alphaIndex) {
    DType common = promoteTypes(product.a.dtype(), product.w.dtype());
    if (bias) common = promoteTypes(common, bias->dtype());
    const auto out = outputType(ctx, 0, common);
    auto result = visitComputeType(computeTypeOf(common), [&]<typename T>() {
        auto c = run<T>(ctx, product);
        if (!bias) return tensorFrom<T>(out, product.shape, c);
        const T beta =
            hasArgument(ctx, betaIndex) ? static_cast<T>(doubleArgument(ctx, betaIndex)) : T{1};
        const T alpha =
            hasArgument(ctx, alphaIndex) ? static_cast<T>(doubleArgument(ctx, alphaIndex)) : T{1};
        const auto cTensor = tensorFrom<T>(arithmeticType<T>(), product.shape, c);
        if (broadcastShapes(bias->shape(), product.shape) != product.shape)
            ctx.fail("bias " + bias->typeText() + " does not broadcast to " +
                     shapeText(product.shape));
        return binaryMap<T, T>(ctx, cTensor, *bias, out, [alpha, beta](T x, T y) -> T {
            if constexpr (std::is_integral_v<T>)
                return wrappingAdd(wrappingMul(alpha, x), wrappingMul(beta, y));
            else
                return alpha * x + beta * y;
        });
    });
    setResult(ctx, 0, std::move(result));
}

} // namespace

void addMatmulKernels(KernelRegistry& registry) {
    registry.add("aten::mm.out", [](KernelContext& ctx) {
        finish(ctx, matrixProduct(ctx, contiguousInput(ctx, 0), contiguousInput(ctx, 1)),
               std::nullopt, 0, 0);
    });
    registry.add("aten::bmm.out", [](KernelContext& ctx) {
        finish(ctx, batchedProduct(ctx, contiguousInput(ctx, 0), contiguousInput(ctx, 1)),
               std::nullopt, 0, 0);
    });
    // addmm.out(self, mat1, mat2, beta, alpha)
    registry.add("aten::addmm.out", [](KernelContext& ctx) {
        finish(ctx, matrixProduct(ctx, contiguousInput(ctx, 1), contiguousInput(ctx, 2)),
               contiguousInput(ctx, 0), 3, 4);
    });
    registry.add("aten::baddbmm.out", [](KernelContext& ctx) {
        finish(ctx, batchedProduct(ctx, contiguousInput(ctx, 1), contiguousInput(ctx, 2)),
               contiguousInput(ctx, 0), 3, 4);
    });
    // linear.out(input [..., k], weight [n, k], bias?)
    registry.add("aten::linear.out", [](KernelContext& ctx) {
        const auto input = contiguousInput(ctx, 0);
        const auto weight = contiguousInput(ctx, 1);
        if (input.rank() < 1 || weight.rank() != 2 || input.dim(input.rank() - 1) != weight.dim(1))
            ctx.fail("cannot apply weight " + weight.typeText() + " to " + input.typeText());
        Product product;
        product.a = input;
        product.w = weight;
        product.k = weight.dim(1);
        product.n = weight.dim(0);
        product.m = product.k ? static_cast<std::int64_t>(input.elementCount()) / product.k : 0;
        product.transposed = true;
        product.shape = input.shape();
        product.shape.back() = product.n;
        if (product.k == 0)
            product.m = static_cast<std::int64_t>(elementCountOf(product.shape)) /
                        std::max<std::int64_t>(1, product.n);
        finish(ctx, product, optionalInput(ctx, 2), 99, 99);
    });
}

} // namespace pteron::runtime::aten
