#include "diff/tensor_comparison.hpp"

#include "runtime/tensor_elements.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace pteron::diff {

namespace {

using runtime::Shape;
using runtime::Tensor;

Shape withoutUnitDims(const Shape& shape) {
    Shape kept;
    for (auto dim : shape)
        if (dim != 1) kept.push_back(dim);
    return kept;
}

std::string permutationText(const std::vector<std::size_t>& permutation) {
    std::string text = "[";
    for (std::size_t i = 0; i < permutation.size(); ++i)
        text += (i ? "," : "") + std::to_string(permutation[i]);
    return text + "]";
}

// For each element of the reference (in its order), the index of the element of `other` that
// `permutation` puts there: reference dim k is other's dim permutation[k].
std::vector<std::uint64_t> permutedIndices(const Shape& other,
                                           const std::vector<std::size_t>& permutation) {
    const auto rank = other.size();
    std::vector<std::uint64_t> strides(rank, 1);
    for (std::size_t k = rank; k-- > 1;)
        strides[k - 1] = strides[k] * static_cast<std::uint64_t>(other[k]);
    Shape reference(rank);
    for (std::size_t k = 0; k < rank; ++k)
        reference[k] = other[permutation[k]];
    const auto count = runtime::elementCountOf(other);
    std::vector<std::uint64_t> indices(static_cast<std::size_t>(count));
    std::vector<std::int64_t> position(rank, 0);
    for (std::uint64_t i = 0; i < count; ++i) {
        std::uint64_t offset = 0;
        for (std::size_t k = 0; k < rank; ++k)
            offset += static_cast<std::uint64_t>(position[k]) * strides[permutation[k]];
        indices[static_cast<std::size_t>(i)] = offset;
        for (std::size_t k = rank; k-- > 0;) {
            if (++position[k] < reference[k]) break;
            position[k] = 0;
        }
    }
    return indices;
}

// Every non-identity permutation of `other`'s dimensions that yields `reference`'s shape.
std::vector<std::vector<std::size_t>> candidatePermutations(const Shape& reference,
                                                            const Shape& other) {
    std::vector<std::vector<std::size_t>> result;
    if (reference.size() != other.size() || reference.size() > 6) return result;
    std::vector<std::size_t> permutation(other.size());
    std::iota(permutation.begin(), permutation.end(), std::size_t{0});
    while (std::next_permutation(permutation.begin(), permutation.end())) {
        bool fits = true;
        for (std::size_t k = 0; k < reference.size() && fits; ++k)
            fits = reference[k] == other[permutation[k]];
        if (fits) result.push_back(permutation);
    }
    return result;
}

struct Scale {
    double scale = 1;
    double zeroPoint = 0;
};

bool isQuantised(const Tensor& tensor) {
    return runtime::isIntegerType(tensor.dtype()) && !tensor.quantization.scales.empty();
}

// Real values of a tensor: dequantised per tensor or per channel when it is quantised.
std::vector<double> realValues(const Tensor& tensor, bool dequantise) {
    auto values = runtime::toDoubles(tensor);
    if (!dequantise || !isQuantised(tensor)) return values;
    const auto& q = tensor.quantization;
    const auto scaleAt = [&q](std::size_t channel) {
        Scale s;
        s.scale = q.scales[std::min(channel, q.scales.size() - 1)];
        if (!q.zeroPoints.empty())
            s.zeroPoint =
                static_cast<double>(q.zeroPoints[std::min(channel, q.zeroPoints.size() - 1)]);
        return s;
    };
    std::uint64_t inner = 1;
    std::uint64_t channels = 1;
    if (q.axis && q.scales.size() > 1 && *q.axis >= 0 &&
        static_cast<std::size_t>(*q.axis) < tensor.rank()) {
        channels = static_cast<std::uint64_t>(tensor.dim(static_cast<std::size_t>(*q.axis)));
        for (auto k = static_cast<std::size_t>(*q.axis) + 1; k < tensor.rank(); ++k)
            inner *= static_cast<std::uint64_t>(tensor.dim(k));
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto channel = channels > 1 ? static_cast<std::size_t>((i / inner) % channels) : 0;
        const auto s = scaleAt(channel);
        values[i] = (values[i] - s.zeroPoint) * s.scale;
    }
    return values;
}

// The quantisation step of a dequantised comparison: the coarser side's (first) scale.
double stepOf(const Tensor& reference, const Tensor& other) {
    double step = 0;
    for (const auto* tensor : {&reference, &other})
        if (isQuantised(*tensor))
            step = std::max(step, std::abs(tensor->quantization.scales.front()));
    return step;
}

enum class Mode { Integer, Dequantised, Real };

struct Sums {
    double maxAbs = 0, sumAbs = 0, sumSquares = 0, signal = 0, otherSignal = 0, dot = 0;
    std::uint64_t finite = 0, mismatched = 0, nonFinite = 0;
};

bool bothSameNonFinite(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    return std::isinf(a) && std::isinf(b) && std::signbit(a) == std::signbit(b);
}

Sums accumulate(const std::vector<double>& a, const std::vector<double>& b,
                const std::vector<std::uint64_t>* order, Mode mode, double step,
                const Tolerance& tolerance) {
    Sums sums;
    const double steps = static_cast<double>(tolerance.steps);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double x = a[i];
        const double y = b[order ? static_cast<std::size_t>((*order)[i]) : i];
        if (!std::isfinite(x) || !std::isfinite(y)) {
            ++sums.nonFinite;
            if (!bothSameNonFinite(x, y)) ++sums.mismatched;
            continue;
        }
        const double error = std::abs(x - y);
        ++sums.finite;
        sums.maxAbs = std::max(sums.maxAbs, error);
        sums.sumAbs += error;
        sums.sumSquares += error * error;
        sums.signal += x * x;
        sums.otherSignal += y * y;
        sums.dot += x * y;
        bool within = false;
        switch (mode) {
        case Mode::Integer:
            within = error <= steps;
            break;
        case Mode::Dequantised:
            within = error <= (steps + 1) * step + tolerance.atol + tolerance.rtol * std::abs(x);
            break;
        case Mode::Real:
            within = error <= tolerance.atol + tolerance.rtol * std::abs(x);
            break;
        }
        if (!within) ++sums.mismatched;
    }
    return sums;
}

