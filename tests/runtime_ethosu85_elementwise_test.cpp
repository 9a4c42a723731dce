// Ethos-U85 ELEMENTWISE operations built from register commands, decoded and executed, against
// rules written out here: TFLite's reference quantised ADD, SUB, MUL and LEAKY_RELU (gemmlowp's
// fixed-point helpers, with the registers set as Vela sets them), and plain integer comparisons,
// shifts and bit operations (TOSA's definitions); one also through the command-stream executor.
#include "core/model.hpp"
#include "runtime/kernels/ethosu/command_stream_executor.hpp"
#include "runtime/kernels/ethosu/npu_operation.hpp"
#include "runtime/kernels/ethosu/u85_elementwise.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor.hpp"
#include "tests/support/u85_command_words.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>

using namespace pteron;
using namespace pteron::runtime;
namespace npu = pteron::runtime::ethosu;

namespace {

// --- TFLite's fixed-point helpers, written out from their definitions ------------------------

// SaturatingRoundingDoublingHighMul: (a * b * 2) / 2^32, halves rounded up.
std::int32_t doublingHighMul(std::int32_t a, std::int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    const std::int64_t ab = std::int64_t{a} * b;
    const std::int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// RoundingDivideByPOT: x / 2^exponent, halves away from zero.
std::int32_t divideByPowerOfTwo(std::int32_t x, int exponent) {
    const std::int64_t mask = (std::int64_t{1} << exponent) - 1;
    const std::int64_t remainder = x & mask;
    const std::int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return static_cast<std::int32_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// MultiplyByQuantizedMultiplier with TFLite's signed exponent (left shift when positive).
std::int32_t multiplyByQuantized(std::int32_t x, std::int32_t multiplier, int exponent) {
    const int left = std::max(exponent, 0), right = std::max(-exponent, 0);
    return divideByPowerOfTwo(doublingHighMul(x * (1 << left), multiplier), right);
}

// QuantizeMultiplier: real = multiplier * 2^(exponent - 31), multiplier in [2^30, 2^31).
struct Quantized {
    std::int32_t multiplier;
    int exponent;
};

Quantized quantize(double real) {
    int exponent = 0;
    const double q = std::frexp(real, &exponent);
    auto fixed = static_cast<std::int64_t>(std::round(q * double(std::int64_t{1} << 31)));
    if (fixed == (std::int64_t{1} << 31)) {
        fixed /= 2;
        ++exponent;
    }
    return {static_cast<std::int32_t>(fixed), exponent};
}

// --- register commands of one elementwise operation -------------------------------------------

using testing::cmd0;
using testing::cmd1;

struct MapSpec {
    std::int64_t height = 1, width = 1, depth = 1;
    unsigned bytes = 1;
    bool isSigned = true;
    std::int64_t zeroPoint = 0;
    unsigned broadcast = 0; // U85 broadcast mode: 1 H, 2 W, 4 C, 8 scalar
    std::uint64_t base = 0;
    unsigned storage = 0; // PRECISION bits 15:14: 0 memory (TILE2X2), 2 chained
};

// A scale register: 31-bit multiplier, shift, double-rounding shift and rounding mode.
struct ScaleSpec {
    std::uint32_t multiplier = 1;
    unsigned shift = 0, doubleRound = 0, rounding = 0;
    std::uint32_t param() const { return shift | doubleRound << 6 | rounding << 13; }
};

constexpr std::uint64_t kIfm2Base = 0x40000, kOfmBase = 0x80000, kMemoryEnd = 0xC0000;

struct ElementwiseCase {
    unsigned mode = 1;
    MapSpec ifm, ifm2, ofm;
    ScaleSpec ifmScale, ifm2Scale, ofmScale;
    std::int32_t scalar = 0; // OP_SCALAR
    std::int64_t activationMin = -32768, activationMax = 32767;
};

unsigned sizeCode(unsigned bytes) {
    return bytes == 1 ? 0 : bytes == 2 ? 1 : 2;
}

void addInputMap(std::vector<std::uint32_t>& words, const MapSpec& map, bool second,
                 std::int64_t depth) {
    const std::uint32_t b = second ? 0x80 : 0;
    words.push_back(cmd0(0x10F + b, 1));
    words.push_back(
        cmd0(0x105 + b, (map.isSigned ? 1 : 0) | sizeCode(map.bytes) << 2 | map.storage << 14));
    words.push_back(cmd0(0x10A + b, map.width - 1));
    words.push_back(cmd0(0x10B + b, map.height - 1));
    words.push_back(cmd0(0x10C + b, map.height - 1));
    words.push_back(cmd0(0x109 + b, map.zeroPoint));
    words.push_back(cmd0(second ? 0x180 : 0x108, map.broadcast));
    // Stored densely: a broadcast axis holds one element.
    const auto bytes = static_cast<std::uint32_t>(map.bytes);
    const auto c = static_cast<std::uint32_t>(map.broadcast & 4 ? 1 : depth);
    const auto w = static_cast<std::uint32_t>(map.broadcast & 2 ? 1 : map.width);
    cmd1(words, 0x000 + b, 0, static_cast<std::uint32_t>(map.base));
    cmd1(words, 0x004 + b, 0, c * bytes);
    cmd1(words, 0x005 + b, 0, c * bytes * w);
    cmd1(words, 0x006 + b, 0, bytes);
}

// The ELEMENTWISE node the decoder makes of the case's register commands.
Node elementwiseNode(const ElementwiseCase& e) {
    std::vector<std::uint32_t> words{cmd0(0x104, e.ifm.depth - 1)};
    addInputMap(words, e.ifm, false, e.ifm.depth);
    addInputMap(words, e.ifm2, true, e.ifm2.depth);
    const auto& o = e.ofm;
    words.insert(words.end(),
                 {cmd0(0x11F, 1),
                  cmd0(0x114, (o.isSigned ? 1 : 0) | sizeCode(o.bytes) << 1 | 1 << 8),
                  cmd0(0x113, o.depth - 1), cmd0(0x111, o.width - 1), cmd0(0x112, o.height - 1),
                  cmd0(0x11A, o.width - 1), cmd0(0x11B, o.height - 1), cmd0(0x11C, o.height - 1),
                  cmd0(0x118, o.zeroPoint), cmd0(0x125, 0), cmd0(0x126, e.activationMin),
                  cmd0(0x127, e.activationMax), cmd0(0x124, 0)});
    const auto bytes = static_cast<std::uint32_t>(o.bytes);
    const auto c = static_cast<std::uint32_t>(o.depth);
    cmd1(words, 0x010, 0, static_cast<std::uint32_t>(kOfmBase));
    cmd1(words, 0x014, 0, c * bytes);
    cmd1(words, 0x015, 0, c * bytes * static_cast<std::uint32_t>(o.width));
    cmd1(words, 0x016, 0, bytes);
    cmd1(words, 0x025, e.ifmScale.param(), e.ifmScale.multiplier);
    cmd1(words, 0x026, e.ifm2Scale.param(), e.ifm2Scale.multiplier);
    cmd1(words, 0x024, e.ofmScale.param(), e.ofmScale.multiplier);
    cmd1(words, 0x027, 0, static_cast<std::uint32_t>(e.scalar));
    words.push_back(cmd0(0x006, e.mode));
    return testing::decodedU85Node(words, "ELEMENTWISE", "elementwise");
}

Graph u85Graph(Node node) {
    Graph graph;
    graph.id = "elementwise";
    graph.kind = "command-stream";
    graph.attributes.push_back({"product", std::string("ethos-u85")});
    graph.attributes.push_back({"macs_per_cycle", std::int64_t{256}});
    graph.nodes.push_back(std::move(node));
    return graph;
}

void writeValues(npu::NpuMemory& memory, std::uint64_t base, unsigned bytes,
                 const std::vector<std::int64_t>& values) {
    auto target = memory.write(1, base, values.size() * bytes);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto raw = static_cast<std::uint64_t>(values[i]);
        std::memcpy(target.data() + i * bytes, &raw, bytes); // little-endian low bytes
    }
}

std::int64_t readValue(std::span<const std::uint8_t> bytes, std::size_t i, unsigned width,
                       bool isSigned) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, bytes.data() + i * width, width);
    const unsigned bits = 8 * width;
    if (bits < 64 && isSigned && (raw >> (bits - 1)) & 1) raw |= ~((std::uint64_t{1} << bits) - 1);
    return static_cast<std::int64_t>(raw);
}

