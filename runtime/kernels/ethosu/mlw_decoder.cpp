#include "runtime/kernels/ethosu/mlw_decoder.hpp"

#include "runtime/runtime_error.hpp"

#include <array>
#include <string>

namespace pteron::runtime::ethosu {
namespace {

constexpr unsigned kEndOfStream = 7;
constexpr unsigned kZeroRunsOff = 6;
constexpr unsigned kUncompressed = 7;

// Bits are taken least significant first from bytes in address order.
class BitReader {
  public:
    explicit BitReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    unsigned get(unsigned count) {
        if (count > bitsLeft())
            throw RuntimeError("Ethos-U weight stream ends inside a field at bit " +
                               std::to_string(position_) + " of " +
                               std::to_string(bytes_.size() * 8));
        unsigned value = 0;
        for (unsigned i = 0; i < count; ++i, ++position_)
            value |= ((bytes_[position_ >> 3] >> (position_ & 7)) & 1u) << i;
        return value;
    }
    void alignToByte() { position_ = std::min<std::uint64_t>((position_ + 7) & ~7ull, bits()); }
    bool atEnd() const { return position_ / 8 >= bytes_.size(); }

  private:
    std::uint64_t bits() const { return std::uint64_t{bytes_.size()} * 8; }
    std::uint64_t bitsLeft() const { return bits() - position_; }

    std::span<const std::uint8_t> bytes_;
    std::uint64_t position_ = 0;
};

struct Palette {
    std::array<unsigned, 32> entries{};
    unsigned size = 0;
    unsigned bits = 0;
    unsigned directOffset = 0;
    bool zeroRuns = false;
};

// One of the two Golomb-Rice symbol streams of a slice, decoded chunk by chunk: quotients
// arrive in one chunk, their remainders in the next.
struct SymbolStream {
    std::vector<unsigned> values;
    std::size_t count = 0;     // symbols the slice holds
    std::size_t completed = 0; // quotients decoded so far
    std::size_t filled = 0;    // values with their remainder
    unsigned carry = 0;        // quotient of an unfinished symbol
    std::array<unsigned, 12> quotients{}, previous{};
    std::size_t symbols = 0, previousSymbols = 0;
    bool enabled = false, previousEnabled = false;

    void readRemainders(BitReader& reader, unsigned divisor) {
        if (!previousEnabled) return;
        for (std::size_t i = 0; i < previousSymbols && filled < count; ++i, ++filled)
            values[filled] = (previous[i] << divisor) + reader.get(divisor);
    }
    void advance() {
        previousEnabled = enabled;
        previousSymbols = symbols;
        previous = quotients;
    }
};

class MlwDecoder {
  public:
    MlwDecoder(std::span<const std::uint8_t> bytes, std::size_t limit)
        : reader_(bytes), limit_(limit) {}

    std::vector<std::int16_t> run() {
        bool first = true;
        while (out_.size() < limit_) {
            unsigned zeroDivisor = 0;
            bool ended = false;
            while (true) {
                if (reader_.atEnd()) {
                    ended = true;
                    break;
                }
                zeroDivisor = reader_.get(3);
                if (zeroDivisor != kEndOfStream) break;
                reader_.alignToByte();
                first = true;
            }
            if (ended) break;
            slice(zeroDivisor, first);
            first = false;
        }
        if (out_.size() > limit_) out_.resize(limit_);
        return std::move(out_);
    }

  private:
    void slice(unsigned zeroDivisor, bool first) {
        if (zeroDivisor > 3 && zeroDivisor != kZeroRunsOff)
            throw RuntimeError("Ethos-U weight stream: zero-run divisor " +
                               std::to_string(zeroDivisor) + " is not 0 to 3 or 6");
        const bool zeroRuns = zeroDivisor != kZeroRunsOff;
        const std::size_t count = reader_.get(15) + 1;
        unsigned weightDivisor = reader_.get(3);
        const bool truncated = reader_.get(1) != 0;
        const bool newPalette = reader_.get(1) != 0;
        if (first && !newPalette)
            throw RuntimeError("Ethos-U weight stream: a stream's first slice sets no palette");
        if (!newPalette && zeroRuns != palette_.zeroRuns)
            throw RuntimeError("Ethos-U weight stream: zero runs switch without a new palette");
        if (newPalette) readPalette(zeroRuns);
        const bool uncompressed = weightDivisor == kUncompressed;
        if (uncompressed) {
            unsigned bits = 0;
            if (palette_.size > 0)
                while ((1u << bits) < palette_.size)
                    ++bits;
            else
                bits = palette_.bits;
            weightDivisor = bits;
        } else if (weightDivisor > 5) {
            throw RuntimeError("Ethos-U weight stream: weight divisor " +
                               std::to_string(weightDivisor) + " is not 0 to 5 or 7");
        }
        SymbolStream weights, zeros;
        weights.count = count;
        weights.values.assign(count, 0);
        zeros.count = count + (newPalette ? 1 : 0);
        zeros.values.assign(zeros.count, 0);
        const unsigned zeroUnaryBits = zeroDivisor < 3 ? 12 : 8;
        const unsigned slots = uncompressed && weightDivisor > 5 ? 8 : 12;
        do {
            const auto balance = zeroRuns ? static_cast<std::int64_t>(weights.completed) -
                                                static_cast<std::int64_t>(zeros.completed)
                                          : 0;
            weights.enabled = (balance < 8 || !zeroRuns) && weights.completed < weights.count;
            zeros.enabled = balance >= 0 && zeroRuns && zeros.completed < zeros.count;
            unsigned unary0 = 0;
            if (weights.enabled && !uncompressed) unary0 = reader_.get(12);
            if (zeros.enabled) readZeroUnary(zeros, zeroUnaryBits);
            if (weights.enabled) readWeightUnary(weights, unary0, slots, truncated);
            weights.readRemainders(reader_, weightDivisor);
            zeros.readRemainders(reader_, zeroDivisor);
            weights.advance();
            zeros.advance();
        } while (weights.previousEnabled || zeros.previousEnabled);
        emit(weights, zeros, newPalette, zeroRuns);
    }

