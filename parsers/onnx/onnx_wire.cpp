#include "parsers/onnx/onnx_wire.hpp"

#include <cstdint>

namespace pteron {

namespace {

// Field numbers of onnx.proto that lead to initializer bytes.
constexpr std::uint32_t kModelGraph = 7;
constexpr std::uint32_t kGraphNode = 1;
constexpr std::uint32_t kGraphInitializer = 5;
constexpr std::uint32_t kNodeAttribute = 5;
constexpr std::uint32_t kAttributeGraph = 6;
constexpr std::uint32_t kAttributeGraphs = 11;
constexpr std::uint32_t kTensorRawData = 9;

enum WireType : std::uint32_t { Varint = 0, Fixed64 = 1, Length = 2, Fixed32 = 5 };

struct Field {
    std::uint32_t number = 0;
    std::span<const std::byte> payload; // set for length-delimited fields
    WireType type = Varint;
};

// Sequential reader of one message's fields; `ok()` turns false on anything it cannot follow.
class FieldCursor {
  public:
    explicit FieldCursor(std::span<const std::byte> bytes) : bytes_(bytes) {}

    bool ok() const { return ok_; }
    bool next(Field& field) {
        if (!ok_ || position_ >= bytes_.size()) return false;
        std::uint64_t tag = 0;
        if (!varint(tag) || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX) return fail();
        field.number = static_cast<std::uint32_t>(tag >> 3);
        field.type = static_cast<WireType>(tag & 7);
        field.payload = {};
        switch (field.type) {
        case Varint: {
            std::uint64_t ignored = 0;
            return varint(ignored) || fail();
        }
        case Fixed64:
            return skip(8);
        case Fixed32:
            return skip(4);
        case Length: {
            std::uint64_t length = 0;
            if (!varint(length) || length > bytes_.size() - position_) return fail();
            field.payload = bytes_.subspan(position_, static_cast<std::size_t>(length));
            position_ += static_cast<std::size_t>(length);
            return true;
        }
        default:
            return fail(); // groups (3, 4) and reserved types
        }
    }

  private:
    bool fail() {
        ok_ = false;
        return false;
    }
    bool skip(std::size_t count) {
        if (count > bytes_.size() - position_) return fail();
        position_ += count;
        return true;
    }
    bool varint(std::uint64_t& value) {
        value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (position_ >= bytes_.size()) return false;
            const auto byte = std::to_integer<std::uint64_t>(bytes_[position_++]);
            value |= (byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) return true;
        }
        return false;
    }

    std::span<const std::byte> bytes_;
    std::size_t position_ = 0;
    bool ok_ = true;
};

class RawDataWalk {
  public:
    bool model(std::span<const std::byte> bytes) {
        FieldCursor cursor(bytes);
        Field field;
        while (cursor.next(field))
            if (field.number == kModelGraph && field.type == Length &&
                !graph(field.payload, "graph"))
                return false;
        return cursor.ok();
    }

    RawDataLocations take() { return std::move(locations_); }

  private:
    // Repeated fields of a message that occurs twice are concatenated, so counters live per path.
    bool graph(std::span<const std::byte> bytes, const std::string& path) {
        auto& initializers = locations_[path];
        FieldCursor cursor(bytes);
        Field field;
        while (cursor.next(field)) {
            if (field.type != Length) continue;
            if (field.number == kGraphInitializer) {
                auto raw = rawData(field.payload);
                if (!raw) return false;
                initializers.push_back(*raw);
            } else if (field.number == kGraphNode) {
                if (!node(field.payload, path, nodeCounts_[path]++)) return false;
            }
        }
        return cursor.ok();
    }

    bool node(std::span<const std::byte> bytes, const std::string& graphPath, std::size_t index) {
        FieldCursor cursor(bytes);
        Field field;
        std::size_t attributeIndex = 0;
        while (cursor.next(field))
            if (field.number == kNodeAttribute && field.type == Length &&
                !attribute(field.payload, graphPath, index, attributeIndex++))
                return false;
        return cursor.ok();
    }

    bool attribute(std::span<const std::byte> bytes, const std::string& graphPath, std::size_t node,
                   std::size_t index) {
        FieldCursor cursor(bytes);
        Field field;
        std::size_t listIndex = 0;
        while (cursor.next(field)) {
            if (field.type != Length) continue;
            if (field.number == kAttributeGraph &&
                !graph(field.payload, subgraphPath(graphPath, node, index, std::nullopt)))
                return false;
            if (field.number == kAttributeGraphs &&
                !graph(field.payload, subgraphPath(graphPath, node, index, listIndex++)))
                return false;
        }
        return cursor.ok();
    }

    // The last raw_data field wins, as in protobuf's own parse.
    static std::optional<std::span<const std::byte>> rawData(std::span<const std::byte> tensor) {
        FieldCursor cursor(tensor);
        Field field;
        std::span<const std::byte> raw;
        while (cursor.next(field))
            if (field.number == kTensorRawData && field.type == Length) raw = field.payload;
        if (!cursor.ok()) return std::nullopt;
        return raw;
    }

    RawDataLocations locations_;
    std::map<std::string, std::size_t> nodeCounts_;
};

} // namespace

std::string subgraphPath(const std::string& graphPath, std::size_t node, std::size_t attribute,
                         std::optional<std::size_t> graphIndex) {
    std::string path = graphPath + "/" + std::to_string(node) + ":" + std::to_string(attribute);
    if (graphIndex) path += "#" + std::to_string(*graphIndex);
    return path;
}

std::optional<RawDataLocations> locateRawData(std::span<const std::byte> model) {
    RawDataWalk walk;
    if (!walk.model(model)) return std::nullopt;
    return walk.take();
}

} // namespace pteron
