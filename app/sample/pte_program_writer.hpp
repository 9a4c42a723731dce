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
        std::uint32_t constant = 0; // data_buffer_idx from addConstant, 0 for none
        bool planned = false;       // memory-planned (allocation_info set)
        std::uint64_t plannedOffset = 0;
    };

    explicit PteProgramWriter(std::string methodName = "forward")
        : method_(std::move(methodName)) {}

    std::int32_t addTensor(const TensorSpec& spec);
    std::int32_t addInt(std::int64_t value);
    std::int32_t addDouble(double value);
    std::int32_t addNull();
    // Constant bytes for the constant segment; returns the data_buffer_idx.
    std::uint32_t addConstant(std::vector<std::uint8_t> bytes);
    // A constant of `size` zero bytes that is never materialised in memory (sparse on disk).
    std::uint32_t addSparseConstant(std::uint64_t size);

    void addKernelCall(const std::string& name, const std::string& overload,
                       std::vector<std::int32_t> args);
    // Returns the delegate index; the payload goes into its own segment.
    std::int32_t addDelegate(std::string id, std::vector<std::uint8_t> payload,
                             std::vector<std::pair<std::string, std::string>> compileSpecs);
    void addDelegateCall(std::int32_t delegate, std::vector<std::int32_t> args);
    void setInputs(std::vector<std::int32_t> inputs) { inputs_ = std::move(inputs); }
    void setOutputs(std::vector<std::int32_t> outputs) { outputs_ = std::move(outputs); }
    void setPlannedBufferSize(std::int64_t size) { plannedBytes_ = size; }

    // Writes the program with an eh00 header (32 bytes) and 128-byte aligned segments.
    void write(const std::string& path) const;

  private:
    struct EValueSpec {
        int kind = 0; // 0 null, 1 int, 2 double, 3 tensor
        std::int64_t intValue = 0;
        double doubleValue = 0;
        TensorSpec tensor;
    };
    struct Call {
        bool delegate = false;
        std::int32_t index = 0;
        std::vector<std::int32_t> args;
    };
    struct Constant {
        std::vector<std::uint8_t> bytes;
        std::uint64_t size = 0;
    };
    struct Delegate {
        std::string id;
        std::vector<std::uint8_t> payload;
        std::vector<std::pair<std::string, std::string>> specs;
    };

    std::int32_t operatorIndex(const std::string& name, const std::string& overload);

    std::string method_;
    std::vector<EValueSpec> values_;
    std::vector<std::pair<std::string, std::string>> operators_;
    std::vector<Call> calls_;
    std::vector<Constant> constants_{Constant{}}; // index 0: placeholder for non-constant tensors
    std::vector<Delegate> delegates_;
    std::vector<std::int32_t> inputs_;
    std::vector<std::int32_t> outputs_;
    std::int64_t plannedBytes_ = 0;
};

} // namespace pteron