// Runs the case on the raw IFM and IFM2 values (dense NHWC, as their shapes say) and returns
// the raw OFM values.
std::vector<std::int64_t> runCase(const ElementwiseCase& e, const std::vector<std::int64_t>& ifm,
                                  const std::vector<std::int64_t>& ifm2) {
    const auto graph = u85Graph(elementwiseNode(e));
    REQUIRE(npu::unsupportedReason(graph, graph.nodes[0]) == "");
    const auto op = npu::readOperation(graph, graph.nodes[0]);
    npu::NpuMemory memory(std::uint64_t{1} << 22);
    memory.reserve(1, kMemoryEnd);
    writeValues(memory, e.ifm.base, e.ifm.bytes, ifm);
    writeValues(memory, e.ifm2.base, e.ifm2.bytes, ifm2);
    npu::runU85Elementwise(op, memory);
    const auto count = static_cast<std::size_t>(e.ofm.height * e.ofm.width * e.ofm.depth);
    const auto bytes = memory.read(1, kOfmBase, count * e.ofm.bytes);
    std::vector<std::int64_t> out(count);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = readValue(bytes, i, e.ofm.bytes, e.ofm.isSigned);
    return out;
}

// A case over a height x width grid of depth 1: the IFM holds `rows[y]` in row y, IFM2 holds
// `columns[x]` in column x, so every pair meets once.
struct Grid {
    std::vector<std::int64_t> ifm, ifm2;
};

