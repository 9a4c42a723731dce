#include "parsers/vgf/spirv_module.hpp"

#include "core/format_error.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace pteron::spirv {
namespace {

// Opcodes read here (SPIR-V unified headers; ARM graph and tensor extensions).
enum Op : std::uint16_t {
    OpName = 5,
    OpExtension = 10,
    OpExtInstImport = 11,
    OpExtInst = 12,
    OpTypeVoid = 19,
    OpTypeBool = 20,
    OpTypeInt = 21,
    OpTypeFloat = 22,
    OpTypeArray = 28,
    OpTypePointer = 32,
    OpConstantTrue = 41,
    OpConstantFalse = 42,
    OpConstant = 43,
    OpConstantComposite = 44,
    OpConstantNull = 46,
    OpVariable = 59,
    OpDecorate = 71,
    OpTypeTensorARM = 4163,
    OpGraphConstantARM = 4181,
    OpGraphEntryPointARM = 4182,
    OpGraphARM = 4183,
    OpGraphInputARM = 4184,
    OpGraphSetOutputARM = 4185,
    OpGraphEndARM = 4186,
    OpTypeGraphARM = 4190,
    OpConstantCompositeReplicatedEXT = 4461,
};

constexpr std::uint32_t kDecorationBinding = 33;
constexpr std::uint32_t kDecorationDescriptorSet = 34;
constexpr std::size_t kHeaderWords = 5;
// Replicated or null array constants expand to at most this many values.
constexpr std::int64_t kMaxExpandedValues = 1 << 16;

Type typeOf(TypeKind kind, std::uint32_t width = 0) {
    Type type;
    type.kind = kind;
    type.width = width;
    return type;
}

class Parser {
  public:
    Parser(std::span<const std::uint32_t> words, const ModuleSource& source)
        : words_(words), source_(source) {}

    Module run() {
        if (words_.size() < kHeaderWords) fail(0, "a SPIR-V header of 5 words");
        if (words_[0] != kMagic) fail(0, "the SPIR-V magic 0x07230203");
        module_.version = words_[1];
        module_.bound = words_[3];
        for (std::size_t at = kHeaderWords; at < words_.size();) {
            const auto count = words_[at] >> 16;
            if (count == 0 || count > words_.size() - at)
                fail(at, "an instruction word count between 1 and the words left");
            at_ = at;
            instruction(static_cast<std::uint16_t>(words_[at] & 0xFFFF),
                        words_.subspan(at + 1, count - 1));
            at += count;
        }
        if (graph_) fail(words_.size(), "OpGraphEndARM closing the last graph");
        return std::move(module_);
    }

  private:
    [[noreturn]] void fail(std::size_t word, const std::string& expected) const {
        throw FormatError(source_.file, source_.format,
                          atOffset(source_.fileOffset + 4 * word,
                                   source_.tablePath + " word " + std::to_string(word)),
                          expected);
    }

    void need(std::span<const std::uint32_t> operands, std::size_t count, const char* what) const {
        if (operands.size() < count)
            fail(at_, std::string(what) + " with at least " + std::to_string(count) + " operands");
    }

    std::string literalString(std::span<const std::uint32_t> words) const {
        std::string text;
        for (const auto word : words) {
            for (int shift = 0; shift < 32; shift += 8) {
                const auto c = static_cast<char>((word >> shift) & 0xFF);
                if (c == '\0') return text;
                text += c;
            }
        }
        return text;
    }

    // Words a literal string occupies, NUL included.
    static std::size_t stringWords(std::span<const std::uint32_t> words) {
        for (std::size_t i = 0; i < words.size(); ++i)
            if ((words[i] >> 24) == 0 || (words[i] & 0xFF) == 0 || ((words[i] >> 8) & 0xFF) == 0 ||
                ((words[i] >> 16) & 0xFF) == 0)
                return i + 1;
        return words.size();
    }

    void addType(std::uint32_t id, Type type) { module_.types[id] = std::move(type); }

    void addConstant(std::span<const std::uint32_t> ops, ConstantKind kind) {
        need(ops, 2, "a constant");
        Constant constant;
        constant.type = ops[0];
        constant.kind = kind;
        constant.words.assign(ops.begin() + 2, ops.end());
        module_.constants[ops[1]] = std::move(constant);
    }

