// Turns one verified TOSA basic block (of any schema revision) into the nodes and values of a
// graph. Internal to the TOSA reader: the revisions differ only in the accessors checked below.
#pragma once

#include "core/format_error.hpp"
#include "core/graph.hpp"
#include "parsers/tosa/tosa_attributes.hpp"
#include "parsers/tosa/tosa_constant_values.hpp"
#include "parsers/tosa/tosa_dtypes.hpp"
#include "parsers/tosa/tosa_graph_decoder.hpp"
#include "parsers/tosa/tosa_op_names.hpp"
#include "parsers/tosa/tosa_operand_roles.hpp"

#include <flatbuffers/flatbuffers.h>

#include "parsers/common/read_budget.hpp"

#include <string>
#include <unordered_map>

namespace pteron::tosa {

struct BlockContext {
    const TosaBuffer& buffer;
    ReadBudget& budget;
    TosaSchema schema;
    TosaSchema dtypeSchema; // the schema whose DType numbering the file's tensors use
    const flatbuffers::TypeTable& attributeUnion;
    std::string path; // "regions[0].blocks[1]"
    std::size_t partition = 0;
};

[[noreturn]] void failInBlock(const BlockContext& context, const std::string& where,
                              const std::string& expected);

// A view of a verified [ubyte] vector inside the buffer, never a copy.
ByteView viewOf(const BlockContext& context, const flatbuffers::Vector<std::uint8_t>* bytes);

// Data stored outside the flatbuffer (models over 2 GB): `size` bytes at buffer offset `offset`.
ByteView externalData(const BlockContext& context, std::uint64_t offset, std::uint64_t size,
                      const std::string& where);

// Checks that constant bytes cover every element the shape declares.
void checkConstantSize(const BlockContext& context, const Value& value, const std::string& where);

// Replaces CLAMP's raw min_val/max_val bytes by numbers in the input's element type.
void decodeClampBounds(Attributes& attributes, DType inputType);

std::string stringOr(const flatbuffers::String* text, std::string fallback);

template <typename Tensor>
Value tensorValue(const Tensor& tensor, const BlockContext& context, const std::string& where) {
    Value value;
    value.name = stringOr(tensor.name(), "");
    const auto type = static_cast<std::uint32_t>(tensor.type());
    value.dtype = tosaDType(context.dtypeSchema, type);
    if (value.dtype == DType::Unknown && type != 0) {
        const auto name = tosaDTypeName(context.dtypeSchema, type);
        value.attributes.push_back(
            {"tosa_type", name.empty() ? std::to_string(type) : std::string(name)});
    }
    value.hasShape = !tensor.is_unranked();
    if (const auto* shape = tensor.shape())
        for (const auto dim : *shape) {
            value.shape.push_back(dim);
            if (dim < 0) value.dynamism = ShapeDynamism::DynamicUnbound;
        }
    value.data = viewOf(context, tensor.data());
    if constexpr (requires { tensor.offset(); })
        if (tensor.offset() > 1)
            value.data = externalData(context, tensor.offset(), tensor.size(), where);
    if (!value.data.empty()) {
        value.kind = ValueKind::Constant;
        checkConstantSize(context, value, where);
    }
    if (tensor.variable()) {
        value.attributes.push_back({"variable", true});
        const auto variableName = stringOr(tensor.variable_name(), "");
        if (!variableName.empty()) value.attributes.push_back({"variable_name", variableName});
    }
    return value;
}

template <typename Shape>
Value shapeValue(const Shape& shape, const BlockContext& context, const std::string& where) {
    Value value;
    value.name = stringOr(shape.name(), "");
    value.dtype = DType::Shape;
    value.hasShape = true;
    value.shape = {static_cast<std::int64_t>(shape.rank())};
    value.data = viewOf(context, shape.data());
    if (!value.data.empty()) {
        value.kind = ValueKind::Constant;
        checkConstantSize(context, value, where);
    }
    value.attributes.push_back({"tosa_shape", true});
    return value;
}

// Values of the blocks decoded before, by name: nested regions may read tensors and variables
// declared in an enclosing region, as the TOSA reference model resolves them.
using EnclosingValues = std::unordered_map<std::string, Value>;

class BlockDecoder {
  public:
    BlockDecoder(const BlockContext& context, Graph& graph, const EnclosingValues& enclosing)
        : context_(context), graph_(graph), enclosing_(enclosing) {}

