// What a delegate-payload decoder receives, and the table of decoders keyed by backend id.
#pragma once

#include "core/byte_view.hpp"
#include "core/model.hpp"
#include "core/partition.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

// Named blobs of the program (.pte named_data, a .ptd companion), looked up by key.
using NamedDataLookup = std::function<std::optional<ByteView>(std::string_view key)>;

struct DelegatePayload {
    std::string backend; // BackendDelegate.id
    ByteView bytes;      // the processed blob, zero-copy
    std::vector<CompileSpec> compileSpecs;
    NamedDataLookup namedData;   // may be empty
    std::string file;            // for error messages
    std::string tablePath;       // "forward.delegates[0]"
    std::size_t parentGraph = 0; // model graph index of the calling graph
    std::string graphId;         // id to give the decoded child graph
};

// Decodes a payload into a new graph of `model` and returns its index; throws FormatError.
using PayloadDecoder = std::function<std::size_t(const DelegatePayload&, Model&)>;

class PayloadDecoders {
  public:
    void add(std::string backend, PayloadDecoder decoder) {
        decoders_[std::move(backend)] = std::move(decoder);
    }
    const PayloadDecoder* find(std::string_view backend) const {
        auto it = decoders_.find(std::string(backend));
        return it == decoders_.end() ? nullptr : &it->second;
    }

  private:
    std::map<std::string, PayloadDecoder> decoders_;
};

} // namespace pteron
