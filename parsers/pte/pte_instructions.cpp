#include "parsers/pte/pte_instructions.hpp"

#include "core/scalar_type.hpp"
#include "executorch_program_generated.h"
#include "parsers/pte/backend_catalog.hpp"
#include "parsers/pte/dtype_arguments.hpp"

#include <algorithm>

namespace pteron {

namespace {

namespace fbp = fb::pte;

class InstructionDecoder {
  public:
    InstructionDecoder(const PteProgram& program, const fbp::ExecutionPlan& plan,
                       const std::vector<DelegateSignature>& delegates, Graph& graph)
        : program_(program), plan_(plan), delegates_(delegates), graph_(graph),
          defined_(graph.values.size(), false), produced_(graph.values.size(), false) {
        for (std::size_t i = 0; i < graph.values.size(); ++i)
            defined_[i] =
                !graph.values[i].data.empty() || (graph.values[i].kind != ValueKind::Intermediate &&
                                                  graph.values[i].kind != ValueKind::Output);
        for (auto input : graph.inputs)
            markDefined(input);
    }

    void decodeChain(const fbp::Chain& chain, const std::string& chainPath,
                     std::size_t chainIndex) {
        if (!chain.instructions()) return;
        for (flatbuffers::uoffset_t i = 0; i < chain.instructions()->size(); ++i) {
            const std::string path = chainPath + ".instructions[" + std::to_string(i) + "]";
            Node node = decode(*chain.instructions()->Get(i), path);
            node.attributes.push_back({"instruction", static_cast<std::int64_t>(i)});
            if (chainIndex > 0)
                node.attributes.push_back({"chain", static_cast<std::int64_t>(chainIndex)});
            if (chain.stacktrace() && i < chain.stacktrace()->size())
                node.location = locationOf(*chain.stacktrace()->Get(i));
            for (const auto& output : node.outputs)
                markProduced(output.value);
            graph_.nodes.push_back(std::move(node));
        }
    }

  private:
    Node decode(const fbp::Instruction& instruction, const std::string& path) {
        // The verifier accepts a union type whose table is absent; every case below reads it.
        if (instruction.instr_args_type() != fbp::InstructionArguments::NONE &&
            !instruction.instr_args())
            program_.fail(path + ".instr_args", "the arguments table its type announces");
        switch (instruction.instr_args_type()) {
        case fbp::InstructionArguments::KernelCall:
            return kernelCall(*instruction.instr_args_as_KernelCall(), path);
        case fbp::InstructionArguments::DelegateCall:
            return delegateCall(*instruction.instr_args_as_DelegateCall(), path);
        case fbp::InstructionArguments::MoveCall: {
            const auto* move = instruction.instr_args_as_MoveCall();
            Node node = runtimeNode("executorch::move");
            node.inputs.push_back({checked(move->move_from(), path + ".move_from"), "from"});
            node.outputs.push_back({checked(move->move_to(), path + ".move_to"), "to"});
            return node;
        }
        case fbp::InstructionArguments::JumpFalseCall: {
            const auto* jump = instruction.instr_args_as_JumpFalseCall();
            Node node = runtimeNode("executorch::jump_false");
            node.inputs.push_back(
                {checked(jump->cond_value_index(), path + ".cond_value_index"), "condition"});
            node.attributes.push_back({"destination_instruction",
                                       static_cast<std::int64_t>(jump->destination_instruction())});
            return node;
        }
        case fbp::InstructionArguments::FreeCall: {
            Node node = runtimeNode("executorch::free");
            node.inputs.push_back({checked(instruction.instr_args_as_FreeCall()->value_index(),
                                           path + ".value_index"),
                                   "value"});
            return node;
        }
        default:
            program_.fail(path,
                          "a known instruction type, found " +
                              std::to_string(static_cast<int>(instruction.instr_args_type())));
        }
    }

    Node runtimeNode(std::string op) {
        Node node;
        node.op = std::move(op);
        node.partition = graph_.hostPartition("portable");
        return node;
    }

    std::int64_t checked(std::int64_t index, const std::string& path) const {
        if (index < 0 || static_cast<std::size_t>(index) >= graph_.values.size())
            program_.fail(path, "a value index below " + std::to_string(graph_.values.size()) +
                                    ", found " + std::to_string(index));
        return index;
    }

