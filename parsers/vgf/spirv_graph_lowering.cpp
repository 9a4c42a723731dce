#include "parsers/vgf/spirv_graph_lowering.hpp"

#include "core/format_error.hpp"
#include "parsers/tosa/tosa_operand_roles.hpp"
#include "parsers/vgf/inline_constant_bytes.hpp"
#include "parsers/vgf/spirv_module.hpp"
#include "parsers/vgf/spirv_tensor_types.hpp"
#include "parsers/vgf/tosa_spirv_ops.hpp"
#include "parsers/vgf/vgf_segment_graph.hpp"

#include <algorithm>
#include <unordered_map>

namespace pteron::vgf {
namespace {

using spirv::ConstantKind;
using spirv::TypeKind;

constexpr std::int64_t kMaxAttributeElements = 4096;

class Lowering {
  public:
    Lowering(SegmentGraphBuilder& builder, std::size_t segmentIndex, std::size_t partition)
        : builder_(builder), document_(builder.document()),
          segment_(document_.sequence.segments[segmentIndex]),
          module_(document_.modules[segment_.moduleIndex]),
          partition_(partition), source_{builder.file(), "vgf",
                                         "module " + std::to_string(segment_.moduleIndex) + " '" +
                                             module_.name + "' SPIR-V",
                                         module_.spirvFileOffset},
          spirv_(spirv::Module::parse(module_.spirv, source_)) {}

    bool run() {
        const auto* body = chooseBody();
        if (!body) return false;
        entry_ = entryFor(body->id);
        for (const auto& [id, name] : spirv_.extInstImports)
            if (name.rfind("TOSA.", 0) == 0) tosaSets_.emplace(id, name);
        inputCount_ = 0;
        for (const auto& input : body->inputs)
            addInput(input);
        for (const auto& inst : body->instructions)
            addNode(inst);
        for (const auto& output : body->outputs)
            addOutput(output);
        return true;
    }

  private:
    [[noreturn]] void fail(const std::string& where, const std::string& expected) const {
        throw FormatError(source_.file, source_.format,
                          atOffset(source_.fileOffset, source_.tablePath + " " + where), expected);
    }

    const spirv::GraphBody* chooseBody() const {
        for (const auto& entry : spirv_.graphEntryPoints)
            if (entry.name == module_.entryPoint)
                for (const auto& body : spirv_.graphs)
                    if (body.id == entry.graph) return &body;
        return spirv_.graphs.empty() ? nullptr : &spirv_.graphs.front();
    }

    const spirv::GraphEntryPoint* entryFor(std::uint32_t graph) const {
        for (const auto& entry : spirv_.graphEntryPoints)
            if (entry.graph == graph) return &entry;
        return nullptr;
    }

    std::string idName(std::uint32_t id) const {
        auto name = spirv_.name(id);
        return name.empty() ? "%" + std::to_string(id) : name;
    }

    std::size_t indexOf(std::uint32_t indexId, std::size_t position) const {
        const auto number = spirv_.number(indexId);
        if (!number || number->isFloat || number->integer < 0) return position;
        return static_cast<std::size_t>(number->integer);
    }

    // The resource a graph input or output is bound to: through the interface variable's
    // descriptor set and binding, else by position in the segment's slot list.
    std::optional<std::uint32_t> slotResource(std::size_t interfacePosition,
                                              const std::vector<BindingSlot>& slots,
                                              std::size_t position) const {
        if (entry_ && interfacePosition < entry_->interface.size()) {
            const auto it = spirv_.decorations.find(entry_->interface[interfacePosition]);
            if (it != spirv_.decorations.end() && it->second.binding) {
                const auto set = it->second.descriptorSet.value_or(0);
                for (const auto& descriptorSet : segment_.descriptorSets)
                    if (descriptorSet.setIndex == set)
                        for (const auto& slot : descriptorSet.bindings)
                            if (slot.binding == *it->second.binding) return slot.mrtIndex;
            }
        }
        if (position < slots.size()) return slots[position].mrtIndex;
        return std::nullopt;
    }

    void addInput(const spirv::GraphInput& input) {
        const auto position = indexOf(input.index, inputCount_);
        inputCount_ = std::max(inputCount_, position + 1);
        const auto resource = slotResource(position, segment_.inputs, position);
        if (resource) {
            if (const auto existing = builder_.boundResource(*resource)) {
                values_[input.result] = *existing;
                return;
            }
        }
        Value value;
        value.name = idName(input.result);
        value.kind = ValueKind::Input;
        spirv::describeValue(spirv_, input.type, value);
        if (resource) builder_.describeResource(*resource, value);
        const auto index = static_cast<std::int64_t>(graph().addValue(std::move(value)));
        if (resource) builder_.bindResource(*resource, index);
        values_[input.result] = index;
        graph().inputs.push_back(index);
    }