Grid grid(const std::vector<std::int64_t>& rows, const std::vector<std::int64_t>& columns) {
    Grid g;
    for (const auto a : rows)
        for (const auto b : columns) {
            g.ifm.push_back(a);
            g.ifm2.push_back(b);
        }
    return g;
}

std::vector<std::int64_t> range(std::int64_t low, std::int64_t high, std::int64_t step = 1) {
    std::vector<std::int64_t> values;
    for (auto v = low; v <= high; v += step)
        values.push_back(v);
    return values;
}

ElementwiseCase gridCase(unsigned mode, std::int64_t height, std::int64_t width, unsigned bytes) {
    ElementwiseCase e;
    e.mode = mode;
    for (auto* map : {&e.ifm, &e.ifm2, &e.ofm}) {
        map->height = height;
        map->width = width;
        map->bytes = bytes;
    }
    e.ifm2.base = kIfm2Base;
    return e;
}

// Checks every OFM value against `expected(a, b)` of its IFM and IFM2 values.
void checkGrid(const ElementwiseCase& e, const Grid& g,
               const std::function<std::int64_t(std::int64_t, std::int64_t)>& expected) {
    const auto out = runCase(e, g.ifm, g.ifm2);
    REQUIRE(out.size() == g.ifm.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        INFO("a " << g.ifm[i] << " b " << g.ifm2[i]);
        REQUIRE(out[i] == expected(g.ifm[i], g.ifm2[i]));
    }
}

// TFLite's quantised ADD/SUB parameters for input scales s1, s2 and output scale s, and the
// registers Vela writes for them: each input multiplier with the left shift moved into the
// double-rounding field.
struct AddSubQuantisation {
    int leftShift;
    Quantized input1, input2, output;
};

AddSubQuantisation addSubQuantisation(double s1, double s2, double s, int leftShift) {
    const double twiceMax = 2 * std::max(s1, s2);
    return {leftShift, quantize(s1 / twiceMax), quantize(s2 / twiceMax),
            quantize(twiceMax / (double(std::int64_t{1} << leftShift) * s))};
}

