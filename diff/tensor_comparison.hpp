// Compares two tensors that should hold the same numbers: error metrics, and whether the
// difference stays inside a tolerance.
#pragma once

#include "runtime/tensor.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace pteron::diff {

struct Tolerance {
    double rtol = 1e-5; // floats: |a - b| <= atol + rtol * |a|
    double atol = 1e-8;
    std::int64_t steps = 0; // integers: largest allowed difference in quantisation steps
};

struct TensorMetrics {
    bool pass = false;
    std::string note; // why the tensors could not be compared, or how (dequantised, transposed)
    bool compared = false; // false: shapes or types that cannot be set side by side
    std::uint64_t count = 0;
    double maxAbs = 0;
    double meanAbs = 0;
    double mse = 0;
    // 10 log10(sum a^2 / sum (a - b)^2); +inf for identical tensors, nullopt when undefined
    std::optional<double> snrDb;
    std::optional<double> cosine; // nullopt when one side is all zeros and the other is not
    std::uint64_t mismatched = 0; // elements outside the tolerance (non-finite ones included)
    std::uint64_t nonFinite = 0;  // element pairs where either side is NaN or infinite
    // Integer and dequantised comparisons: the largest difference in quantisation steps.
    std::optional<double> maxSteps;
    bool dequantised = false;
};

// `reference` is side A, `other` side B. Integer tensors of the same dtype compare as integers
// (bit-exact unless `tolerance.steps` allows more); a quantised integer side against another
// dtype compares dequantised ((q - zero point) * scale, per tensor); floats compare as doubles.
// Shapes must be equal, or equal once size-1 dimensions are dropped, or a transpose of each
// other (a layout change such as NCHW against NHWC): then the permutation that brings `other`
// closest to `reference` is used and named in the note.
// NaN against NaN and equal infinities agree; other non-finite pairs are mismatches and are
// left out of the error sums, which only count finite pairs.
TensorMetrics compareTensors(const runtime::Tensor& reference, const runtime::Tensor& other,
                             const Tolerance& tolerance);

} // namespace pteron::diff
