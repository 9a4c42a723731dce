// Decodes a whole TOSA flatbuffer (any supported revision) into graphs of a Model.
#pragma once

#include "core/byte_view.hpp"
#include "core/model.hpp"
#include "parsers/common/flatbuffer_check.hpp"
#include "parsers/tosa/tosa_version.hpp"

#include <optional>
#include <string>

namespace pteron::tosa {

struct TosaBuffer {
    ByteView bytes;          // the whole flatbuffer; constants become views into it
    FlatbufferSource source; // for messages: file, format, table path, file offset of bytes[0]
};

// Where the decoded graphs go and how their nodes are placed.
struct TosaGraphPlacement {
    std::string rootId;                    // id of the first region's graph; empty: its name
    std::string idPrefix;                  // prepended to the ids of the other graphs
    std::optional<std::size_t> rootParent; // parent of the first region's graph
    bool adoptUnreferenced = false;        // regions no operator names hang under the root
    Partition partition;                   // the one placement of every node
    // Read a draft-stamped 1.0/1.1 file's element types with the numbering of pre-final drafts,
    // which still held UINT8 and UINT16 (the 0.80 numbering); the version cannot tell them apart.
    bool preFinalDraftDTypes = false;
};

struct TosaDecoded {
    TosaVersion version;
    TosaSchema schema = TosaSchema::V1_0;
    std::size_t rootGraph = 0;
    std::string softwareVersion;      // 1.1 files may name the writer's version
    bool preFinalDraftDTypes = false; // element types were read with the pre-final numbering
};

// Regions become graphs (kind "region"); a region's first basic block is the region's graph and
// any further blocks are child graphs (kind "block"). COND_IF and WHILE_LOOP nodes link the
// graphs they name through Node::childGraphs. Throws FormatError on malformed input.
TosaDecoded decodeTosaBuffer(const TosaBuffer& buffer, const TosaGraphPlacement& placement,
                             Model& model);

} // namespace pteron::tosa