ScaleSpec inputRegister(const Quantized& q, int leftShift) {
    return {static_cast<std::uint32_t>(q.multiplier),
            static_cast<unsigned>(31 - q.exponent - leftShift), static_cast<unsigned>(leftShift),
            0};
}

ScaleSpec outputRegister(const Quantized& q) {
    return {static_cast<std::uint32_t>(q.multiplier), static_cast<unsigned>(31 - q.exponent), 0, 0};
}

// TFLite's reference: each input offset, shifted left, rescaled; the sum rescaled to the output.
std::int64_t tfliteAddSub(const AddSubQuantisation& q, std::int64_t a, std::int64_t b,
                          std::int64_t zp1, std::int64_t zp2, std::int64_t zpOut, bool subtract,
                          std::int64_t low, std::int64_t high) {
    const auto shifted1 = static_cast<std::int32_t>((a - zp1) * (std::int64_t{1} << q.leftShift));
    const auto shifted2 = static_cast<std::int32_t>((b - zp2) * (std::int64_t{1} << q.leftShift));
    const auto scaled1 = multiplyByQuantized(shifted1, q.input1.multiplier, q.input1.exponent);
    const auto scaled2 = multiplyByQuantized(shifted2, q.input2.multiplier, q.input2.exponent);
    const auto raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
    const auto out = multiplyByQuantized(raw, q.output.multiplier, q.output.exponent);
    return std::clamp<std::int64_t>(zpOut + out, low, high);
}

constexpr unsigned kMul = 0, kAdd = 1, kSub = 2, kMin = 3, kMax = 4, kLrelu = 5, kAbs = 6, kClz = 7,
                   kShr = 8, kShl = 9, kLsr = 10, kDiv = 11, kCmpEq = 16, kCmpNe = 17, kCmpGe = 18,
                   kCmpGt = 19, kAnd = 33, kOr = 34, kXor = 35, kNot = 36, kAndNot = 42;

} // namespace

TEST_CASE("U85 int8 ADD and SUB with different input scales equal TFLite's reference for every "
          "input pair") {
    const auto q = addSubQuantisation(0.0473, 0.0191, 0.0588, 20);
    for (const auto mode : {kAdd, kSub}) {
        auto e = gridCase(mode, 256, 256, 1);
        e.ifm.zeroPoint = 7;
        e.ifm2.zeroPoint = -12;
        e.ofm.zeroPoint = 3;
        e.ifmScale = inputRegister(q.input1, 20);
        e.ifm2Scale = inputRegister(q.input2, 20);
        e.ofmScale = outputRegister(q.output);
        e.activationMin = -128;
        e.activationMax = 127;
        const auto g = grid(range(-128, 127), range(-128, 127));
        checkGrid(e, g, [&](std::int64_t a, std::int64_t b) {
            return tfliteAddSub(q, a, b, 7, -12, 3, mode == kSub, -128, 127);
        });
    }
}

