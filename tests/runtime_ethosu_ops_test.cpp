// Ethos-U NPU operations run one at a time on hand-built registers and memory, each against its
// rule written out here: lookup tables (Vela's placement in the last 2 KiB of the SHRAM, 256-byte
// slots; the 16-bit form's 9-bit index and 7-bit interpolation from Arm's Ethos-U technical
// overview, rounded as TFLite's int16 table lookup), SHR in each rounding mode, LRELU's alpha in
// OFM_SCALE, the shift-only scaling of 32-bit MUL, IFM upscaling, and the strided DMA forms.
#include "runtime/kernels/ethosu/npu_operations.hpp"
#include "runtime/runtime_error.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace pteron::runtime;
using namespace pteron::runtime::ethosu;

namespace {

constexpr std::uint64_t kShramBytes = 16 * 1024; // Ethos-U55-64
constexpr std::uint64_t kLutBase = kShramBytes - 2048;

// A dense NHWC map of `bytes`-byte elements at `base` of `region`.
NpuFeatureMap nhwc(unsigned region, std::uint64_t base, std::int64_t height, std::int64_t width,
                   std::int64_t depth, unsigned bytes = 1, bool isSigned = true) {
    NpuFeatureMap fm;
    fm.present = true;
    fm.region = region;
    fm.elementBytes = bytes;
    fm.isSigned = isSigned;
    fm.bases.fill(base);
    fm.height = fm.height0 = fm.height1 = height;
    fm.width = fm.width0 = width;
    fm.depth = depth;
    fm.strideC = bytes;
    fm.strideX = static_cast<std::uint64_t>(depth) * bytes;
    fm.strideY = fm.strideX * static_cast<std::uint64_t>(width);
    return fm;
}

NpuMemory memoryWithShram() {
    NpuMemory memory(std::uint64_t{1} << 24);
    for (unsigned region = 0; region < NpuMemory::kBasePointers; ++region)
        memory.reserve(region, 4096);
    memory.reserve(NpuMemory::kShram, kShramBytes);
    return memory;
}

template <typename T>
void put(NpuMemory& memory, unsigned region, std::uint64_t at, const std::vector<T>& values) {
    auto bytes = memory.write(region, at, values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
}

template <typename T>
std::vector<T> get(const NpuMemory& memory, unsigned region, std::uint64_t at, std::size_t count) {
    std::vector<T> values(count);
    const auto bytes = memory.read(region, at, count * sizeof(T));
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

// A table brought into SHRAM slot `slot` as the stream does: a DMA from region 0.
template <typename T>
void loadTable(NpuMemory& memory, const std::vector<T>& table, unsigned slot) {
    put(memory, 0, 2048, table);
    NpuOperation dma;
    dma.kind = "DMA";
    dma.dmaSource = NpuRange{0, 2048, table.size() * sizeof(T)};
    dma.dmaDestination =
        NpuRange{NpuMemory::kShram, kLutBase + 256 * slot, table.size() * sizeof(T)};
    runDma(dma, memory);
}

// Vela's LUT form of an activation: an ADD of a scalar zero, OFM scale 1, then the table.
NpuOperation tableAdd(std::int64_t count, unsigned ofmBytes) {
    NpuOperation op;
    op.kind = "ELEMENTWISE";
    op.mode = "ADD";
    op.ifm = nhwc(1, 0, 1, 1, count, ofmBytes == 2 ? 2 : 1);
    op.ifm2.present = true;
    op.ifm2.scalar = 0;
    op.ofm = nhwc(2, 0, 1, 1, count, ofmBytes);
    op.opaMultiplier = op.opbMultiplier = 1;
    op.globalScale = true;
    op.activationMin = -32768;
    op.activationMax = 32767;
    return op;
}

std::int64_t floorShift(std::int64_t value, int shift) {
    const std::int64_t divisor = std::int64_t{1} << shift;
    return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

} // namespace

TEST_CASE("an 8-bit lookup table maps each clipped int8 value to its entry") {
    auto memory = memoryWithShram();
    std::vector<std::int8_t> table(256);
    for (int i = 0; i < 256; ++i)
        table[static_cast<std::size_t>(i)] = static_cast<std::int8_t>((i * 37 + 11) % 256 - 128);
    loadTable(memory, table, 3);
    auto op = tableAdd(256, 1);
    op.activation = "LUT3";
    op.ifm.zeroPoint = 5;
    op.ofm.zeroPoint = 5; // Vela gives the OFM the IFM's quantisation before the table
    std::vector<std::int8_t> in(256);
    for (int i = 0; i < 256; ++i)
        in[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
    put(memory, 1, 0, in);
    runElementwise(op, memory);
    const auto out = get<std::int8_t>(memory, 2, 0, 256);
    for (int i = 0; i < 256; ++i) {
        // x - zp + zp, clipped to int8, indexes the table from -128.
        INFO("input " << i - 128);
        REQUIRE(out[static_cast<std::size_t>(i)] == table[static_cast<std::size_t>(i)]);
    }
    SECTION("the activation clamp bounds the index") {
        op.activationMin = -10;
        op.activationMax = 20;
        runElementwise(op, memory);
        const auto clipped = get<std::int8_t>(memory, 2, 0, 256);
        for (int i = 0; i < 256; ++i) {
            const int index = std::clamp(i - 128, -10, 20) + 128;
            REQUIRE(clipped[static_cast<std::size_t>(i)] == table[static_cast<std::size_t>(index)]);
        }
    }
}

TEST_CASE("a lookup table into a 32-bit OFM indexes the int8-clipped value, as Vela's softmax") {
    auto memory = memoryWithShram();
    std::vector<std::int32_t> table(256);
    for (int i = 0; i < 256; ++i)
        table[static_cast<std::size_t>(i)] = 1000003 * i - 7;
    loadTable(memory, table, 0);
    // SUB of a row maximum (broadcast over channels), + OFM zero point 127, clipped to int8.
    NpuOperation op;
    op.kind = "ELEMENTWISE";
    op.mode = "SUB";
    op.ifm = nhwc(1, 0, 1, 2, 8);
    op.ifm.zeroPoint = -3;
    op.ifm2 = nhwc(1, 64, 1, 2, 1);
    op.ifm2.zeroPoint = -3;
    op.ifm2Broadcast = 4;
    op.ofm = nhwc(2, 0, 1, 2, 8, 4);
    op.ofm.zeroPoint = 127;
    op.opaMultiplier = op.opbMultiplier = 1;
    op.globalScale = true;
    op.activation = "LUT0";
    op.activationClip = 3;
    op.activationMin = -128;
    op.activationMax = 127;
    const std::vector<std::int8_t> in{-128, -100, -50, 0, 50, 100, 120, 127,
                                      -1,   -2,   -3,  4, 5,  6,   7,   8};
    put(memory, 1, 0, in);
    put(memory, 1, 64, std::vector<std::int8_t>{127, 8});
    runElementwise(op, memory);
    const auto out = get<std::int32_t>(memory, 2, 0, 16);
    for (std::size_t i = 0; i < 16; ++i) {
        const int maximum = i < 8 ? 127 : 8;
        const int index = std::clamp(in[i] - maximum + 127, -128, 127) + 128;
        REQUIRE(out[i] == table[static_cast<std::size_t>(index)]);
    }
}

TEST_CASE("a 16-bit lookup table interpolates between 512 base and slope entries") {
    auto memory = memoryWithShram();
    // Entries from a smooth function: base v(i), slope v(i + 1) - v(i), as Vela packs them.
    std::vector<std::int32_t> samples(513);
    for (int i = 0; i <= 512; ++i)
        samples[static_cast<std::size_t>(i)] =
            static_cast<std::int32_t>(std::lround(20000.0 * std::tanh((i - 256) / 64.0)));
    std::vector<std::uint32_t> table(512);
    for (std::size_t i = 0; i < 512; ++i)
        table[i] = static_cast<std::uint32_t>(static_cast<std::uint16_t>(samples[i])) |
                   static_cast<std::uint32_t>(samples[i + 1] - samples[i]) << 16;
    loadTable(memory, table, 0);
    auto op = tableAdd(1024, 2);
    op.activation = "LUT0";
    std::vector<std::int16_t> in(1024);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<std::int16_t>(-32768 + static_cast<int>(i) * 64 + (i % 7));
    memory.reserve(1, 4096);
    put(memory, 1, 0, in);
    memory.reserve(2, 4096);
    runElementwise(op, memory);
    const auto out = get<std::int16_t>(memory, 2, 0, in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const int u = in[i] + 32768;
        const int index = u >> 7, fraction = u & 127;
        const int slope =
            samples[static_cast<std::size_t>(index) + 1] - samples[static_cast<std::size_t>(index)];
        const int expected = samples[static_cast<std::size_t>(index)] +
                             static_cast<int>(floorShift(slope * fraction + 64, 7));
        INFO("input " << in[i]);
        REQUIRE(out[i] == expected);
    }
}

TEST_CASE("the built-in TANH and SIGMOID functions are refused, not guessed") {
    auto memory = memoryWithShram();
    auto op = tableAdd(4, 1);
    op.activation = "TANH";
    CHECK_THROWS_AS(runElementwise(op, memory), RuntimeError);
}

TEST_CASE("SHR shifts 32-bit values right, rounding as the rounding mode says") {
    auto memory = memoryWithShram();
    NpuOperation op;
    op.kind = "ELEMENTWISE";
    op.mode = "SHR";
    const std::vector<std::int32_t> values{7, -7, 8, -8, 12, -12,     2147483647, -2147483647 - 1,
                                           5, -5, 1, -1, 0,  1000001, -1000001,   3};
    const std::vector<std::int32_t> shifts{1, 1, 2, 2, 3, 3, 31, 31, 0, 0, 1, 1, 5, 10, 10, 2};
    const auto n = static_cast<std::int64_t>(values.size());
    op.ifm = nhwc(1, 0, 1, 1, n, 4);
    op.ifm2 = nhwc(1, 256, 1, 1, n, 4);
    op.ofm = nhwc(2, 0, 1, 1, n, 4);
    put(memory, 1, 0, values);
    put(memory, 1, 256, shifts);
    SECTION("NATURAL: half up") {
        op.rounding = "NATURAL";
        runElementwise(op, memory);
        const auto out = get<std::int32_t>(memory, 2, 0, values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int s = shifts[i];
            const std::int64_t want =
                s == 0 ? values[i]
                       : floorShift(std::int64_t{values[i]} + (std::int64_t{1} << (s - 1)), s);
            INFO(values[i] << " >> " << s);
            REQUIRE(out[i] == want);
        }
    }
    SECTION("TRUNCATE: toward zero") {
        op.rounding = "TRUNCATE";
        runElementwise(op, memory);
        const auto out = get<std::int32_t>(memory, 2, 0, values.size());
        for (std::size_t i = 0; i < values.size(); ++i)
            REQUIRE(out[i] == std::int64_t{values[i]} / (std::int64_t{1} << shifts[i]));
    }
    SECTION("into int8 with a zero point and saturation, as the end of Vela's softmax") {
        op.rounding = "NATURAL";
        op.ofm = nhwc(2, 0, 1, 1, n, 1);
        op.ofm.zeroPoint = -128;
        op.activationMin = -128;
        op.activationMax = 127;
        runElementwise(op, memory);
        const auto out = get<std::int8_t>(memory, 2, 0, values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int s = shifts[i];
            const std::int64_t shifted =
                s == 0 ? values[i]
                       : floorShift(std::int64_t{values[i]} + (std::int64_t{1} << (s - 1)), s);
            REQUIRE(out[i] == std::clamp<std::int64_t>(shifted - 128, -128, 127));
        }
    }
}

TEST_CASE("LRELU scales negative inputs by the alpha in OFM_SCALE") {
    auto memory = memoryWithShram();
    NpuOperation op;
    op.kind = "ELEMENTWISE";
    op.mode = "LRELU";
    op.ifm = nhwc(1, 0, 1, 1, 256);
    op.ifm.zeroPoint = 10;
    op.ofm = nhwc(2, 0, 1, 1, 256);
    op.ofm.zeroPoint = 10;
    op.activationMin = -128;
    op.activationMax = 127;
    op.globalScale = true;
    op.rounding = "NATURAL";
    // alpha = 0.2 as Vela's quantise_scale gives it: a Q31 fraction and a shift.
    op.ofmMultiplier = 1717986918;
    op.ofmShift = 33;
    std::vector<std::int8_t> in(256);
    for (int i = 0; i < 256; ++i)
        in[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i - 128);
    put(memory, 1, 0, in);
    runElementwise(op, memory);
    const auto out = get<std::int8_t>(memory, 2, 0, 256);
    for (std::size_t i = 0; i < 256; ++i) {
        const std::int64_t x = in[i] - 10;
        const std::int64_t y =
            x >= 0 ? x : floorShift(x * 1717986918 + (std::int64_t{1} << 32), 33);
        INFO("input " << int(in[i]));
        REQUIRE(out[i] == std::clamp<std::int64_t>(y + 10, -128, 127));
        if (x < 0) REQUIRE(std::abs(static_cast<double>(y) - 0.2 * static_cast<double>(x)) <= 0.5);
    }
}

TEST_CASE("a MUL of 32-bit operands applies only the OFM shift: a doubling high multiply") {
    auto memory = memoryWithShram();
    NpuOperation op;
    op.kind = "ELEMENTWISE";
    op.mode = "MUL";
    const std::vector<std::int32_t> a{1073741824, -1073741824, 2147483647, 123456789,
                                      -987654321, 1,           -1,         0};
    const std::vector<std::int32_t> b{1073741824, 1073741824, 2147483647, -55555555,
                                      -1234567,   1073741824, 1073741824, 5};
    const auto n = static_cast<std::int64_t>(a.size());
    op.ifm = nhwc(1, 0, 1, 1, n, 4);
    op.ifm2 = nhwc(1, 256, 1, 1, n, 4);
    op.ofm = nhwc(2, 0, 1, 1, n, 4);
    op.globalScale = true;
    op.ofmMultiplier = 1073741824; // what Vela writes for a scale of 1/2; the NPU ignores it
    op.ofmShift = 31;
    put(memory, 1, 0, a);
    put(memory, 1, 256, b);
    runElementwise(op, memory);
    const auto out = get<std::int32_t>(memory, 2, 0, a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        // gemmlowp's SaturatingRoundingDoublingHighMul: a * b / 2^31, ties toward +infinity.
        const std::int64_t want =
            floorShift(std::int64_t{a[i]} * b[i] + (std::int64_t{1} << 30), 31);
        INFO(a[i] << " * " << b[i]);
        REQUIRE(out[i] == want);
    }
}

TEST_CASE("IFM upscaling doubles the map by repeating or by inserting zeros") {
    auto memory = memoryWithShram();
    NpuOperation op;
    op.kind = "POOL";
    op.mode = "MAX";
    op.ifm = nhwc(1, 0, 3, 2, 2);
    op.ifm.zeroPoint = 4;
    op.ofm = nhwc(2, 0, 6, 4, 2);
    op.ofm.zeroPoint = 4;
    op.activationMin = -128;
    op.activationMax = 127;
    std::vector<std::int8_t> in(12);
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<std::int8_t>(10 * static_cast<int>(i) - 50);
    put(memory, 1, 0, in);
    const auto at = [&](std::int64_t y, std::int64_t x, std::int64_t c) {
        return in[static_cast<std::size_t>((y * 2 + x) * 2 + c)];
    };
    for (const unsigned mode : {1u, 2u}) {
        op.ifmUpscale = mode;
        runPooling(op, memory);
        const auto out = get<std::int8_t>(memory, 2, 0, 6 * 4 * 2);
        for (std::int64_t y = 0; y < 6; ++y)
            for (std::int64_t x = 0; x < 4; ++x)
                for (std::int64_t c = 0; c < 2; ++c) {
                    const bool sampled = mode == 1 || (y % 2 == 0 && x % 2 == 0);
                    const int want = sampled ? at(y / 2, x / 2, c) : 4; // the zero point
                    INFO("mode " << mode << " at " << y << "," << x << "," << c);
                    REQUIRE(out[static_cast<std::size_t>((y * 4 + x) * 2 + c)] == want);
                }
    }
}

TEST_CASE("strided DMA gathers and scatters rows and planes") {
    auto memory = memoryWithShram();
    std::vector<std::uint8_t> source(1024);
    for (std::size_t i = 0; i < source.size(); ++i)
        source[i] = static_cast<std::uint8_t>(i * 7 + 3);
    put(memory, 0, 0, source);
    NpuOperation dma;
    dma.kind = "DMA";
    dma.dmaSource = NpuRange{0, 16, 5};
    dma.dmaDestination = NpuRange{3, 100, 5};
    dma.dmaSizes = {4, 3};
    dma.dmaSkips = {11, 7};
    SECTION("3-D source into a contiguous destination") {
        dma.dmaSourceMode = 2;
        runDma(dma, memory);
        const auto out = get<std::uint8_t>(memory, 3, 100, 60);
        // Row r of plane p starts at p * ((5 + 11) * 4 + 7) + r * (5 + 11).
        for (std::size_t p = 0; p < 3; ++p)
            for (std::size_t r = 0; r < 4; ++r)
                for (std::size_t i = 0; i < 5; ++i)
                    REQUIRE(out[(p * 4 + r) * 5 + i] == source[16 + p * 71 + r * 16 + i]);
    }
    SECTION("contiguous source into 2-D destination rows") {
        dma.dmaDestinationMode = 1;
        dma.dmaSizes = {6, 0};
        runDma(dma, memory);
        const auto out = get<std::uint8_t>(memory, 3, 100, 6 * 16);
        for (std::size_t r = 0; r < 6; ++r)
            for (std::size_t i = 0; i < 5; ++i)
                REQUIRE(out[r * 16 + i] == source[16 + r * 5 + i]);
    }
    SECTION("a transfer past its region is a RuntimeError") {
        dma.dmaSourceMode = 2;
        dma.dmaSkips = {4000, 0};
        CHECK_THROWS_AS(runDma(dma, memory), RuntimeError);
    }
    SECTION("a table past the SHRAM is a RuntimeError") {
        dma.dmaDestination = NpuRange{NpuMemory::kShram, kShramBytes - 2, 5};
        CHECK_THROWS_AS(runDma(dma, memory), RuntimeError);
    }
}