    template <typename Block> void decode(const Block& block) {
        if (const auto* tensors = block.tensors())
            for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i)
                addValue(tensorValue(*tensors->Get(i), context_, at("tensors", i)));
        if constexpr (requires { block.shapes(); })
            if (const auto* shapes = block.shapes())
                for (flatbuffers::uoffset_t i = 0; i < shapes->size(); ++i)
                    addValue(shapeValue(*shapes->Get(i), context_, at("shapes", i)));
        markBoundary(block.inputs(), ValueKind::Input, graph_.inputs, "inputs");
        markBoundary(block.outputs(), ValueKind::Output, graph_.outputs, "outputs");
        if (const auto* operators = block.operators())
            for (flatbuffers::uoffset_t i = 0; i < operators->size(); ++i)
                graph_.nodes.push_back(node(*operators->Get(i), at("operators", i)));
    }

  private:
    using Names = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;

    std::string at(const char* field, std::size_t index) const {
        return context_.path + "." + field + "[" + std::to_string(index) + "]";
    }

    void addValue(Value value) {
        const auto name = value.name;
        const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
        byName_.emplace(name, index); // the first of duplicate names wins
    }

    std::int64_t lookup(const flatbuffers::String* name, const std::string& where) {
        const auto text = stringOr(name, "");
        context_.budget.spendReferences(1, context_.path);
        context_.budget.spendText(text.size(), context_.path);
        if (const auto found = byName_.find(text); found != byName_.end()) return found->second;
        const auto outer = enclosing_.find(text);
        if (outer == enclosing_.end())
            failInBlock(context_, where,
                        "a tensor or shape named \"" + text +
                            "\" in the block or an enclosing region");
        // A copy that shares the outer constant's bytes; the runtime finds variables by name.
        Value copy = outer->second;
        if (copy.kind != ValueKind::Constant) copy.kind = ValueKind::Intermediate;
        copy.attributes.push_back({"declared in", std::string("an enclosing region")});
        addValue(std::move(copy));
        return byName_.at(text);
    }

    void markBoundary(const Names* names, ValueKind kind, std::vector<std::int64_t>& list,
                      const char* field) {
        if (!names) return;
        for (flatbuffers::uoffset_t i = 0; i < names->size(); ++i) {
            const auto index = lookup(names->Get(i), at(field, i));
            auto& value = graph_.values[static_cast<std::size_t>(index)];
            if (value.kind == ValueKind::Intermediate) value.kind = kind;
            list.push_back(index);
        }
    }

    template <typename Operator> Node node(const Operator& op, const std::string& where) {
        Node node;
        const auto number = static_cast<std::uint32_t>(op.op());
        const auto name = tosaOpName(context_.schema, number);
        node.op = name.empty() ? "tosa.op" + std::to_string(number) : "tosa." + std::string(name);
        node.partition = context_.partition;
        if (const auto* inputs = op.inputs())
            for (flatbuffers::uoffset_t i = 0; i < inputs->size(); ++i)
                node.inputs.push_back(
                    {lookup(inputs->Get(i), where + ".inputs[" + std::to_string(i) + "]"),
                     tosaInputRole(name, i)});
        if (const auto* outputs = op.outputs())
            for (flatbuffers::uoffset_t i = 0; i < outputs->size(); ++i) {
                const auto index =
                    lookup(outputs->Get(i), where + ".outputs[" + std::to_string(i) + "]");
                node.outputs.push_back({index, tosaOutputRole(i, outputs->size())});
                if (name == "CONST" || name == "CONST_SHAPE")
                    graph_.values[static_cast<std::size_t>(index)].kind = ValueKind::Constant;
            }
        node.attributes = attributes(op, name);
        if constexpr (requires { op.location(); })
            if (const auto* location = op.location())
                node.location = stringOr(location->text(), "");
        return node;
    }

    template <typename Operator> Attributes attributes(const Operator& op, std::string_view name) {
        const auto tag = static_cast<std::uint8_t>(op.attribute_type());
        const auto* table = static_cast<const flatbuffers::Table*>(op.attribute());
        const auto* type = unionMember(context_.attributeUnion, tag);
        if (!table || !type) return {};
        // Dispatch stays on the op; the table is read as whatever its tag says it is.
        auto decoded = decodeAttributeTable(*table, *type);
        if (name == "CLAMP" && context_.schema != TosaSchema::V0_80 && op.inputs() &&
            op.inputs()->size() > 0)
            decodeClampBounds(
                decoded,
                graph_.values[static_cast<std::size_t>(lookup(op.inputs()->Get(0), "CLAMP input"))]
                    .dtype);
        return decoded;
    }

    const BlockContext& context_;
    Graph& graph_;
    const EnclosingValues& enclosing_;
    std::unordered_map<std::string, std::int64_t> byName_;
};

} // namespace pteron::tosa