TEST_CASE("U85 IFM_SCALE with its double-rounding shift equals TFLite's left-shifted input "
          "rescale") {
    // MAX against a scalar below every scaled value, into an int32 OFM with a unit OFM scale:
    // the OFM is the IFM's rescaled value itself.
    for (const unsigned bytes : {1u, 2u}) {
        const int leftShift = bytes == 1 ? 20 : 15;
        const auto input = quantize(0.0191 / (2 * 0.0473));
        auto e = gridCase(kMax, 256, bytes == 1 ? 1 : 256, bytes);
        e.ofm.bytes = 4;
        e.ifm.zeroPoint = bytes == 1 ? -9 : 0;
        e.ifm2.broadcast = 8;
        e.scalar = INT32_MIN;
        e.ifmScale = inputRegister(input, leftShift);
        const auto values = bytes == 1 ? range(-128, 127) : range(-32768, 32767);
        const auto out = runCase(e, values, {});
        std::size_t singleRoundingDiffers = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto x = values[i] - e.ifm.zeroPoint;
            const auto shifted = static_cast<std::int32_t>(x * (std::int64_t{1} << leftShift));
            INFO("x " << x);
            REQUIRE(out[i] == multiplyByQuantized(shifted, input.multiplier, input.exponent));
            // One rounding of x * multiplier / 2^shift would not do.
            const auto shift = 31 - input.exponent - leftShift;
            const auto single = (x * input.multiplier + (std::int64_t{1} << (shift - 1))) >> shift;
            singleRoundingDiffers += single != out[i];
        }
        CHECK(singleRoundingDiffers > 0);
        // IFM_SCALE's NATURAL mode (bit 13) rounds once, halves up, and ignores dbl_rnd.
        e.ifmScale.rounding = 1;
        const auto natural = runCase(e, values, {});
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto x = values[i] - e.ifm.zeroPoint;
            const auto shift = 31 - input.exponent - leftShift;
            REQUIRE(natural[i] ==
                    (x * input.multiplier + (std::int64_t{1} << (shift - 1))) >> shift);
        }
    }
}

TEST_CASE("U85 int16 ADD with left shift 15 equals TFLite's general int16 ADD") {
    const auto q = addSubQuantisation(0.00071, 0.00043, 0.00093, 15);
    const auto values = range(-32768, 32767, 362);
    const auto n = static_cast<std::int64_t>(values.size());
    auto e = gridCase(kAdd, n, n, 2);
    e.ifmScale = inputRegister(q.input1, 15);
    e.ifm2Scale = inputRegister(q.input2, 15);
    e.ofmScale = outputRegister(q.output);
    const auto g = grid(values, std::vector<std::int64_t>(values.rbegin(), values.rend()));
    checkGrid(e, g, [&](std::int64_t a, std::int64_t b) {
        return tfliteAddSub(q, a, b, 0, 0, 0, false, -32768, 32767);
    });
}

TEST_CASE("U85 int8 MUL: unit operand scales, the product rescaled as TFLite's reference MUL") {
    const auto output = quantize(0.031 * 0.047 / 0.052);
    auto e = gridCase(kMul, 256, 256, 1);
    e.ifm.zeroPoint = -5;
    e.ifm2.zeroPoint = 9;
    e.ofm.zeroPoint = -2;
    e.ofmScale = outputRegister(output);
    e.activationMin = -128;
    e.activationMax = 100; // a fused ReLU-like clamp
    checkGrid(e, grid(range(-128, 127), range(-128, 127)), [&](std::int64_t a, std::int64_t b) {
        const auto product = static_cast<std::int32_t>((a + 5) * (b - 9));
        const auto out = multiplyByQuantized(product, output.multiplier, output.exponent);
        return std::clamp<std::int64_t>(out - 2, -128, 100);
    });
}

TEST_CASE("U85 int16 LRELU: IFM_SCALE rescales inputs >= 0, IFM2_SCALE (alpha) those below") {
    const double ifmScale = 0.00052, ofmScale = 0.00061, alpha = 0.2;
    const auto identity = quantize(ifmScale / ofmScale);
    const auto negative = quantize(alpha * ifmScale / ofmScale);
    auto e = gridCase(kLrelu, 256, 256, 2);
    e.ifm.zeroPoint = 0;
    e.ifmScale = outputRegister(identity);
    e.ifm2Scale = outputRegister(negative);
    std::vector<std::int64_t> all = range(-32768, 32767);
    const auto out = runCase(e, all, {});
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto x = static_cast<std::int32_t>(all[i]);
        const auto& q = x >= 0 ? identity : negative;
        INFO("x " << x);
        REQUIRE(out[i] == std::clamp<std::int64_t>(multiplyByQuantized(x, q.multiplier, q.exponent),
                                                   -32768, 32767));
    }
}