TensorMetrics metricsOf(const Sums& sums, std::uint64_t count, Mode mode, double step) {
    TensorMetrics metrics;
    metrics.compared = true;
    metrics.count = count;
    metrics.maxAbs = sums.maxAbs;
    const double finite = static_cast<double>(sums.finite);
    metrics.meanAbs = sums.finite ? sums.sumAbs / finite : 0;
    metrics.mse = sums.finite ? sums.sumSquares / finite : 0;
    if (sums.sumSquares == 0)
        metrics.snrDb = std::numeric_limits<double>::infinity();
    else if (sums.signal > 0)
        metrics.snrDb = 10 * std::log10(sums.signal / sums.sumSquares);
    if (sums.signal == 0 && sums.otherSignal == 0)
        metrics.cosine = 1;
    else if (sums.signal > 0 && sums.otherSignal > 0)
        metrics.cosine = sums.dot / (std::sqrt(sums.signal) * std::sqrt(sums.otherSignal));
    metrics.mismatched = sums.mismatched;
    metrics.nonFinite = sums.nonFinite;
    if (mode == Mode::Integer) metrics.maxSteps = sums.maxAbs;
    if (mode == Mode::Dequantised && step > 0) metrics.maxSteps = sums.maxAbs / step;
    metrics.dequantised = mode == Mode::Dequantised;
    metrics.pass = sums.mismatched == 0;
    return metrics;
}

TensorMetrics notCompared(std::string note) {
    TensorMetrics metrics;
    metrics.note = std::move(note);
    return metrics;
}

} // namespace

TensorMetrics compareTensors(const Tensor& reference, const Tensor& other,
                             const Tolerance& tolerance) {
    if (!runtime::isNumericType(reference.dtype()) || !runtime::isNumericType(other.dtype()))
        return notCompared("not numeric: " + reference.typeText() + " against " + other.typeText());
    if (reference.elementCount() != other.elementCount())
        return notCompared("different element counts: " + reference.typeText() + " against " +
                           other.typeText());

    Mode mode = Mode::Real;
    if (reference.dtype() == other.dtype() && runtime::isIntegerType(reference.dtype()))
        mode = Mode::Integer;
    else if (reference.dtype() != other.dtype() && (isQuantised(reference) || isQuantised(other)))
        mode = Mode::Dequantised;
    const bool dequantise = mode == Mode::Dequantised;
    const double step = dequantise ? stepOf(reference, other) : 0;
    const auto a = realValues(reference, dequantise);
    const auto b = realValues(other, dequantise);

    std::vector<std::string> notes;
    if (dequantise) notes.push_back("dequantised");
    if (reference.dtype() != other.dtype())
        notes.push_back(std::string(dtypeName(reference.dtype())) + " against " +
                        std::string(dtypeName(other.dtype())));

    const auto referenceShape = withoutUnitDims(reference.shape());
    const auto otherShape = withoutUnitDims(other.shape());
    TensorMetrics best;
    if (referenceShape == otherShape) {
        best = metricsOf(accumulate(a, b, nullptr, mode, step, tolerance), a.size(), mode, step);
    } else {
        const auto permutations = candidatePermutations(referenceShape, otherShape);
        if (permutations.empty())
            return notCompared("shapes differ: " + reference.typeText() + " against " +
                               other.typeText());
        bool found = false;
        std::string chosen;
        for (const auto& permutation : permutations) {
            const auto order = permutedIndices(otherShape, permutation);
            auto metrics =
                metricsOf(accumulate(a, b, &order, mode, step, tolerance), a.size(), mode, step);
            if (!found || metrics.mismatched < best.mismatched ||
                (metrics.mismatched == best.mismatched && metrics.mse < best.mse)) {
                best = metrics;
                chosen = permutationText(permutation);
                found = true;
            }
        }
        notes.push_back("transposed " + chosen);
    }
    for (const auto& note : notes)
        best.note += (best.note.empty() ? "" : ", ") + note;
    return best;
}

} // namespace pteron::diff
