// libFuzzer harness for one reader or payload decoder, chosen at build time by
// PTERON_FUZZ_TARGET: "reader:<format>", "payload:<backend>", "ptd" or "export". Anything but
// a model or a FormatError (a crash, a sanitizer report, another exception) is a finding.
#include "adapters/common/json_text.hpp"
#include "adapters/model_explorer/model_explorer_writer.hpp"
#include "core/format_error.hpp"
#include "parsers/pte/flat_tensor_reader.hpp"
#include "parsers/registry.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace {

constexpr std::string_view kTarget = PTERON_FUZZ_TARGET;

const pteron::FormatRegistry& registry() {
    static const auto standard = pteron::FormatRegistry::standard();
    return standard;
}

void readWith(std::string_view format, const std::shared_ptr<const pteron::MappedFile>& file) {
    const pteron::ReadOptions options;
    const pteron::ReaderContext context{options, registry().payloadDecoders()};
    const auto& readers = registry().readers();
    for (const auto& reader : readers)
        if (reader.name == format) {
            reader.read(file, context);
            return;
        }
    __builtin_trap(); // a harness built for a reader that does not exist
}

void decodePayload(std::string_view backend,
                   const std::shared_ptr<const pteron::MappedFile>& file) {
    const auto* decoder = registry().payloadDecoders().find(backend);
    if (!decoder) __builtin_trap();
    pteron::Model model;
    pteron::Graph caller;
    caller.id = "forward";
    model.addGraph(std::move(caller));
    pteron::DelegatePayload payload;
    payload.backend = std::string(backend);
    payload.bytes = pteron::ByteView(file, file->bytes());
    payload.file = file->path();
    payload.tablePath = "forward.delegates[0]";
    payload.graphId = "forward/" + payload.backend + "#0";
    (*decoder)(payload, model);
}

void exportModel(const std::shared_ptr<const pteron::MappedFile>& file) {
    const auto model = registry().read(file);
    const pteron::ModelExplorerWriter writer(pteron::BackendPalette::builtIn());
    (void)pteron::jsonText(writer.collection(model));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file =
        pteron::MappedFile::fromBytes("fuzz-input", std::as_bytes(std::span(data, size)));
    try {
        if (kTarget.starts_with("reader:")) {
            readWith(kTarget.substr(7), file);
        } else if (kTarget.starts_with("payload:")) {
            decodePayload(kTarget.substr(8), file);
        } else if (kTarget == "ptd") {
            pteron::NamedDataStore store;
            pteron::readFlatTensor(file, store);
        } else if (kTarget == "export") {
            exportModel(file);
        }
    } catch (const pteron::FormatError&) {
        // The promised outcome for malformed input.
    }
    return 0;
}
