#include "parsers/tosa/tosa_graph_decoder.hpp"

#include "parsers/tosa/tosa_block_decoder.hpp"

#include "tosa_v0_80_generated.h"
#include "tosa_v1_0_generated.h"
#include "tosa_v1_1_generated.h"

#include <array>

namespace pteron::tosa {

namespace {

// A graph made from one basic block, remembered for resolving branch names.
struct PlacedBlock {
    std::string region;
    std::string block;
    std::size_t graph = 0;
    bool regionEntry = false; // the region's first block, which stands for the region
};

constexpr std::array kBranchAttributes{"then_graph",  "else_graph",  "cond_graph",  "body_graph",
                                       "then_branch", "else_branch", "cond_branch", "body_branch"};

std::string uniqueId(const Model& model, std::string id) {
    if (!model.findGraph(id)) return id;
    for (std::size_t n = 2;; ++n) {
        auto candidate = id + "#" + std::to_string(n);
        if (!model.findGraph(candidate)) return candidate;
    }
}

bool isAncestor(const Model& model, std::size_t candidate, std::size_t graph) {
    // Parent chains are acyclic because links below only attach parentless graphs.
    for (std::optional<std::size_t> at = graph; at; at = model.graphs[*at].parent)
        if (*at == candidate) return true;
    return false;
}

class RegionDecoder {
  public:
    RegionDecoder(const TosaBuffer& buffer, const TosaGraphPlacement& placement, TosaSchema schema,
                  TosaSchema dtypeSchema, const flatbuffers::TypeTable& attributeUnion,
                  Model& model)
        : buffer_(buffer), placement_(placement), schema_(schema), dtypeSchema_(dtypeSchema),
          union_(attributeUnion), model_(model),
          budget_(buffer.bytes.size(), buffer.source.file, buffer.source.format) {}

    template <typename Root> std::size_t decode(const Root& root) {
        const auto* regions = root.regions();
        if (!regions || regions->size() == 0)
            fail("TosaGraph.regions", "a TOSA graph with at least one region");
        for (flatbuffers::uoffset_t r = 0; r < regions->size(); ++r)
            decodeRegion(*regions->Get(r), r);
        link();
        return placed_.front().graph;
    }

  private:
    [[noreturn]] void fail(const std::string& where, const std::string& expected) const {
        const auto& source = buffer_.source;
        const auto path = source.tablePath.empty() ? where : source.tablePath + ": " + where;
        throw FormatError(source.file, source.format, atOffset(source.fileOffset, path), expected);
    }

    Graph emptyGraph(std::string id, std::string kind) const {
        Graph graph;
        graph.id = uniqueId(model_, std::move(id));
        graph.kind = std::move(kind);
        graph.partitions.push_back(placement_.partition);
        return graph;
    }

    template <typename Region> void decodeRegion(const Region& region, std::size_t r) {
        const auto regionName = stringOr(region.name(), "");
        const auto shownName = regionName.empty() ? "region" + std::to_string(r) : regionName;
        const auto regionId = r == 0 && !placement_.rootId.empty()
                                  ? placement_.rootId
                                  : placement_.idPrefix + shownName;
        const auto* blocks = region.blocks();
        const std::size_t count = blocks ? blocks->size() : 0;
        std::optional<std::size_t> regionGraph;
        for (std::size_t b = 0; b < std::max<std::size_t>(count, 1); ++b) {
            const auto* block =
                b < count ? blocks->Get(static_cast<flatbuffers::uoffset_t>(b)) : nullptr;
            const auto blockName = block ? stringOr(block->name(), "") : std::string();
            const auto shownBlock = blockName.empty() ? "block" + std::to_string(b) : blockName;
            auto graph = emptyGraph(b == 0 ? regionId : regionId + "/" + shownBlock,
                                    b == 0 ? "region" : "block");
            graph.name = b == 0 ? shownName : shownBlock;
            graph.parent =
                regionGraph ? regionGraph : (r == 0 ? placement_.rootParent : std::nullopt);
            graph.attributes.push_back({"region", regionName});
            graph.attributes.push_back({"block", blockName});
            if (block) {
                const BlockContext context{
                    buffer_,
                    budget_,
                    schema_,
                    dtypeSchema_,
                    union_,
                    "TosaGraph.regions[" + std::to_string(r) + "].blocks[" + std::to_string(b) + "]",
                    0};
                BlockDecoder(context, graph, enclosing_).decode(*block);
                for (const auto& value : graph.values)
                    enclosing_.emplace(value.name, value); // the first declaration wins
            }
            const auto index = model_.addGraph(std::move(graph));
            if (!regionGraph) regionGraph = index;
            placed_.push_back({regionName, blockName, index, b == 0});
        }
    }

