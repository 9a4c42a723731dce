// A verified .pte program with its layout and named data, shared by the plan decoders.
#pragma once

#include "core/byte_view.hpp"
#include "core/mapped_file.hpp"
#include "parsers/pte/named_data_store.hpp"
#include "parsers/pte/pte_layout.hpp"

#include <memory>
#include <string>

namespace pteron {

namespace fb::pte {
struct Program;
}

inline constexpr const char* kPteFormat = "executorch";

struct PteProgram {
    std::shared_ptr<const MappedFile> file;
    PteLayout layout;
    const fb::pte::Program* root = nullptr;
    NamedDataStore namedData;

    // Whole bytes of Program.segments[index]; throws FormatError naming `tablePath`.
    ByteView segment(std::uint64_t index, const std::string& tablePath) const;
    [[noreturn]] void fail(const std::string& tablePath, const std::string& expected) const;
};

} // namespace pteron
