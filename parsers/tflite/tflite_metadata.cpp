#include "parsers/tflite/tflite_metadata.hpp"

#include "core/mapped_file.hpp"
#include "parsers/tflite/tflite_tensors.hpp"

#include <algorithm>
#include <cstring>

namespace pteron::tflite {
namespace {

// Printable ASCII, possibly NUL-terminated: shown as text.
std::optional<std::string> asText(std::span<const std::byte> bytes) {
    std::string text;
    for (const auto b : bytes) {
        const auto c = std::to_integer<unsigned char>(b);
        if (c == 0) break;
        if (c < 0x20 || c >= 0x7f) return std::nullopt;
        text += static_cast<char>(c);
    }
    if (text.empty()) return std::nullopt;
    return text;
}

std::vector<std::int64_t> int32List(std::span<const std::byte> bytes) {
    std::vector<std::int64_t> values;
    values.reserve(bytes.size() / 4);
    for (std::size_t at = 0; at + 4 <= bytes.size(); at += 4) {
        std::int32_t v = 0;
        std::memcpy(&v, bytes.data() + at, 4);
        values.push_back(v);
    }
    return values;
}

void addEntry(Attributes& out, const std::string& name, const ByteView& data) {
    const auto bytes = data.bytes();
    if (name == "OfflineMemoryAllocation") {
        out.push_back({name, int32List(bytes)});
        return;
    }
    if (auto text = asText(bytes)) {
        out.push_back({name, *text});
        return;
    }
    out.push_back({name, std::to_string(bytes.size()) + " bytes"});
}

} // namespace

Attributes modelMetadata(const fb::Model& model, const std::shared_ptr<const MappedFile>& file) {
    Attributes out;
    out.push_back({"schema version", std::int64_t{model.version()}});
    if (model.description()) out.push_back({"description", model.description()->str()});
    if (const auto* entries = model.metadata()) {
        for (const auto* entry : *entries) {
            if (!entry || !entry->name()) continue;
            addEntry(out, entry->name()->str(), bufferBytes(model, entry->buffer(), file));
        }
    }
    if (const auto* signatures = model.signature_defs(); signatures && signatures->size()) {
        std::vector<std::string> keys;
        for (const auto* signature : *signatures)
            if (signature && signature->signature_key())
                keys.push_back(signature->signature_key()->str());
        out.push_back({"signatures", keys});
    }
    return out;
}

} // namespace pteron::tflite