    void readPalette(bool zeroRuns) {
        palette_.zeroRuns = zeroRuns;
        palette_.directOffset = reader_.get(5);
        palette_.size = reader_.get(5);
        if (palette_.size > 0) ++palette_.size;
        palette_.bits = reader_.get(3) + 2;
        for (unsigned i = 0; i < palette_.size; ++i)
            palette_.entries[i] = reader_.get(palette_.bits);
    }

    // Zero runs: plain unary, each 1 adds to the run, each 0 ends a symbol.
    void readZeroUnary(SymbolStream& zeros, unsigned bits) {
        const unsigned unary = reader_.get(bits);
        zeros.symbols = 0;
        unsigned run = zeros.carry;
        for (unsigned i = 0; i < bits; ++i) {
            if (unary & (1u << i)) {
                ++run;
                continue;
            }
            zeros.quotients[zeros.symbols++] = run;
            run = 0;
        }
        zeros.carry = run;
        zeros.completed += zeros.symbols;
    }

    // Weights: each slot adds 0, 1 or 2 to the quotient; a slot adding less than 2 (or any slot
    // of a truncated code) ends the symbol.
    void readWeightUnary(SymbolStream& weights, unsigned unary0, unsigned slots, bool truncated) {
        unsigned second = 0;
        for (unsigned i = 0; i < slots; ++i)
            second += (unary0 >> i) & 1u;
        unsigned unary1 = reader_.get(second);
        weights.symbols = 0;
        unsigned quotient = weights.carry;
        for (unsigned i = 0; i < slots; ++i) {
            unsigned step = 0;
            if (unary0 & (1u << i)) {
                step = 1 + (unary1 & 1u);
                unary1 >>= 1;
            }
            quotient += step;
            if (step < 2 || truncated) {
                weights.quotients[weights.symbols++] = quotient;
                quotient = 0;
            }
        }
        weights.carry = quotient;
        weights.completed += weights.symbols;
    }

    void emitZeros(std::size_t run) {
        if (run > limit_ - std::min(limit_, out_.size()))
            run = limit_ - std::min(limit_, out_.size());
        out_.insert(out_.end(), run, 0);
    }

    void emit(const SymbolStream& weights, const SymbolStream& zeros, bool newPalette,
              bool zeroRuns) {
        if (newPalette && zeroRuns) emitZeros(zeros.values[0]);
        for (std::size_t i = 0; i < weights.count && out_.size() < limit_; ++i) {
            const unsigned index = weights.values[i];
            if (index >= 512)
                throw RuntimeError("Ethos-U weight stream: weight index " + std::to_string(index) +
                                   " is past 511");
            const unsigned folded = index < palette_.size
                                        ? palette_.entries[index]
                                        : index - palette_.size + palette_.directOffset;
            const auto magnitude = static_cast<std::int16_t>(folded >> 1);
            out_.push_back(folded & 1u ? static_cast<std::int16_t>(-magnitude) : magnitude);
            if (zeroRuns) emitZeros(zeros.values[i + (newPalette ? 1 : 0)]);
        }
    }

    BitReader reader_;
    std::size_t limit_;
    Palette palette_;
    std::vector<std::int16_t> out_;
};

} // namespace

std::vector<std::int16_t> decodeMlw(std::span<const std::uint8_t> bytes, std::size_t limit) {
    return MlwDecoder(bytes, limit).run();
}

} // namespace pteron::runtime::ethosu
