// The end of every compute operation: the OFM zero point, the activation clamp and the lookup
// table activations, whose tables the stream DMA'd into the NPU's internal memory.
#include "runtime/kernels/ethosu/npu_operations.hpp"

#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::runtime::ethosu {
namespace {

// The lookup tables sit in the last 2 KiB of the SHRAM, in 256-byte slots (Vela's
// shram_lut_address and lut_index): activation 16 + k reads slot k.
constexpr std::uint64_t kLutBytes = 2048;
constexpr std::uint64_t kLutSlotBytes = 256;

struct ClipRange {
    unsigned bytes = 1;
    bool isSigned = true;
};

// ACTIVATION bits 14:12 (activation_clip_range): 0 the OFM's precision, 2 uint8, 3 int8,
// 5 int16. Vela forces int8 when a LUT writes a 32-bit OFM.
ClipRange clipRangeOf(const NpuOperation& op) {
    switch (op.activationClip) {
    case 0:
        return {op.ofm.elementBytes, op.ofm.isSigned};
    case 2:
        return {1, false};
    case 3:
        return {1, true};
    case 5:
        return {2, true};
    default:
        throw RuntimeError("activation clip range " + std::to_string(op.activationClip) +
                           " is not one the NPU defines");
    }
}

std::int64_t rangeLow(ClipRange range) {
    return range.isSigned ? -(std::int64_t{1} << (8 * range.bytes - 1)) : 0;
}

std::int64_t rangeHigh(ClipRange range) {
    return range.isSigned ? (std::int64_t{1} << (8 * range.bytes - 1)) - 1
                          : (std::int64_t{1} << (8 * range.bytes)) - 1;
}

std::int32_t signExtend(std::uint32_t raw, unsigned bytes, bool isSigned) {
    if (bytes >= 4) return static_cast<std::int32_t>(raw);
    const unsigned bits = 8 * bytes;
    raw &= (std::uint32_t{1} << bits) - 1;
    if (isSigned && (raw >> (bits - 1))) return static_cast<std::int32_t>(raw) - (1 << bits);
    return static_cast<std::int32_t>(raw);
}

} // namespace

// Vela's accelerator configurations: 16 banks of 1 KiB up to 64 MACs, 24 at 128, 48 above and on
// every U65.
std::uint64_t shramBytes(const std::string& product, unsigned macsPerCycle) {
    if (product == "ethos-u65" || macsPerCycle > 128) return 48 * 1024;
    return (macsPerCycle > 64 ? 24 : 16) * 1024;
}

Rounding roundingOf(const NpuOperation& op) {
    // Ethos-U85 names the U55's modes DOUBLE_SYMMETRIC and TRUNCATE_TO_ZERO.
    if (op.rounding == "TRUNCATE" || op.rounding == "TRUNCATE_TO_ZERO") return Rounding::Truncate;
    if (op.rounding == "NATURAL") return Rounding::Natural;
    if (op.rounding == "TFL" || op.rounding == "DOUBLE_SYMMETRIC") return Rounding::Tfl;
    throw RuntimeError("rounding mode " + op.rounding + " is not supported yet");
}

std::optional<unsigned> lookupTableSlot(const NpuOperation& op) {
    if (op.activation == "NONE") return std::nullopt;
    if (op.activation.size() == 4 && op.activation.starts_with("LUT") && op.activation[3] >= '0' &&
        op.activation[3] <= '7')
        return static_cast<unsigned>(op.activation[3] - '0');
    throw RuntimeError("activation " + op.activation +
                       " (the NPU's built-in function) is not supported: its arithmetic is not "
                       "published");
}

OutputStage::OutputStage(const NpuOperation& op, const NpuMemory& memory) {
    const auto slot = lookupTableSlot(op);
    const auto range = clipRangeOf(op);
    outLow_ = op.ofm.minValue();
    outHigh_ = op.ofm.maxValue();
    clipLow_ = rangeLow(range);
    if (range.bytes >= 4) {
        // A 32-bit clip range neither adds the OFM zero point nor clamps to the 16-bit
        // ACTIVATION_MIN/MAX; the result saturates to the OFM type. Vela leaves the zero point
        // of 32-bit intermediates set (its int8 softmax), which the reference results rule out.
        low_ = outLow_;
        high_ = outHigh_;
    } else {
        zeroPoint_ = op.ofm.zeroPoint;
        low_ = std::max(rangeLow(range), op.activationMin);
        high_ = std::min(rangeHigh(range), op.activationMax);
        if (!slot) {
            low_ = std::max(low_, outLow_);
            high_ = std::min(high_, outHigh_);
        }
        if (low_ > high_) high_ = low_;
    }
    if (!slot) return;
    if (range.bytes >= 4) throw RuntimeError("a lookup table cannot index a 32-bit clip range");
    const auto shram = memory.size(NpuMemory::kShram);
    if (shram < kLutBytes) throw RuntimeError("the NPU has no SHRAM for its lookup tables");
    const auto base = shram - kLutBytes + *slot * kLutSlotBytes;
    if (range.bytes == 2 && op.ofm.elementBytes == 2) {
        // 16-bit: 512 words of a 16-bit base (low half) and a 16-bit slope (high half).
        table_ = Table::Interpolated;
        const auto bytes = memory.read(NpuMemory::kShram, base, 512 * 4);
        entries_.resize(512);
        std::memcpy(entries_.data(), bytes.data(), bytes.size());
        return;
    }
    if (range.bytes != 1)
        throw RuntimeError("a lookup table from a 16-bit clip range to a " +
                           std::to_string(8 * op.ofm.elementBytes) +
                           "-bit OFM is not one the U55/U65 has");
    // 8-bit: 256 entries of the OFM's element size, indexed by the clipped value.
    table_ = Table::Direct;
    const auto bytes = memory.read(NpuMemory::kShram, base, 256 * op.ofm.elementBytes);
    entries_.resize(256);
    for (std::size_t i = 0; i < 256; ++i) {
        std::uint32_t raw = 0;
        std::memcpy(&raw, bytes.data() + i * op.ofm.elementBytes, op.ofm.elementBytes);
        entries_[i] = signExtend(raw, op.ofm.elementBytes, op.ofm.isSigned);
    }
}

std::int64_t OutputStage::operator()(std::int64_t scaled) const {
    const auto value = std::clamp(scaled + zeroPoint_, low_, high_);
    switch (table_) {
    case Table::None:
        return value;
    case Table::Direct:
        return entries_[static_cast<std::size_t>(value - clipLow_)];
    case Table::Interpolated: {
        // The high nine bits of the 16-bit value pick the entry, the low seven interpolate
        // (Ethos-U technical overview); rounding half up as TFLite's int16 table lookup.
        const auto offset = static_cast<std::uint32_t>(value + 32768);
        const auto entry = static_cast<std::uint32_t>(entries_[offset >> 7]);
        const auto base = static_cast<std::int16_t>(entry & 0xFFFF);
        const auto slope = static_cast<std::int16_t>(entry >> 16);
        const std::int64_t delta = (std::int64_t{slope} * (offset & 0x7F) + 64) >> 7;
        return std::clamp(base + delta, outLow_, outHigh_);
    }
    }
    return value;
}

} // namespace pteron::runtime::ethosu
