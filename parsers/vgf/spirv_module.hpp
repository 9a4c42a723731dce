// A small SPIR-V reader: the types, constants, names, decorations and ARM graphs of one module.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace pteron::spirv {

inline constexpr std::uint32_t kMagic = 0x07230203;
inline constexpr std::uint32_t kNoId = 0;

enum class TypeKind : std::uint8_t { Void, Bool, Int, Float, Array, Tensor, Pointer, Graph, Other };

struct Type {
    TypeKind kind = TypeKind::Other;
    std::uint32_t width = 0;                    // Int, Float
    std::optional<std::uint32_t> floatEncoding; // Float: BFloat16KHR, Float8E4M3EXT...
    std::uint32_t element = kNoId; // Array, Tensor, Pointer: the element or pointee type
    std::uint32_t length = kNoId;  // Array: id of the length constant
    std::uint32_t rank = kNoId;    // Tensor: id of the rank constant, if given
    std::uint32_t shape = kNoId;   // Tensor: id of the shape constant array, if given
};

enum class ConstantKind : std::uint8_t { Scalar, True, False, Composite, Null, Replicated, Graph };

struct Constant {
    std::uint32_t type = kNoId;
    ConstantKind kind = ConstantKind::Scalar;
    std::vector<std::uint32_t> words;  // Scalar: literal words; Composite/Replicated: part ids
    std::uint32_t graphConstantId = 0; // Graph: the id binding it to external data
};

// A numeric constant value: integers keep their exact value, floats their double value.
struct Number {
    bool isFloat = false;
    std::int64_t integer = 0;
    double real = 0;
};

struct ExtInst {
    std::uint32_t resultType = kNoId;
    std::uint32_t result = kNoId;
    std::uint32_t set = kNoId;
    std::uint32_t instruction = 0;
    std::vector<std::uint32_t> operands;
};

struct GraphInput {
    std::uint32_t type = kNoId;
    std::uint32_t result = kNoId;
    std::uint32_t index = kNoId; // id of the input-index constant
};

struct GraphOutput {
    std::uint32_t value = kNoId;
    std::uint32_t index = kNoId; // id of the output-index constant
};

struct GraphBody {
    std::uint32_t id = kNoId;
    std::uint32_t type = kNoId;
    std::vector<GraphInput> inputs;
    std::vector<ExtInst> instructions;
    std::vector<GraphOutput> outputs;
};

struct GraphEntryPoint {
    std::uint32_t graph = kNoId;
    std::string name;
    std::vector<std::uint32_t> interface; // variable ids: graph inputs, then outputs
};

struct Decorations {
    std::optional<std::uint32_t> binding;
    std::optional<std::uint32_t> descriptorSet;
};

// Where a module sits, so errors name the file and the word that is wrong.
struct ModuleSource {
    std::string file;
    std::string format;
    std::string tablePath;    // "module 0 'graph_partition_0' SPIR-V"
    std::uint64_t fileOffset; // of word 0, when known
};

class Module {
  public:
    // Parses `words`; throws FormatError on a malformed instruction stream.
    static Module parse(std::span<const std::uint32_t> words, const ModuleSource& source);

    std::uint32_t version = 0;
    std::uint32_t bound = 0;
    std::vector<std::string> extensions;
    std::unordered_map<std::uint32_t, std::string> extInstImports;
    std::unordered_map<std::uint32_t, std::string> names;
    std::unordered_map<std::uint32_t, Type> types;
    std::unordered_map<std::uint32_t, Constant> constants;
    std::unordered_map<std::uint32_t, Decorations> decorations;
    std::unordered_map<std::uint32_t, std::uint32_t> variables; // variable id -> pointer type
    std::vector<GraphEntryPoint> graphEntryPoints;
    std::vector<GraphBody> graphs;

    const Type* type(std::uint32_t id) const;
    const Constant* constant(std::uint32_t id) const;
    std::string name(std::uint32_t id) const;
    // The value of a scalar constant (integer, float or bool as 0/1).
    std::optional<Number> number(std::uint32_t id) const;
    // The values of an array constant of scalars (composite, null, or replicated).
    std::optional<std::vector<Number>> numbers(std::uint32_t id) const;
    // The values of a constant as integers; floats are rejected.
    std::optional<std::vector<std::int64_t>> integers(std::uint32_t id) const;
    // Element count of an array type, when its length is a constant.
    std::optional<std::int64_t> arrayLength(const Type& type) const;
};

} // namespace pteron::spirv