TEST_CASE("U85 MIN, MAX and ABS with unit scales are plain integer min, max and abs") {
    const auto rows = range(-128, 127, 3), columns = range(-128, 127, 5);
    for (const auto mode : {kMin, kMax}) {
        auto e = gridCase(mode, static_cast<std::int64_t>(rows.size()),
                          static_cast<std::int64_t>(columns.size()), 1);
        e.ifm.zeroPoint = 4;
        e.ifm2.zeroPoint = -6;
        e.ofm.zeroPoint = 4;
        checkGrid(e, grid(rows, columns), [&](std::int64_t a, std::int64_t b) {
            const auto r = mode == kMin ? std::min(a - 4, b + 6) : std::max(a - 4, b + 6);
            return std::clamp<std::int64_t>(r + 4, -128, 127);
        });
    }
    auto e = gridCase(kAbs, 1, 256, 1);
    const auto out = runCase(e, range(-128, 127), {});
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == std::min<std::int64_t>(std::abs(static_cast<int>(i) - 128), 127));
}

TEST_CASE("U85 broadcasts: IFM2 along W and C, IFM along H, a scalar IFM and a scalar IFM2") {
    // IFM2 broadcast in W and C: one value per row.
    auto e = gridCase(kSub, 4, 5, 1);
    e.ifm.depth = e.ifm2.depth = e.ofm.depth = 3;
    e.ifm2.broadcast = 2 | 4;
    const auto ifm = range(-30, 29); // 4 x 5 x 3
    const std::vector<std::int64_t> rows{-7, 0, 11, 100};
    auto out = runCase(e, ifm, rows);
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == std::clamp<std::int64_t>(ifm[i] - rows[i / 15], -128, 127));

    // IFM broadcast in H: one row of the IFM against every row of IFM2.
    e = gridCase(kSub, 3, 4, 1);
    e.ifm.broadcast = 1;
    const std::vector<std::int64_t> firstRow{1, -2, 3, -4};
    const auto second = range(-6, 5);
    out = runCase(e, firstRow, second);
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == firstRow[i % 4] - second[i]);

    // A scalar IFM (OP_SCALAR) minus a map: the IFM keeps its place as the first operand.
    e = gridCase(kSub, 2, 3, 1);
    e.ifm.broadcast = 8;
    e.ifm.zeroPoint = 2;
    e.scalar = 50;
    const auto map = range(-3, 2);
    out = runCase(e, {}, map);
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == 48 - map[i]);

    // A scalar IFM2: the map minus the scalar, its zero point applied.
    e = gridCase(kSub, 2, 3, 1);
    e.ifm2.broadcast = 8;
    e.ifm2.zeroPoint = -1;
    e.scalar = 4;
    out = runCase(e, map, {});
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == map[i] - 5);
}

TEST_CASE("U85 comparisons answer -1 (true) or 0 after each operand's own scale") {
    const auto values = range(-128, 127, 3);
    const auto n = static_cast<std::int64_t>(values.size());
    const std::pair<unsigned, std::function<bool(std::int64_t, std::int64_t)>> modes[] = {
        {kCmpEq, std::equal_to<>()},
        {kCmpNe, std::not_equal_to<>()},
        {kCmpGe, std::greater_equal<>()},
        {kCmpGt, std::greater<>()}};
    for (const auto& entry : modes) {
        const auto mode = entry.first;
        const auto& compare = entry.second;
        auto e = gridCase(mode, n, n, 1);
        e.ifm.zeroPoint = 3;
        e.ifm2.zeroPoint = -3;
        checkGrid(e, grid(values, values),
                  [&](std::int64_t a, std::int64_t b) { return compare(a - 3, b + 3) ? -1 : 0; });
        // Integer scales, so no rounding enters: 3 * (a - 3) against 2 * (b + 3).
        e.ifmScale = {3, 0, 0, 0};
        e.ifm2Scale = {2, 0, 0, 0};
        checkGrid(e, grid(values, values), [&](std::int64_t a, std::int64_t b) {
            return compare(3 * (a - 3), 2 * (b + 3)) ? -1 : 0;
        });
    }
}