    std::optional<std::size_t> resolve(const std::string& name) const {
        for (const auto& placed : placed_)
            if (placed.regionEntry && placed.region == name) return placed.graph;
        for (const auto& placed : placed_)
            if (placed.block == name) return placed.graph;
        return std::nullopt;
    }

    void linkNode(std::size_t graphIndex, std::size_t nodeIndex) {
        for (const auto* attributeName : kBranchAttributes) {
            const auto& node = model_.graphs[graphIndex].nodes[nodeIndex];
            const auto* attribute = findAttribute(node.attributes, attributeName);
            const auto* name = attribute ? std::get_if<std::string>(&attribute->value) : nullptr;
            if (!name || name->empty()) continue;
            const auto child = resolve(*name);
            if (!child)
                fail(model_.graphs[graphIndex].id + " " + node.op + "." + attributeName,
                     "a region or block named \"" + *name + "\"");
            model_.graphs[graphIndex].nodes[nodeIndex].childGraphs.push_back(*child);
            auto& childGraph = model_.graphs[*child];
            if (!childGraph.parent && *child != placed_.front().graph &&
                !isAncestor(model_, *child, graphIndex))
                childGraph.parent = graphIndex;
        }
    }

    void link() {
        for (const auto& placed : placed_)
            for (std::size_t n = 0; n < model_.graphs[placed.graph].nodes.size(); ++n) {
                const auto& op = model_.graphs[placed.graph].nodes[n].op;
                if (op == "tosa.COND_IF" || op == "tosa.WHILE_LOOP") linkNode(placed.graph, n);
            }
        if (!placement_.adoptUnreferenced) return;
        for (const auto& placed : placed_)
            if (placed.graph != placed_.front().graph && !model_.graphs[placed.graph].parent)
                model_.graphs[placed.graph].parent = placed_.front().graph;
    }

    const TosaBuffer& buffer_;
    const TosaGraphPlacement& placement_;
    TosaSchema schema_;
    TosaSchema dtypeSchema_;
    const flatbuffers::TypeTable& union_;
    Model& model_;
    ReadBudget budget_;
    EnclosingValues enclosing_;
    std::vector<PlacedBlock> placed_;
};

template <typename Root>
void decodeWith(const TosaBuffer& buffer, const TosaGraphPlacement& placement,
                const flatbuffers::TypeTable& attributeUnion, Model& model, TosaDecoded& decoded) {
    const auto* root = verifiedRoot<Root>(buffer.bytes.bytes(), "TOSA", buffer.source);
    decoded.rootGraph =
        RegionDecoder(buffer, placement, decoded.schema,
                      decoded.preFinalDraftDTypes ? TosaSchema::V0_80 : decoded.schema,
                      attributeUnion, model)
            .decode(*root);
    if constexpr (requires { root->software_version(); })
        if (const auto* software = root->software_version()) {
            decoded.softwareVersion = std::to_string(software->_major()) + "." +
                                      std::to_string(software->_minor()) + "." +
                                      std::to_string(software->_micro());
            if (software->_modifier() && software->_modifier()->size() > 0)
                decoded.softwareVersion += "-" + software->_modifier()->str();
        }
}

} // namespace

TosaDecoded decodeTosaBuffer(const TosaBuffer& buffer, const TosaGraphPlacement& placement,
                             Model& model) {
    TosaDecoded decoded;
    decoded.version = readTosaVersion(buffer.bytes.bytes(), buffer.source);
    decoded.schema = schemaFor(decoded.version, buffer.source);
    decoded.preFinalDraftDTypes = placement.preFinalDraftDTypes && decoded.version.draft &&
                                  decoded.schema != TosaSchema::V0_80;
    switch (decoded.schema) {
    case TosaSchema::V0_80:
        decodeWith<fb::tosa_v0_80::TosaGraph>(
            buffer, placement, *fb::tosa_v0_80::AttributeTypeTable(), model, decoded);
        break;
    case TosaSchema::V1_0:
        decodeWith<fb::tosa_v1_0::TosaGraph>(buffer, placement,
                                             *fb::tosa_v1_0::AttributeTypeTable(), model, decoded);
        break;
    case TosaSchema::V1_1:
        decodeWith<fb::tosa_v1_1::TosaGraph>(buffer, placement,
                                             *fb::tosa_v1_1::AttributeTypeTable(), model, decoded);
        break;
    }
    return decoded;
}

} // namespace pteron::tosa
