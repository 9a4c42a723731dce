// The list of format readers: detects a file's format from its bytes and name, then reads it.
#pragma once

#include "core/mapped_file.hpp"
#include "core/model.hpp"
#include "parsers/delegate_payload.hpp"

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

struct ReadOptions {
    std::vector<std::string> companions; // explicit companion files (.ptd, debug buffers)
    std::string etdump;                  // ETDump to attach to a program
    // ETDump debug buffer holding the debug events' tensor bytes; when empty, the first
    // companion that is not a .ptd is taken as it.
    std::string debugBuffer;
    // Draft-stamped TOSA 1.0/1.1 files: element types in the numbering of pre-final drafts.
    bool tosaPreFinalDraftDTypes = false;
};

struct ReaderContext {
    const ReadOptions& options;
    const PayloadDecoders& payloadDecoders;
};

struct FormatReader {
    std::string name; // "executorch", "tosa", ...
    std::function<bool(std::span<const std::byte> bytes, std::string_view path)> detect;
    std::function<Model(std::shared_ptr<const MappedFile> file, const ReaderContext& context)> read;
};

class FormatRegistry {
  public:
    // Every reader the project ships, and every delegate-payload decoder.
    static FormatRegistry standard();

    void addReader(FormatReader reader) { readers_.push_back(std::move(reader)); }
    PayloadDecoders& payloadDecoders() { return payloadDecoders_; }
    const PayloadDecoders& payloadDecoders() const { return payloadDecoders_; }
    const std::vector<FormatReader>& readers() const { return readers_; }

    const FormatReader* detect(std::span<const std::byte> bytes, std::string_view path) const;
    // Maps the file, detects its format and reads it; throws FormatError.
    Model open(const std::string& path, const ReadOptions& options = {}) const;
    Model read(std::shared_ptr<const MappedFile> file, const ReadOptions& options = {}) const;

  private:
    std::vector<FormatReader> readers_;
    PayloadDecoders payloadDecoders_;
};

} // namespace pteron