    void addOutput(const spirv::GraphOutput& output) {
        const auto index = valueOf(output.value, "OpGraphSetOutputARM");
        const auto position = indexOf(output.index, graph().outputs.size());
        const auto resource = slotResource(inputCount_ + position, segment_.outputs, position);
        auto& value = graph().values[static_cast<std::size_t>(index)];
        value.kind = ValueKind::Output;
        if (resource) {
            builder_.describeResource(*resource, value);
            builder_.bindResource(*resource, index);
        }
        graph().outputs.push_back(index);
    }

    // Values of an attribute operand: a scalar, array or inline tensor constant.
    std::optional<std::vector<spirv::Number>> constantValues(std::uint32_t id) const {
        const auto* constant = spirv_.constant(id);
        if (!constant || constant->kind == ConstantKind::Graph) return std::nullopt;
        const auto* type = spirv_.type(constant->type);
        if (!type) return std::nullopt;
        if (type->kind != TypeKind::Tensor) {
            if (const auto number = spirv_.number(id)) return std::vector<spirv::Number>{*number};
            return spirv_.numbers(id);
        }
        auto tensor = spirv::inlineTensor(spirv_, id);
        if (!tensor) return std::nullopt;
        if (!tensor->replicated) return std::move(tensor->values);
        // A replicated (or null) attribute tensor is small: spell out its elements.
        Value shape;
        spirv::describeValue(spirv_, constant->type, shape);
        std::int64_t count = 1;
        for (const auto dim : shape.shape) {
            if (dim < 0 || dim > kMaxAttributeElements) return std::nullopt;
            count *= dim;
            if (count > kMaxAttributeElements) return std::nullopt;
        }
        return std::vector<spirv::Number>(static_cast<std::size_t>(count), tensor->values.front());
    }

    std::optional<AttributeValue> attributeOf(std::string_view op, std::string_view name,
                                              std::uint32_t id) const {
        const auto values = constantValues(id);
        if (!values) return std::nullopt;
        const bool anyFloat =
            std::any_of(values->begin(), values->end(), [](const auto& v) { return v.isFloat; });
        const bool isBool = spirv::dtypeOf(spirv_, spirv_.constant(id)->type) == DType::Bool;
        if (values->size() == 1 && !isListAttribute(name)) {
            const auto& value = values->front();
            if (isBool) return value.integer != 0;
            if (value.isFloat) return value.real;
            if (auto named = tosaEnumOperand(op, name, value.integer)) return *named;
            return value.integer;
        }
        if (anyFloat) {
            std::vector<double> reals;
            for (const auto& v : *values)
                reals.push_back(v.isFloat ? v.real : static_cast<double>(v.integer));
            return reals;
        }
        std::vector<std::int64_t> integers;
        for (const auto& v : *values)
            integers.push_back(v.integer);
        return integers;
    }

    std::int64_t graphConstant(std::uint32_t id, const spirv::Constant& constant) {
        const auto index = constant.graphConstantId;
        if (index >= document_.constants.size())
            fail("OpGraphConstantARM %" + std::to_string(id),
                 "a graph constant id below the " + std::to_string(document_.constants.size()) +
                     " constants of the file, found " + std::to_string(index));
        const auto& data = document_.constants[index];
        Value value;
        value.name =
            spirv_.name(id).empty() ? "constant #" + std::to_string(index) : spirv_.name(id);
        value.kind = ValueKind::Constant;
        spirv::describeValue(spirv_, constant.type, value);
        builder_.describeResource(data.mrtIndex, value);
        value.kind = ValueKind::Constant;
        value.data = data.data;
        value.attributes.push_back({"constant index", static_cast<std::int64_t>(index)});
        if (data.sparsityDimension >= 0)
            value.attributes.push_back({"sparsity dimension", data.sparsityDimension});
        const auto valueIndex = static_cast<std::int64_t>(graph().addValue(std::move(value)));
        builder_.bindResource(data.mrtIndex, valueIndex);
        return valueIndex;
    }

    std::int64_t inlineConstant(std::uint32_t id, const spirv::Constant& constant,
                                const spirv::InlineTensor& tensor) {
        Value value;
        value.name = idName(id);
        value.kind = ValueKind::Constant;
        spirv::describeValue(spirv_, constant.type, value);
        value.attributes.push_back({"storage", std::string("inline SPIR-V constant")});
        if (tensor.replicated) value.attributes.push_back({"replicated", true});
        // The numbers become bytes in the element type, so the constant reads like any other.
        if (const auto elements = staticElementCount(value))
            if (auto bytes = spirv::inlineConstantBytes(value.name, value.dtype, tensor.values,
                                                        tensor.replicated, *elements)) {
                value.data = std::move(*bytes);
                return static_cast<std::int64_t>(graph().addValue(std::move(value)));
            }
        // Element types without a byte layout keep their numbers.
        const bool anyFloat = std::any_of(tensor.values.begin(), tensor.values.end(),
                                          [](const auto& v) { return v.isFloat; });
        if (anyFloat) {
            std::vector<double> reals;
            for (const auto& v : tensor.values)
                reals.push_back(v.isFloat ? v.real : static_cast<double>(v.integer));
            value.scalar = std::move(reals);
        } else {
            std::vector<std::int64_t> integers;
            for (const auto& v : tensor.values)
                integers.push_back(v.integer);
            value.scalar = std::move(integers);
        }
        return static_cast<std::int64_t>(graph().addValue(std::move(value)));
    }

