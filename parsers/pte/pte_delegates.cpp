#include "parsers/pte/pte_delegates.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "executorch_program_generated.h"
#include "parsers/pte/backend_catalog.hpp"

#include <span>

namespace pteron {

namespace {

namespace fbp = fb::pte;

std::string delegatePath(const std::string& planPath, flatbuffers::uoffset_t index) {
    return planPath + ".delegates[" + std::to_string(index) + "]";
}

// Length of the UTF-8 sequence starting with `lead`, or 0 when `lead` cannot start one.
std::size_t utf8SequenceLength(std::uint8_t lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

// Valid UTF-8 without overlong forms, surrogates or code points past U+10FFFF.
bool isValidUtf8(std::span<const std::uint8_t> bytes) {
    for (std::size_t i = 0; i < bytes.size();) {
        const auto length = utf8SequenceLength(bytes[i]);
        if (length == 0 || length > bytes.size() - i) return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((bytes[i + k] & 0xc0) != 0x80) return false;
        const auto second = length > 1 ? bytes[i + 1] : 0;
        if (bytes[i] == 0xe0 && second < 0xa0) return false;  // overlong
        if (bytes[i] == 0xed && second >= 0xa0) return false; // surrogate
        if (bytes[i] == 0xf0 && second < 0x90) return false;  // overlong
        if (bytes[i] == 0xf4 && second >= 0x90) return false; // past U+10FFFF
        i += length;
    }
    return true;
}

// Text a person can read: valid UTF-8 without control characters other than whitespace.
bool isPrintable(const flatbuffers::Vector<std::uint8_t>& vector) {
    const std::span<const std::uint8_t> bytes(vector.data(), vector.size());
    for (auto byte : bytes)
        if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f)
            return false;
    return isValidUtf8(bytes);
}

CompileSpec compileSpecOf(const fbp::CompileSpec& spec) {
    CompileSpec result;
    result.key = spec.key() ? spec.key()->str() : "";
    if (!spec.value()) return result;
    if (isPrintable(*spec.value())) {
        result.text.assign(reinterpret_cast<const char*>(spec.value()->data()),
                           spec.value()->size());
        return result;
    }
    result.binary = true;
    result.text = toString(Blob{{spec.value()->begin(), spec.value()->end()}}, 64);
    return result;
}

const CompileSpec* findSpec(const std::vector<CompileSpec>& specs, std::string_view key) {
    for (const auto& spec : specs)
        if (spec.key == key) return &spec;
    return nullptr;
}

// "ethos-u55-128" from a target spec, or from --accelerator-config in the compile flags.
std::string targetOf(const std::vector<CompileSpec>& specs) {
    if (const auto* target = findSpec(specs, "target"); target && !target->binary)
        return target->text;
    const auto* flags = findSpec(specs, "compile_flags");
    if (!flags || flags->binary) return "";
    constexpr std::string_view kOption = "--accelerator-config=";
    const auto at = flags->text.find(kOption);
    if (at == std::string::npos) return "";
    const auto start = at + kOption.size();
    return flags->text.substr(start, flags->text.find(' ', start) - start);
}

struct PayloadLocation {
    ByteView bytes;
    std::string text;
};

PayloadLocation payloadOf(const PteProgram& program, const fbp::BackendDelegate& delegate,
                          const std::string& path) {
    const auto* processed = delegate.processed();
    if (!processed) program.fail(path + ".processed", "a payload reference");
    const auto index = processed->index();
    if (processed->location() == fbp::DataLocation::SEGMENT)
        return {program.segment(index, path + ".processed"), "segment #" + std::to_string(index)};
    const auto* inlineData = program.root->backend_delegate_data();
    if (!inlineData || index >= inlineData->size())
        program.fail(path + ".processed.index", "an index into Program.backend_delegate_data");
    const auto* data = inlineData->Get(index)->data();
    if (!data) return {ByteView(program.file, {}), "inline #" + std::to_string(index)};
    return {ByteView(program.file, std::as_bytes(std::span(data->data(), data->size()))),
            "inline #" + std::to_string(index)};
}

// Kind of payload recognised by its magic, for partitions no decoder handles.
std::string recognisedKind(std::span<const std::byte> bytes) {
    if (hasTag(bytes, 4, "XH00") || hasTag(bytes, 4, "XN01") || hasTag(bytes, 4, "XN00"))
        return "XNNPACK graph";
    if (hasTag(bytes, 0, "vela_bin_stream")) return "Ethos-U Vela bin stream";
    if (hasTag(bytes, 4, "TOSA")) return "TOSA flatbuffer";
    if (hasTag(bytes, 0, "VGF1") || hasTag(bytes, 0, "\xc3\xd2\xe1\xf0")) return "VGF file";
    if (hasTag(bytes, 0, "\xcd\xab\x78\x56")) return "QNN context";
    if (hasTag(bytes, 4, "VH00") || hasTag(bytes, 4, "VK00")) return "Vulkan graph";
    return "";
}

std::string magicOf(std::span<const std::byte> bytes) {
    if (hasTag(bytes, 4, "XH00") || hasTag(bytes, 4, "TOSA") || hasTag(bytes, 4, "XN01") ||
        hasTag(bytes, 4, "VH00"))
        return magicText(bytes.subspan(4), 4);
    if (hasTag(bytes, 0, "vela_bin_stream")) return "vela_bin_stream";
    if (hasTag(bytes, 0, "VGF1")) return "VGF1";
    return magicText(bytes, 8);
}

} // namespace

std::vector<std::size_t> addDelegatePartitions(const PteProgram& program,
                                               const fbp::ExecutionPlan& plan,
                                               const std::string& planPath, Graph& graph) {
    std::vector<std::size_t> partitions;
    if (!plan.delegates()) return partitions;
    for (flatbuffers::uoffset_t i = 0; i < plan.delegates()->size(); ++i) {
        const auto* delegate = plan.delegates()->Get(i);
        const auto path = delegatePath(planPath, i);
        Partition partition;
        partition.backend = delegate->id() ? delegate->id()->str() : "";
        if (partition.backend.empty()) program.fail(path + ".id", "a backend id");
        partition.delegated = true;
        partition.device = deviceForBackend(partition.backend);
        if (delegate->compile_specs())
            for (const auto* spec : *delegate->compile_specs())
                partition.compileSpecs.push_back(compileSpecOf(*spec));
        partition.target = targetOf(partition.compileSpecs);
        const auto payload = payloadOf(program, *delegate, path);
        partition.payloadBytes = payload.bytes.size();
        partition.payloadLocation = payload.text;
        partition.payloadMagic = magicOf(payload.bytes.bytes());
        partition.attributes.push_back({"delegate index", static_cast<std::int64_t>(i)});
        partition.attributes.push_back(
            {"payload offset", static_cast<std::int64_t>(payload.bytes.fileOffset())});
        graph.partitions.push_back(std::move(partition));
        partitions.push_back(graph.partitions.size() - 1);
    }
    return partitions;
}

void decodeDelegatePayloads(const PteProgram& program, const fbp::ExecutionPlan& plan,
                            const std::string& planPath, std::size_t graphIndex,
                            const std::vector<std::size_t>& delegatePartitions,
                            const PayloadDecoders& decoders, Model& model) {
    for (std::size_t i = 0; i < delegatePartitions.size(); ++i) {
        const auto index = static_cast<flatbuffers::uoffset_t>(i);
        const auto path = delegatePath(planPath, index);
        const auto partitionIndex = delegatePartitions[i];
        const Partition partition = model.graphs[graphIndex].partitions[partitionIndex];
        DelegatePayload payload;
        payload.backend = partition.backend;
        payload.bytes = payloadOf(program, *plan.delegates()->Get(index), path).bytes;
        payload.compileSpecs = partition.compileSpecs;
        payload.namedData = [&program](std::string_view key) -> std::optional<ByteView> {
            const auto* blob = program.namedData.find(key);
            return blob ? std::optional<ByteView>(blob->bytes) : std::nullopt;
        };
        payload.file = program.file->path();
        payload.tablePath = path;
        payload.parentGraph = graphIndex;
        payload.graphId =
            model.graphs[graphIndex].id + "/" + partition.backend + "#" + std::to_string(i);

        const auto kind = recognisedKind(payload.bytes.bytes());
        const PayloadDecoder* decoder = decoders.find(partition.backend);
        std::string note;
        std::optional<std::size_t> child;
        if (!decoder) {
            note = kind.empty() ? "opaque payload: no decoder for " + partition.backend
                                : "recognised " + kind + " payload; no decoder for it is built in";
        } else {
            const auto graphsBefore = model.graphs.size();
            try {
                child = (*decoder)(payload, model);
            } catch (const FormatError& error) {
                model.graphs.resize(graphsBefore); // drop anything a failed decoder added
                note = std::string("payload could not be decoded: ") + error.what();
            }
        }
        auto& graph = model.graphs[graphIndex];
        graph.partitions[partitionIndex].note = note;
        graph.partitions[partitionIndex].childGraph = child;
    }
}

std::vector<DelegateSignature> delegateSignatures(const Model& model, std::size_t graphIndex,
                                                  const std::vector<std::size_t>& partitions) {
    std::vector<DelegateSignature> signatures;
    const auto& graph = model.graphs[graphIndex];
    for (auto partition : partitions) {
        DelegateSignature signature{partition, std::nullopt, std::nullopt};
        if (const auto child = graph.partitions[partition].childGraph) {
            signature.inputCount = model.graphs[*child].inputs.size();
            signature.outputCount = model.graphs[*child].outputs.size();
        }
        signatures.push_back(signature);
    }
    return signatures;
}

void linkDelegateCalls(Graph& graph) {
    for (auto& node : graph.nodes) {
        const auto& child = graph.partitions.at(node.partition).childGraph;
        if (child && graph.partitions[node.partition].delegated) node.childGraphs.push_back(*child);
    }
}

} // namespace pteron
