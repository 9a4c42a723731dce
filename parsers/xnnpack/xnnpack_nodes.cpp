#include "parsers/xnnpack/xnnpack_nodes.hpp"

#include <flatbuffers/minireflect.h>

#include <string_view>

namespace pteron {

namespace {

namespace fbx = fb::xnnpack;

// Every node table field is read through the schema's generated type table, so a field added
// to the schema shows up as an attribute (or operand, for *_id fields) without decoder changes.
struct FieldReader {
    const flatbuffers::Table& table;
    const flatbuffers::TypeTable& types;

    std::string_view name(std::size_t field) const { return types.names[field]; }
    flatbuffers::voffset_t slot(std::size_t field) const {
        return flatbuffers::FieldIndexToOffset(static_cast<flatbuffers::voffset_t>(field));
    }
    bool isId(std::size_t field) const {
        const auto text = name(field);
        return text.size() > 3 && text.substr(text.size() - 3) == "_id";
    }
    std::uint32_t id(std::size_t field) const {
        return table.GetField<std::uint32_t>(slot(field), 0);
    }

    template <typename Item, typename Out> std::vector<Out> listOf(std::size_t field) const {
        std::vector<Out> items;
        if (const auto* vector = table.GetPointer<const flatbuffers::Vector<Item>*>(slot(field)))
            items.assign(vector->begin(), vector->end());
        return items;
    }

    AttributeValue value(std::size_t field) const {
        const auto code = types.type_codes[field];
        if (code.is_repeating && code.base_type == flatbuffers::ET_FLOAT)
            return listOf<float, double>(field);
        if (code.is_repeating) return listOf<std::uint32_t, std::int64_t>(field);
        switch (code.base_type) {
        case flatbuffers::ET_FLOAT:
            return static_cast<double>(table.GetField<float>(slot(field), 0));
        case flatbuffers::ET_INT:
            return static_cast<std::int64_t>(table.GetField<std::int32_t>(slot(field), 0));
        default:
            return static_cast<std::int64_t>(table.GetField<std::uint32_t>(slot(field), 0));
        }
    }
};

// "XNNConcatenate3" -> 3 inputs are used; input4/input5 slots of the shared table are ignored.
std::size_t concatInputs(std::string_view op) {
    constexpr std::string_view kConcat = "Concatenate";
    if (op.substr(0, kConcat.size()) != kConcat || op.size() != kConcat.size() + 1) return 0;
    return static_cast<std::size_t>(op.back() - '0');
}

bool unusedConcatInput(std::string_view field, std::size_t inputs) {
    if (inputs == 0 || field.size() != 9 || field.substr(0, 5) != "input") return false;
    const auto number = static_cast<std::size_t>(field[5] - '0');
    return number > inputs;
}

class NodeDecoder {
  public:
    NodeDecoder(const XnnpackContext& context, const XnnpackValueIds& ids)
        : context_(context), ids_(ids) {}

    Node decode(const fbx::XNode& xnode, const std::string& path) const {
        const auto type = xnode.xnode_union_type();
        if (type == fbx::XNodeUnion::NONE || type > fbx::XNodeUnion::MAX)
            context_.fail(path + ".xnode_union_type",
                          "a known node type (1.." +
                              std::to_string(static_cast<int>(fbx::XNodeUnion::MAX)) + "), found " +
                              std::to_string(static_cast<int>(type)));
        const auto* table = static_cast<const flatbuffers::Table*>(xnode.xnode_union());
        if (!table) context_.fail(path + ".xnode_union", "a node table");

        const auto* unionTypes = fbx::XNodeUnionTypeTable();
        const auto member = static_cast<std::size_t>(type);
        const std::string_view unionName = unionTypes->names[member];
        const std::string_view op = unionName.substr(unionName.rfind("XNN", 0) == 0 ? 3 : 0);
        const auto* fields = unionTypes->type_refs[unionTypes->type_codes[member].sequence_ref]();

        Node node;
        node.op = "xnnpack." + std::string(op);
        const FieldReader reader{*table, *fields};
        const auto inputs = concatInputs(op);
        for (std::size_t field = 0; field < fields->num_elems; ++field) {
            const auto fieldName = reader.name(field);
            if (unusedConcatInput(fieldName, inputs)) continue;
            if (reader.isId(field))
                addOperand(reader, field, path + "." + std::string(fieldName), node);
            else
                node.attributes.push_back({std::string(fieldName), reader.value(field)});
        }
        node.attributes.push_back(
            {"debug_handle", static_cast<std::int64_t>(xnode.debug_handle())});
        if (const auto* range = xnode.output_min_max()) {
            node.attributes.push_back({"output_min", static_cast<double>(range->output_min())});
            node.attributes.push_back({"output_max", static_cast<double>(range->output_max())});
        }
        return node;
    }

  private:
    // "filter_id" -> input operand "filter"; "output_index_id" -> output operand "output_index".
    void addOperand(const FieldReader& reader, std::size_t field, const std::string& path,
                    Node& node) const {
        const auto fieldName = reader.name(field);
        Operand operand;
        operand.name = std::string(fieldName.substr(0, fieldName.size() - 3));
        operand.value = ids_.resolve(reader.id(field), context_, path);
        auto& operands = fieldName.rfind("output", 0) == 0 ? node.outputs : node.inputs;
        operands.push_back(std::move(operand));
    }

    const XnnpackContext& context_;
    const XnnpackValueIds& ids_;
};

} // namespace

void decodeXnnpackNodes(const XnnpackContext& context, const XnnpackValueIds& ids,
                        std::size_t partition, Graph& graph) {
    const auto* xnodes = context.graph().xnodes();
    if (!xnodes) return;
    const NodeDecoder decoder(context, ids);
    for (flatbuffers::uoffset_t i = 0; i < xnodes->size(); ++i) {
        Node node = decoder.decode(*xnodes->Get(i), "xnodes[" + std::to_string(i) + "]");
        node.partition = partition;
        graph.nodes.push_back(std::move(node));
    }
}

} // namespace pteron
