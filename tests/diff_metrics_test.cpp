// Tensor comparison metrics against values worked out by hand on small tensors.
#include "diff/tensor_comparison.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

using namespace pteron;
using diff::compareTensors;
using runtime::Tensor;

namespace {

template <typename T> Tensor tensorOf(DType dtype, runtime::Shape shape, std::vector<T> values) {
    Tensor tensor(dtype, std::move(shape));
    auto elements = tensor.mutableElements<T>();
    REQUIRE(elements.size() == values.size());
    std::copy(values.begin(), values.end(), elements.begin());
    return tensor;
}

Tensor floats(std::vector<float> values) {
    const auto count = static_cast<std::int64_t>(values.size());
    return tensorOf<float>(DType::Float32, {count}, std::move(values));
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

} // namespace

TEST_CASE("float metrics: one element off by one") {
    // a = [1,2,3,4], b = [1,2,3,5]: |a-b| = [0,0,0,1].
    const auto m = compareTensors(floats({1, 2, 3, 4}), floats({1, 2, 3, 5}), {});
    CHECK(m.compared);
    CHECK_FALSE(m.pass);
    CHECK(m.count == 4);
    CHECK(m.maxAbs == 1.0);
    CHECK(m.meanAbs == 0.25);
    CHECK(m.mse == 0.25);
    CHECK(m.mismatched == 1);
    // signal 1+4+9+16 = 30, noise 1: 10 log10 30 = 14.7712 dB.
    REQUIRE(m.snrDb);
    CHECK(*m.snrDb == Approx(14.771212547));
    // a.b = 1+4+9+20 = 34, |a| = sqrt 30, |b| = sqrt 39.
    REQUIRE(m.cosine);
    CHECK(*m.cosine == Approx(34.0 / std::sqrt(30.0 * 39.0)));
    CHECK_FALSE(m.maxSteps);
}

TEST_CASE("float tolerance is atol + rtol * |a|") {
    diff::Tolerance tolerance;
    tolerance.rtol = 1e-3;
    tolerance.atol = 0;
    // 1000 * 1e-3 = 1: a difference of 0.5 passes, 2 does not.
    CHECK(compareTensors(floats({1000}), floats({1000.5f}), tolerance).pass);
    CHECK_FALSE(compareTensors(floats({1000}), floats({1002}), tolerance).pass);
    // Default 1e-5 relative: 1 against 1.000001 passes, 1 against 1.001 fails.
    CHECK(compareTensors(floats({1}), floats({1.000001f}), {}).pass);
    CHECK_FALSE(compareTensors(floats({1}), floats({1.001f}), {}).pass);
}

TEST_CASE("identical tensors have infinite SNR and cosine 1") {
    const auto m = compareTensors(floats({0.5f, -2}), floats({0.5f, -2}), {});
    CHECK(m.pass);
    CHECK(m.maxAbs == 0);
    REQUIRE(m.snrDb);
    CHECK(std::isinf(*m.snrDb));
    CHECK(*m.cosine == 1.0);
}

TEST_CASE("integers of one dtype compare bit-exact, in quantisation steps") {
    const auto a = tensorOf<std::int8_t>(DType::Int8, {3}, {1, -2, 3});
    const auto b = tensorOf<std::int8_t>(DType::Int8, {3}, {1, -2, 5});
    const auto exact = compareTensors(a, b, {});
    CHECK_FALSE(exact.pass);
    CHECK(exact.mismatched == 1);
    REQUIRE(exact.maxSteps);
    CHECK(*exact.maxSteps == 2.0);
    CHECK(exact.maxAbs == 2.0);
    CHECK(exact.meanAbs == Approx(2.0 / 3.0));
    diff::Tolerance two;
    two.steps = 2;
    CHECK(compareTensors(a, b, two).pass);
    two.steps = 1;
    CHECK_FALSE(compareTensors(a, b, two).pass);
}

TEST_CASE("NaN against NaN and equal infinities agree; other non-finite pairs do not") {
    const auto same = compareTensors(floats({kNaN, kInf, 1}), floats({kNaN, kInf, 1}), {});
    CHECK(same.pass);
    CHECK(same.nonFinite == 2);
    CHECK(same.maxAbs == 0);
    CHECK(same.count == 3);

    const auto nan = compareTensors(floats({kNaN, 1}), floats({0, 1}), {});
    CHECK_FALSE(nan.pass);
    CHECK(nan.mismatched == 1);
    CHECK(nan.nonFinite == 1);
    CHECK(nan.maxAbs == 0); // the NaN pair stays out of the sums

    const auto signs = compareTensors(floats({kInf}), floats({-kInf}), {});
    CHECK_FALSE(signs.pass);
    CHECK(signs.mismatched == 1);
}

TEST_CASE("empty tensors of one shape agree") {
    const auto m =
        compareTensors(Tensor(DType::Float32, {0, 3}), Tensor(DType::Float32, {0, 3}), {});
    CHECK(m.compared);
    CHECK(m.pass);
    CHECK(m.count == 0);
    CHECK(m.mse == 0);
}

TEST_CASE("a quantised int8 side against fp32 compares dequantised") {
    // q = [10, -5], scale 0.5, zero point 2: real values (10-2)*0.5 = 4, (-5-2)*0.5 = -3.5.
    auto q = tensorOf<std::int8_t>(DType::Int8, {2}, {10, -5});
    q.quantization.scales = {0.5};
    q.quantization.zeroPoints = {2};
    q.quantization.scheme = "per-tensor";
    const auto near = compareTensors(floats({4, -3}), q, {});
    CHECK(near.compared);
    CHECK(near.dequantised);
    CHECK(near.maxAbs == 0.5);
    REQUIRE(near.maxSteps);
    CHECK(*near.maxSteps == 1.0);
    CHECK(near.pass); // within (0 + 1) steps of 0.5
    const auto far = compareTensors(floats({4, -2.4f}), q, {});
    CHECK_FALSE(far.pass);
    CHECK(far.maxAbs == Approx(1.1));
    CHECK(*far.maxSteps == Approx(2.2));
}

TEST_CASE("dtypes differing without quantisation compare as values") {
    const auto wide = tensorOf<std::int32_t>(DType::Int32, {2}, {3, 4});
    const auto m = compareTensors(floats({3, 4}), wide, {});
    CHECK(m.compared);
    CHECK_FALSE(m.dequantised);
    CHECK(m.pass);
    CHECK(m.note.find("fp32 against int32") != std::string::npos);
}

TEST_CASE("a transposed layout is found and compared element by element") {
    // NCHW [1,2,1,3] holding 0..5 against its NHWC [1,1,3,2] transpose.
    const auto nchw = tensorOf<float>(DType::Float32, {1, 2, 1, 3}, {0, 1, 2, 3, 4, 5});
    const auto nhwc = tensorOf<float>(DType::Float32, {1, 1, 3, 2}, {0, 3, 1, 4, 2, 5});
    const auto m = compareTensors(nchw, nhwc, {});
    CHECK(m.pass);
    CHECK(m.maxAbs == 0);
    CHECK(m.note.find("transposed") != std::string::npos);
    // The same bytes read flat would differ.
    const auto flat = tensorOf<float>(DType::Float32, {1, 3, 2}, {0, 1, 2, 3, 4, 5});
    CHECK_FALSE(compareTensors(nchw, flat, {}).pass);
}

TEST_CASE("size-1 dimensions do not stop a comparison; other shape changes do") {
    const auto a = tensorOf<float>(DType::Float32, {1, 4}, {1, 2, 3, 4});
    const auto b = tensorOf<float>(DType::Float32, {1, 1, 1, 4}, {1, 2, 3, 4});
    CHECK(compareTensors(a, b, {}).pass);
    const auto c = tensorOf<float>(DType::Float32, {5}, {1, 2, 3, 4, 5});
    const auto m = compareTensors(a, c, {});
    CHECK_FALSE(m.compared);
    CHECK_FALSE(m.pass);
    CHECK(m.note.find("element counts") != std::string::npos);
}
