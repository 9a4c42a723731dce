// Writes ExecuTorch programs with the project's own flatbuffer builders: samples, tests,
// benchmarks.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pteron {

// ScalarType numbers as the .pte schema defines them.
enum class PteScalarType : std::int8_t {
    Byte = 0,
    Char = 1,
    Int = 3,
    Long = 4,
    Float = 6,
    Bool = 11
};

class PteProgramWriter {
  public:
    struct TensorSpec {
        PteScalarType type = PteScalarType::Float;
        std::vector<std::int32_t> sizes;
        // data_buffer_idx: from addConstant, or from addMutableData for a planned tensor; 0: none
        std::uint32_t constant = 0;
        bool planned = false; // memory-planned (allocation_info set)
        std::uint64_t plannedOffset = 0;
    };

    // Where constants go: the constant segment (current writers) or the legacy inline
    // Program.constant_buffer.
    enum class ConstantStorage : std::uint8_t { Segment, InlineBuffer };

    explicit PteProgramWriter(std::string methodName = "forward")
        : method_(std::move(methodName)) {}

    std::int32_t addTensor(const TensorSpec& spec);
    // A constant kept outside the program (EXTERNAL), found by `key` in named_data or a .ptd.
    std::int32_t addExternalTensor(const TensorSpec& spec, std::string key);
    std::int32_t addInt(std::int64_t value);
    std::int32_t addBool(bool value);
    std::int32_t addDouble(double value);
    std::int32_t addNull();
    // An IntList whose items are the value indices of Int values (boxed, as symbolic sizes are).
    std::int32_t addIntList(std::vector<std::int32_t> intValues);
    // Constant bytes for the constant store; returns the data_buffer_idx.
    std::uint32_t addConstant(std::vector<std::uint8_t> bytes);
    // A constant of `size` zero bytes that is never materialised in memory (sparse on disk).
    std::uint32_t addSparseConstant(std::uint64_t size);
    // Initial bytes of a mutable (planned) tensor in mutable_data_segments[0]; data_buffer_idx.
    std::uint32_t addMutableData(std::vector<std::uint8_t> bytes);
    // A Program.named_data entry whose bytes get a segment of their own.
    void addNamedData(std::string key, std::vector<std::uint8_t> bytes);

    void addKernelCall(const std::string& name, const std::string& overload,
                       std::vector<std::int32_t> args);
    // Returns the delegate index; the payload goes into its own segment.
    std::int32_t addDelegate(std::string id, std::vector<std::uint8_t> payload,
                             std::vector<std::pair<std::string, std::string>> compileSpecs);
    void addDelegateCall(std::int32_t delegate, std::vector<std::int32_t> args);
    void addMoveCall(std::int32_t from, std::int32_t to);
    void addJumpFalseCall(std::int32_t condition, std::int32_t destinationInstruction);
    void addFreeCall(std::int32_t value);
    void setInputs(std::vector<std::int32_t> inputs) { inputs_ = std::move(inputs); }
    void setOutputs(std::vector<std::int32_t> outputs) { outputs_ = std::move(outputs); }
    void setPlannedBufferSize(std::int64_t size) { plannedBytes_ = size; }
    void setConstantStorage(ConstantStorage storage) { constantStorage_ = storage; }
    // 32 (current writers, with segment_data_size) or 24 (older writers).
    void setExtendedHeaderLength(std::uint32_t length) { headerLength_ = length; }

    // Writes the program with an eh00 header and 128-byte aligned segments.
    void write(const std::string& path) const;

  private:
    enum class Kind : std::uint8_t { Null, Int, Bool, Double, Tensor, IntList };
    struct EValueSpec {
        Kind kind = Kind::Null;
        std::int64_t intValue = 0;
        double doubleValue = 0;
        TensorSpec tensor;
        std::vector<std::int64_t> items;
        std::string externalKey;
    };
    enum class CallKind : std::uint8_t { Kernel, Delegate, Move, JumpFalse, Free };
    struct Call {
        CallKind kind = CallKind::Kernel;
        std::int32_t index = 0;
        std::vector<std::int32_t> args;
    };
    struct Blob {
        std::vector<std::uint8_t> bytes;
        std::uint64_t size = 0;
    };
    struct Delegate {
        std::string id;
        std::vector<std::uint8_t> payload;
        std::vector<std::pair<std::string, std::string>> specs;
    };
    struct Segment {
        std::uint64_t offset = 0;
        std::uint64_t size = 0;
    };
    struct SegmentPlan;

    std::int32_t addValue(EValueSpec value);
    std::int32_t operatorIndex(const std::string& name, const std::string& overload);
    SegmentPlan planSegments() const;

    std::string method_;
    std::vector<EValueSpec> values_;
    std::vector<std::pair<std::string, std::string>> operators_;
    std::vector<Call> calls_;
    std::vector<Blob> constants_{Blob{}};   // index 0: placeholder for non-constant tensors
    std::vector<Blob> mutableData_{Blob{}}; // index 0: placeholder, as for constants
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> namedData_;
    std::vector<Delegate> delegates_;
    std::vector<std::int32_t> inputs_;
    std::vector<std::int32_t> outputs_;
    std::int64_t plannedBytes_ = 0;
    ConstantStorage constantStorage_ = ConstantStorage::Segment;
    std::uint32_t headerLength_ = 32;
};

} // namespace pteron