TEST_CASE("U85 bit operations on int8: AND, OR, XOR, AND_NOT and NOT") {
    const auto values = range(-128, 127, 7);
    const auto n = static_cast<std::int64_t>(values.size());
    const std::pair<unsigned, std::function<std::int64_t(std::int64_t, std::int64_t)>> modes[] = {
        {kAnd, [](std::int64_t a, std::int64_t b) { return a & b; }},
        {kOr, [](std::int64_t a, std::int64_t b) { return a | b; }},
        {kXor, [](std::int64_t a, std::int64_t b) { return a ^ b; }},
        {kAndNot, [](std::int64_t a, std::int64_t b) { return a & ~b; }}};
    for (const auto& [mode, rule] : modes)
        checkGrid(gridCase(mode, n, n, 1), grid(values, values), rule);
    const auto out = runCase(gridCase(kNot, 1, 256, 1), range(-128, 127), {});
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == -1 - (static_cast<std::int64_t>(i) - 128));
}

TEST_CASE("U85 shifts and CLZ on int32 follow TOSA's definitions") {
    const std::vector<std::int64_t> numbers{
        0, 1, -1, 5, -5, 0x7FFFFFFF, INT32_MIN, 0x12345678, -0x12345678, 96, -96, 0x40000000};
    const auto amounts = range(0, 31);
    const auto g = grid(numbers, amounts);
    auto e = gridCase(kShl, static_cast<std::int64_t>(numbers.size()), 32, 4);
    checkGrid(e, g, [](std::int64_t a, std::int64_t b) {
        return static_cast<std::int64_t>(
            static_cast<std::int32_t>(static_cast<std::uint32_t>(a) << b));
    });
    e.mode = kLsr;
    checkGrid(e, g, [](std::int64_t a, std::int64_t b) {
        return static_cast<std::int64_t>(
            static_cast<std::int32_t>(static_cast<std::uint32_t>(a) >> b));
    });
    // ASR without rounding (TRUNCATE_TO_LOWER, 5): floor division by 2^b.
    e.mode = kShr;
    e.ofmScale.rounding = 5;
    checkGrid(e, g, [](std::int64_t a, std::int64_t b) {
        return static_cast<std::int64_t>(std::floor(double(a) / std::ldexp(1.0, int(b))));
    });
    // ASR with rounding (NATURAL, 1): TOSA adds the last bit shifted out.
    e.ofmScale.rounding = 1;
    checkGrid(e, g, [](std::int64_t a, std::int64_t b) {
        return b == 0 ? a : (a >> b) + ((a >> (b - 1)) & 1);
    });
    // CLZ: leading zero bits of the 32-bit value.
    auto clz = gridCase(kClz, 1, static_cast<std::int64_t>(numbers.size()), 4);
    const auto out = runCase(clz, numbers, {});
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        auto bits = static_cast<std::uint32_t>(numbers[i]);
        std::int64_t zeros = 0;
        for (std::uint32_t probe = 0x80000000u; probe != 0 && !(bits & probe); probe >>= 1)
            ++zeros;
        REQUIRE(out[i] == zeros);
    }
}

TEST_CASE("U85 elementwise settings the executor lacks are reported, not guessed") {
    const auto reasonOf = [](const ElementwiseCase& e) {
        const auto graph = u85Graph(elementwiseNode(e));
        return npu::unsupportedReason(graph, graph.nodes[0]);
    };
    auto e = gridCase(kDiv, 2, 2, 4);
    CHECK(reasonOf(e).find("DIV") != std::string::npos);
    e = gridCase(kAdd, 2, 2, 1);
    e.ofmScale.rounding = 2; // DOUBLE_ASYMMETRIC
    CHECK(reasonOf(e).find("DOUBLE_ASYMMETRIC") != std::string::npos);
    e = gridCase(kMul, 2, 2, 1);
    e.ifmScale = {3, 1, 0, 0};
    CHECK(reasonOf(e).find("MUL with scaled operands") != std::string::npos);
    e = gridCase(kAnd, 2, 2, 1);
    e.ofmScale = {3, 1, 0, 0};
    CHECK(reasonOf(e).find("AND with operand or OFM scales") != std::string::npos);
    e = gridCase(kCmpGt, 2, 2, 1);
    e.ofmScale = {3, 1, 0, 0};
    CHECK(reasonOf(e).find("CMP_GT with an OFM scale") != std::string::npos);
    e = gridCase(kMul, 2, 2, 4);
    e.ofmScale = {3, 1, 0, 0};
    CHECK(reasonOf(e).find("32-bit") != std::string::npos);
    e.ofmScale = {1, 1, 0, 0};
    CHECK(reasonOf(e).empty());
    e.ifm2.storage = 2; // IFM2 from a chaining buffer
    CHECK(reasonOf(e).find("chaining buffers") != std::string::npos);
}

