// A strict reader for the pickles torch.save writes (data.pkl): builds a value tree from a fixed
// set of opcodes and allow-listed globals, and never executes or imports anything.
#pragma once

#include "core/dtype.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pteron::etrecord {

// A tensor the pickle rebuilds: which storage holds its elements and how it views them.
struct PickledTensor {
    std::string storageKey; // archive member data/<key>
    std::string location;   // "cpu", "cuda:0", "meta", …
    DType dtype = DType::Unknown;
    bool untypedStorage = false;    // storage counted in bytes, dtype from the rebuild call
    std::uint64_t storageCount = 0; // elements (typed storages) or bytes (untyped)
    std::int64_t offset = 0;        // storage offset in elements
    std::vector<std::int64_t> sizes;
    std::vector<std::int64_t> strides;
    bool parameter = false; // rebuilt through torch._utils._rebuild_parameter
};

enum class PickleKind : std::uint8_t {
    None,
    Bool,
    Int,
    Float,
    String,
    Tuple,
    List,
    Dict,
    Global,  // an allow-listed global, only usable as the callable of REDUCE or a dtype
    Storage, // a persistent id naming a tensor storage
    Tensor,
};

struct PickleValue {
    PickleKind kind = PickleKind::None;
    std::int64_t integer = 0; // Int, Bool
    double real = 0;          // Float
    std::string text;         // String; Global as "module.name"
    // Tuple and List items; Dict keys and values alternating. Indices into Pickle::values.
    std::vector<std::size_t> items;
    PickledTensor tensor; // Storage (storage fields only) and Tensor
};

// Every value the pickle built, in an arena, so shared and self-referencing values need no
// ownership cycles.
struct Pickle {
    std::vector<PickleValue> values;
    std::size_t root = 0;
    const PickleValue& at(std::size_t index) const { return values.at(index); }
};

// Runs the pickle in `bytes`; any opcode or global outside the allow-list, or any malformed
// instruction, is a FormatError (format "pickle") naming it and its offset.
Pickle readTorchPickle(std::span<const std::byte> bytes, const std::string& file);

} // namespace pteron::etrecord