    std::vector<std::int64_t> argsOf(const flatbuffers::Vector<std::int32_t>* args,
                                     const std::string& path) const {
        std::vector<std::int64_t> result;
        if (!args) return result;
        for (flatbuffers::uoffset_t i = 0; i < args->size(); ++i)
            result.push_back(checked(args->Get(i), path + ".args[" + std::to_string(i) + "]"));
        return result;
    }

    // Tensor-list values stand for their items; everything else for itself.
    std::vector<std::int64_t> expand(std::int64_t index) const {
        const auto& value = graph_.values[static_cast<std::size_t>(index)];
        if (!findAttribute(value.attributes, "list")) return {index};
        const auto* items = std::get_if<std::vector<std::int64_t>>(&value.scalar);
        return items ? *items : std::vector<std::int64_t>{};
    }

    bool isTensorLike(std::int64_t index) const {
        const auto& value = graph_.values[static_cast<std::size_t>(index)];
        return value.kind != ValueKind::Scalar || findAttribute(value.attributes, "list");
    }

    void addOperand(Node& node, std::int64_t index, const std::string& name) const {
        const auto& value = graph_.values[static_cast<std::size_t>(index)];
        if (value.kind == ValueKind::Absent) {
            node.inputs.push_back({kAbsentValue, name});
            return;
        }
        if (!isTensorLike(index)) {
            node.attributes.push_back({name, value.scalar});
            addSymbolicProducers(node, index, name);
            return;
        }
        const auto items = expand(index);
        if (items.size() == 1 && items[0] == index) {
            node.inputs.push_back({index, name});
            return;
        }
        for (std::size_t i = 0; i < items.size(); ++i)
            node.inputs.push_back(
                {items[i] < 0 ? kAbsentValue : items[i], name + "[" + std::to_string(i) + "]"});
    }

    // A scalar produced by an earlier instruction (aten::sym_size.int) is also an input, so the
    // edge from its producer exists; so are the produced items of an IntList.
    void addSymbolicProducers(Node& node, std::int64_t index, const std::string& name) const {
        if (isProduced(index)) {
            node.inputs.push_back({index, name});
            return;
        }
        const auto& value = graph_.values[static_cast<std::size_t>(index)];
        const auto* items = findAttribute(value.attributes, "item values");
        const auto* indices =
            items ? std::get_if<std::vector<std::int64_t>>(&items->value) : nullptr;
        if (!indices) return;
        for (std::size_t i = 0; i < indices->size(); ++i)
            if (isProduced((*indices)[i]))
                node.inputs.push_back({(*indices)[i], name + "[" + std::to_string(i) + "]"});
    }

    // ScalarType arguments of known kernels print as dtype names ("int8"), keeping the number.
    static void nameScalarTypes(Node& node) {
        for (auto position : scalarTypeArguments(node.op)) {
            const auto name = "arg" + std::to_string(position);
            for (auto& attribute : node.attributes) {
                const auto* number = std::get_if<std::int64_t>(&attribute.value);
                if (attribute.name != name || !number || *number < 0 || *number > 127) continue;
                const auto dtype = dtypeFromScalarType(*number);
                if (dtype != DType::Unknown)
                    attribute.value = EnumValue{std::string(dtypeName(dtype)), *number};
            }
        }
    }

    // Args are the schema arguments then one return slot; out tensors appear in both places,
    // and are shown once, as outputs.
    Node kernelCall(const fbp::KernelCall& call, const std::string& path) {
        Node node;
        node.op = operatorName(call.op_index(), path + ".op_index");
        node.partition = graph_.hostPartition(hostBackendForOperator(node.op));
        const auto args = argsOf(call.args(), path);
        if (args.empty()) return node;
        std::vector<std::int64_t> outputs;
        for (auto item : expand(args.back()))
            if (item >= 0) outputs.push_back(item);
        for (std::size_t i = 0; i + 1 < args.size(); ++i) {
            const auto items = expand(args[i]);
            const bool isOut =
                !items.empty() && std::all_of(items.begin(), items.end(), [&](auto item) {
                    return std::find(outputs.begin(), outputs.end(), item) != outputs.end();
                });
            if (!isOut) addOperand(node, args[i], "arg" + std::to_string(i));
        }
        nameScalarTypes(node);
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            if (!isTensorLike(outputs[i])) {
                node.attributes.push_back(
                    {"returns", graph_.values[static_cast<std::size_t>(outputs[i])].scalar});
            }
            node.outputs.push_back(
                {outputs[i], outputs.size() == 1 ? "out" : "out" + std::to_string(i)});
        }
        return node;
    }