    void instruction(std::uint16_t opcode, std::span<const std::uint32_t> ops) {
        switch (opcode) {
        case OpName:
            need(ops, 1, "OpName");
            module_.names[ops[0]] = literalString(ops.subspan(1));
            return;
        case OpExtension:
            module_.extensions.push_back(literalString(ops));
            return;
        case OpExtInstImport:
            need(ops, 1, "OpExtInstImport");
            module_.extInstImports[ops[0]] = literalString(ops.subspan(1));
            return;
        case OpTypeVoid:
            need(ops, 1, "OpTypeVoid");
            addType(ops[0], typeOf(TypeKind::Void));
            return;
        case OpTypeBool:
            need(ops, 1, "OpTypeBool");
            addType(ops[0], typeOf(TypeKind::Bool));
            return;
        case OpTypeInt:
            need(ops, 3, "OpTypeInt");
            addType(ops[0], typeOf(TypeKind::Int, ops[1]));
            return;
        case OpTypeFloat: {
            need(ops, 2, "OpTypeFloat");
            auto type = typeOf(TypeKind::Float, ops[1]);
            if (ops.size() > 2) type.floatEncoding = ops[2];
            addType(ops[0], type);
            return;
        }
        case OpTypeArray: {
            need(ops, 3, "OpTypeArray");
            auto type = typeOf(TypeKind::Array);
            type.element = ops[1];
            type.length = ops[2];
            addType(ops[0], type);
            return;
        }
        case OpTypePointer: {
            need(ops, 3, "OpTypePointer");
            auto type = typeOf(TypeKind::Pointer);
            type.element = ops[2];
            addType(ops[0], type);
            return;
        }
        case OpTypeTensorARM: {
            need(ops, 2, "OpTypeTensorARM");
            auto type = typeOf(TypeKind::Tensor);
            type.element = ops[1];
            if (ops.size() > 2) type.rank = ops[2];
            if (ops.size() > 3) type.shape = ops[3];
            addType(ops[0], type);
            return;
        }
        case OpTypeGraphARM:
            need(ops, 1, "OpTypeGraphARM");
            addType(ops[0], typeOf(TypeKind::Graph));
            return;
        case OpConstantTrue:
            addConstant(ops, ConstantKind::True);
            return;
        case OpConstantFalse:
            addConstant(ops, ConstantKind::False);
            return;
        case OpConstant:
            addConstant(ops, ConstantKind::Scalar);
            return;
        case OpConstantComposite:
            addConstant(ops, ConstantKind::Composite);
            return;
        case OpConstantNull:
            addConstant(ops, ConstantKind::Null);
            return;
        case OpConstantCompositeReplicatedEXT:
            addConstant(ops, ConstantKind::Replicated);
            return;
        case OpGraphConstantARM: {
            need(ops, 3, "OpGraphConstantARM");
            Constant constant;
            constant.type = ops[0];
            constant.kind = ConstantKind::Graph;
            constant.graphConstantId = ops[2];
            module_.constants[ops[1]] = std::move(constant);
            return;
        }
        case OpVariable:
            need(ops, 3, "OpVariable");
            module_.variables[ops[1]] = ops[0];
            return;
        case OpDecorate:
            need(ops, 2, "OpDecorate");
            if (ops[1] == kDecorationBinding && ops.size() > 2)
                module_.decorations[ops[0]].binding = ops[2];
            if (ops[1] == kDecorationDescriptorSet && ops.size() > 2)
                module_.decorations[ops[0]].descriptorSet = ops[2];
            return;
        case OpGraphEntryPointARM: {
            need(ops, 2, "OpGraphEntryPointARM");
            GraphEntryPoint entry;
            entry.graph = ops[0];
            entry.name = literalString(ops.subspan(1));
            const auto nameWords = stringWords(ops.subspan(1));
            entry.interface.assign(ops.begin() + 1 + static_cast<std::ptrdiff_t>(nameWords),
                                   ops.end());
            module_.graphEntryPoints.push_back(std::move(entry));
            return;
        }
        default:
            graphInstruction(opcode, ops);
            return;
        }
    }

    void graphInstruction(std::uint16_t opcode, std::span<const std::uint32_t> ops) {
        switch (opcode) {
        case OpGraphARM:
            need(ops, 2, "OpGraphARM");
            if (graph_) fail(at_, "OpGraphEndARM before the next OpGraphARM");
            graph_ = GraphBody{ops[1], ops[0], {}, {}, {}};
            return;
        case OpGraphInputARM:
            need(ops, 3, "OpGraphInputARM");
            current("OpGraphInputARM").inputs.push_back({ops[0], ops[1], ops[2]});
            return;
        case OpGraphSetOutputARM:
            need(ops, 2, "OpGraphSetOutputARM");
            current("OpGraphSetOutputARM").outputs.push_back({ops[0], ops[1]});
            return;
        case OpExtInst: {
            need(ops, 4, "OpExtInst");
            if (!graph_) return; // only graph bodies are read; shader functions are not
            ExtInst inst{ops[0], ops[1], ops[2], ops[3], {ops.begin() + 4, ops.end()}};
            graph_->instructions.push_back(std::move(inst));
            return;
        }
        case OpGraphEndARM:
            current("OpGraphEndARM");
            module_.graphs.push_back(std::move(*graph_));
            graph_.reset();
            return;
        default:
            return;
        }
    }

    GraphBody& current(const char* what) {
        if (!graph_) fail(at_, std::string(what) + " inside an OpGraphARM body");
        return *graph_;
    }