namespace {

// A one-operation U85 command-stream model: IFM, IFM2 and OFM values placed in region 1 where
// the case's registers address them.
Model streamModel(const ElementwiseCase& e) {
    Graph graph = u85Graph(elementwiseNode(e));
    const auto value = [](std::string name, ValueKind kind, const MapSpec& map,
                          std::uint64_t offset) {
        Value v;
        v.name = std::move(name);
        v.kind = kind;
        v.dtype = map.bytes == 1 ? DType::Int8 : map.bytes == 2 ? DType::Int16 : DType::Int32;
        v.shape = {1, map.height, map.width, map.depth};
        v.hasShape = true;
        v.allocation = Allocation{1, offset};
        return v;
    };
    graph.inputs.push_back(static_cast<std::int64_t>(
        graph.addValue(value("ifm", ValueKind::Input, e.ifm, e.ifm.base))));
    graph.inputs.push_back(static_cast<std::int64_t>(
        graph.addValue(value("ifm2", ValueKind::Input, e.ifm2, e.ifm2.base))));
    graph.outputs.push_back(static_cast<std::int64_t>(
        graph.addValue(value("ofm", ValueKind::Output, e.ofm, kOfmBase))));
    Model model;
    model.graphs.push_back(std::move(graph));
    return model;
}

Tensor int8Tensor(const MapSpec& map, const std::vector<std::int64_t>& values) {
    Tensor tensor(DType::Int8, {1, map.height, map.width, map.depth});
    auto elements = tensor.mutableElements<std::int8_t>();
    REQUIRE(values.size() == elements.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        elements[i] = static_cast<std::int8_t>(values[i]);
    return tensor;
}

} // namespace

TEST_CASE("the command-stream executor runs a U85 ELEMENTWISE and stops at one it lacks") {
    const auto q = addSubQuantisation(0.0473, 0.0191, 0.0588, 20);
    auto e = gridCase(kAdd, 2, 3, 1);
    e.ifm.depth = e.ifm2.depth = e.ofm.depth = 4;
    e.ifm.zeroPoint = 7;
    e.ofm.zeroPoint = 3;
    e.ifmScale = inputRegister(q.input1, 20);
    e.ifm2Scale = inputRegister(q.input2, 20);
    e.ofmScale = outputRegister(q.output);
    e.activationMin = -128;
    e.activationMax = 127;
    const auto a = range(-120, 110, 10), b = range(-110, 120, 10);
    const auto ifm = int8Tensor(e.ifm, a), ifm2 = int8Tensor(e.ifm2, b);
    npu::CommandStreamCall call;
    call.inputs = {&ifm, &ifm2};
    const auto outputs = npu::runCommandStream(streamModel(e), 0, call, nullptr, 0);
    REQUIRE(outputs.size() == 1);
    const auto out = outputs[0].elements<std::int8_t>();
    REQUIRE(out.size() == a.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == tfliteAddSub(q, a[i], b[i], 7, 0, 3, false, -128, 127));

    e.mode = kDiv;
    try {
        npu::runCommandStream(streamModel(e), 0, call, nullptr, 0);
        FAIL("DIV ran");
    } catch (const RuntimeError& error) {
        CHECK(std::string(error.what()).find("DIV") != std::string::npos);
    }
}