    // Elements of a value whose shape is fully known.
    static std::optional<std::uint64_t> staticElementCount(const Value& value) {
        if (!value.hasShape) return std::nullopt;
        std::uint64_t count = 1;
        for (const auto dim : value.shape) {
            if (dim < 0 || dim > (std::int64_t{1} << 31)) return std::nullopt;
            count *= static_cast<std::uint64_t>(dim);
            if (count > (std::uint64_t{1} << 40)) return std::nullopt;
        }
        return count;
    }

    std::int64_t valueOf(std::uint32_t id, std::string_view user) {
        if (const auto it = values_.find(id); it != values_.end()) return it->second;
        const auto* constant = spirv_.constant(id);
        std::optional<std::int64_t> index;
        if (constant && constant->kind == ConstantKind::Graph)
            index = graphConstant(id, *constant);
        else if (const auto tensor = spirv::inlineTensor(spirv_, id))
            index = inlineConstant(id, *constant, *tensor);
        if (!index)
            fail(std::string(user) + " operand %" + std::to_string(id),
                 "an operand that is a graph input, a constant or an earlier result");
        values_[id] = *index;
        return *index;
    }

    void addNode(const spirv::ExtInst& inst) {
        Node node;
        node.partition = partition_;
        node.namespacePath = segment_.name;
        node.name = spirv_.name(inst.result);
        const TosaInstruction* tosa = nullptr;
        if (const auto set = tosaSets_.find(inst.set); set != tosaSets_.end()) {
            tosa = tosaInstruction(inst.instruction);
            node.op = tosa ? "tosa." + std::string(tosa->op)
                           : "tosa.UNKNOWN_" + std::to_string(inst.instruction);
        } else {
            const auto import = spirv_.extInstImports.find(inst.set);
            node.op =
                "spirv." +
                (import == spirv_.extInstImports.end() ? std::string("unknown") : import->second) +
                "." + std::to_string(inst.instruction);
        }
        const auto opName = tosa ? tosa->op : std::string_view();
        const auto attributes = tosa ? tosa->attributeCount() : 0;
        for (std::size_t k = 0; k < inst.operands.size(); ++k) {
            const auto id = inst.operands[k];
            const auto name = operandName(tosa, k);
            auto attribute = k < attributes ? attributeOf(opName, name, id) : std::nullopt;
            if (attribute) {
                node.attributes.push_back({name, std::move(*attribute)});
                continue;
            }
            // Tensor inputs take the names the TOSA reader gives them, from the same table.
            const auto role = tosa ? tosa::tosaInputRole(opName, node.inputs.size()) : name;
            node.inputs.push_back({valueOf(id, node.op), role});
        }
        Value result;
        result.name = idName(inst.result);
        spirv::describeValue(spirv_, inst.resultType, result);
        const auto index = static_cast<std::int64_t>(graph().addValue(std::move(result)));
        values_[inst.result] = index;
        node.outputs.push_back({index, "output"});
        graph().nodes.push_back(std::move(node));
    }

    // The grammar's name of operand `k`: attributes, and inputs of unknown instructions.
    static std::string operandName(const TosaInstruction* tosa, std::size_t k) {
        const auto count = tosa ? tosa->operandCount() : 0;
        if (count == 0) return "operand " + std::to_string(k);
        if (k < count) return std::string(tosa->operands[k]);
        return std::string(tosa->operands[count - 1]);
    }

    Graph& graph() { return builder_.graph(); }

    SegmentGraphBuilder& builder_;
    const Document& document_;
    const Segment& segment_;
    const Module& module_;
    std::size_t partition_;
    spirv::ModuleSource source_;
    spirv::Module spirv_;
    const spirv::GraphEntryPoint* entry_ = nullptr;
    std::unordered_map<std::uint32_t, std::string> tosaSets_;
    std::unordered_map<std::uint32_t, std::int64_t> values_;
    std::size_t inputCount_ = 0;
};

} // namespace

bool appendSpirvGraph(SegmentGraphBuilder& builder, std::size_t segmentIndex,
                      std::size_t partition) {
    return Lowering(builder, segmentIndex, partition).run();
}

} // namespace pteron::vgf