    std::span<const std::uint32_t> words_;
    const ModuleSource& source_;
    Module module_;
    std::optional<GraphBody> graph_;
    std::size_t at_ = 0;
};

double halfToDouble(std::uint32_t bits) {
    const auto sign = (bits >> 15) & 1;
    const auto exponent = static_cast<int>((bits >> 10) & 0x1F);
    const auto mantissa = bits & 0x3FF;
    double value = 0;
    if (exponent == 0)
        value = std::ldexp(static_cast<double>(mantissa), -24);
    else if (exponent == 31)
        value = mantissa ? NAN : INFINITY;
    else
        value = std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
    return sign ? -value : value;
}

std::int64_t signExtend(std::uint64_t value, std::uint32_t width) {
    if (width == 0 || width >= 64) return static_cast<std::int64_t>(value);
    const auto mask = (std::uint64_t{1} << width) - 1;
    value &= mask;
    const auto signBit = std::uint64_t{1} << (width - 1);
    return static_cast<std::int64_t>((value ^ signBit)) - static_cast<std::int64_t>(signBit);
}

// Float encodings of OpTypeFloat (SPV_KHR_bfloat16): BFloat16KHR is 0.
constexpr std::uint32_t kEncodingBFloat16 = 0;

std::optional<Number> scalarNumber(const Type& type, std::span<const std::uint32_t> words) {
    if (words.empty()) return std::nullopt;
    const std::uint64_t low = words[0];
    const std::uint64_t high = words.size() > 1 ? words[1] : 0;
    if (type.kind == TypeKind::Int) {
        const auto raw = type.width > 32 ? (low | (high << 32)) : low;
        return Number{false, signExtend(raw, type.width), 0};
    }
    if (type.kind != TypeKind::Float) return std::nullopt;
    Number number{true, 0, 0};
    if (type.width == 16 && type.floatEncoding == kEncodingBFloat16) {
        number.real = std::bit_cast<float>(static_cast<std::uint32_t>(low << 16));
    } else if (type.width == 16) {
        number.real = halfToDouble(static_cast<std::uint32_t>(low));
    } else if (type.width == 32) {
        number.real = std::bit_cast<float>(static_cast<std::uint32_t>(low));
    } else if (type.width == 64) {
        number.real = std::bit_cast<double>(low | (high << 32));
    } else {
        return std::nullopt;
    }
    return number;
}

} // namespace

Module Module::parse(std::span<const std::uint32_t> words, const ModuleSource& source) {
    return Parser(words, source).run();
}

const Type* Module::type(std::uint32_t id) const {
    const auto it = types.find(id);
    return it == types.end() ? nullptr : &it->second;
}

const Constant* Module::constant(std::uint32_t id) const {
    const auto it = constants.find(id);
    return it == constants.end() ? nullptr : &it->second;
}

std::string Module::name(std::uint32_t id) const {
    const auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
}

std::optional<Number> Module::number(std::uint32_t id) const {
    const auto* value = constant(id);
    if (!value) return std::nullopt;
    switch (value->kind) {
    case ConstantKind::True:
        return Number{false, 1, 0};
    case ConstantKind::False:
        return Number{false, 0, 0};
    case ConstantKind::Null:
        return Number{false, 0, 0};
    case ConstantKind::Scalar: {
        const auto* valueType = type(value->type);
        return valueType ? scalarNumber(*valueType, value->words) : std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

std::optional<std::int64_t> Module::arrayLength(const Type& arrayType) const {
    const auto length = number(arrayType.length);
    if (!length || length->isFloat || length->integer < 0 || length->integer > kMaxExpandedValues)
        return std::nullopt;
    return length->integer;
}

std::optional<std::vector<Number>> Module::numbers(std::uint32_t id) const {
    const auto* value = constant(id);
    if (!value) return std::nullopt;
    const auto* valueType = type(value->type);
    if (!valueType || valueType->kind != TypeKind::Array) return std::nullopt;
    std::vector<Number> result;
    if (value->kind == ConstantKind::Composite) {
        for (const auto part : value->words) {
            const auto element = number(part);
            if (!element) return std::nullopt;
            result.push_back(*element);
        }
        return result;
    }
    const auto length = arrayLength(*valueType);
    if (!length) return std::nullopt;
    if (value->kind == ConstantKind::Null)
        return std::vector<Number>(static_cast<std::size_t>(*length), Number{});
    if (value->kind == ConstantKind::Replicated && !value->words.empty()) {
        const auto element = number(value->words[0]);
        if (!element) return std::nullopt;
        return std::vector<Number>(static_cast<std::size_t>(*length), *element);
    }
    return std::nullopt;
}

std::optional<std::vector<std::int64_t>> Module::integers(std::uint32_t id) const {
    const auto values = numbers(id);
    if (!values) return std::nullopt;
    std::vector<std::int64_t> result;
    for (const auto& value : *values) {
        if (value.isFloat) return std::nullopt;
        result.push_back(value.integer);
    }
    return result;
}

} // namespace pteron::spirv