    // Args are the delegate inputs followed by its outputs. The decoded child graph's signature
    // says where they split; without one, the outputs are the trailing args nothing produced yet.
    Node delegateCall(const fbp::DelegateCall& call, const std::string& path) {
        const auto index = call.delegate_index();
        if (index < 0 || static_cast<std::size_t>(index) >= delegates_.size())
            program_.fail(path + ".delegate_index",
                          "an index below " + std::to_string(delegates_.size()));
        const auto& delegate = delegates_[static_cast<std::size_t>(index)];
        Node node;
        node.partition = delegate.partition;
        const auto& partition = graph_.partitions[node.partition];
        node.op = partition.backend;
        node.name = partition.backend + "#" + std::to_string(index);
        node.namespacePath = node.name;
        node.attributes.push_back({"delegate_index", static_cast<std::int64_t>(index)});
        const auto args = argsOf(call.args(), path);
        std::size_t split = args.size();
        if (delegate.inputCount && delegate.outputCount &&
            *delegate.inputCount + *delegate.outputCount == args.size()) {
            split = *delegate.inputCount;
        } else {
            while (split > 0 && !isDefined(args[split - 1]))
                --split;
        }
        for (std::size_t i = 0; i < split; ++i)
            addOperand(node, args[i], "input" + std::to_string(i));
        for (std::size_t i = split; i < args.size(); ++i)
            node.outputs.push_back({args[i], "output" + std::to_string(i - split)});
        return node;
    }

    std::string operatorName(std::int32_t index, const std::string& path) const {
        if (!plan_.operators() || index < 0 ||
            static_cast<std::uint32_t>(index) >= plan_.operators()->size())
            program_.fail(path, "an index into the plan's operators");
        const auto* op = plan_.operators()->Get(static_cast<flatbuffers::uoffset_t>(index));
        std::string name = op->name() ? op->name()->str() : "";
        if (op->overload() && op->overload()->size() > 0) name += "." + op->overload()->str();
        return name;
    }

    static std::string locationOf(const fbp::FrameList& frames) {
        if (!frames.items() || frames.items()->size() == 0) return "";
        const auto* frame = frames.items()->Get(frames.items()->size() - 1);
        std::string text = frame->filename() ? frame->filename()->str() : "";
        text += ":" + std::to_string(frame->lineno());
        if (frame->name()) text += " in " + frame->name()->str();
        return text;
    }

    bool isDefined(std::int64_t index) const {
        for (auto item : expand(index))
            if (item >= 0 && !defined_[static_cast<std::size_t>(item)]) return false;
        return true;
    }

    void markDefined(std::int64_t index) {
        if (index >= 0 && static_cast<std::size_t>(index) < defined_.size())
            defined_[static_cast<std::size_t>(index)] = true;
    }

    void markProduced(std::int64_t index) {
        markDefined(index);
        if (index >= 0 && static_cast<std::size_t>(index) < produced_.size())
            produced_[static_cast<std::size_t>(index)] = true;
    }

    bool isProduced(std::int64_t index) const {
        return index >= 0 && static_cast<std::size_t>(index) < produced_.size() &&
               produced_[static_cast<std::size_t>(index)];
    }

    const PteProgram& program_;
    const fbp::ExecutionPlan& plan_;
    const std::vector<DelegateSignature>& delegates_;
    Graph& graph_;
    std::vector<bool> defined_;
    std::vector<bool> produced_; // outputs of an earlier instruction (symbolic ints among them)
};

} // namespace

void decodePlanInstructions(const PteProgram& program, const fbp::ExecutionPlan& plan,
                            const std::string& planPath,
                            const std::vector<DelegateSignature>& delegates, Graph& graph) {
    if (!plan.chains()) return;
    InstructionDecoder decoder(program, plan, delegates, graph);
    for (flatbuffers::uoffset_t i = 0; i < plan.chains()->size(); ++i)
        decoder.decodeChain(*plan.chains()->Get(i), planPath + ".chains[" + std::to_string(i) + "]",
                            i);
}

} // namespace pteron
