// Verifies a flatbuffer region once at the reader boundary, before any generated accessor runs.
#pragma once

#include "core/format_error.hpp"

#include <flatbuffers/flatbuffers.h>

#include <cstddef>
#include <span>
#include <string>

namespace pteron {

struct FlatbufferSource {
    std::string file;
    std::string format;
    std::string tablePath;    // e.g. "Program", "delegate XnnpackBackend#0 payload"
    std::uint64_t fileOffset; // where the buffer starts in the file, for messages
};

// Limits scaled to the buffer: table count can never exceed one per 4 bytes.
flatbuffers::Verifier::Options verifierOptions(std::size_t bufferSize);

// Verifies `bytes` as root type T with an optional identifier; returns the root or throws.
template <typename T>
const T* verifiedRoot(std::span<const std::byte> bytes, const char* identifier,
                      const FlatbufferSource& source) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (bytes.size() < 8)
        throw FormatError(source.file, source.format, atOffset(source.fileOffset, source.tablePath),
                          "a flatbuffer of at least 8 bytes, found " +
                              std::to_string(bytes.size()));
    if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
        throw FormatError(source.file, source.format, atOffset(source.fileOffset, source.tablePath),
                          "a flatbuffer smaller than 2 GiB");
    if (identifier && !flatbuffers::BufferHasIdentifier(data, identifier))
        throw FormatError(source.file, source.format,
                          atOffset(source.fileOffset + 4, source.tablePath),
                          std::string("flatbuffer identifier \"") + identifier + "\"");
    if (reinterpret_cast<std::uintptr_t>(data) % 8 != 0)
        throw FormatError(source.file, source.format, atOffset(source.fileOffset, source.tablePath),
                          "a flatbuffer starting on an 8-byte boundary");
    flatbuffers::Verifier verifier(data, bytes.size(), verifierOptions(bytes.size()));
    if (!verifier.VerifyBuffer<T>(nullptr))
        throw FormatError(source.file, source.format, atOffset(source.fileOffset, source.tablePath),
                          "a well-formed flatbuffer (verification failed: an offset, vector or "
                          "table points outside the buffer or is misaligned)");
    return flatbuffers::GetRoot<T>(data);
}

// Same checks without throwing: the root, or nullptr when `bytes` is not a valid T.
template <typename T>
const T* rootIfValid(std::span<const std::byte> bytes, const char* identifier) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (bytes.size() < 8 || bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) return nullptr;
    if (reinterpret_cast<std::uintptr_t>(data) % 8 != 0) return nullptr;
    if (identifier && !flatbuffers::BufferHasIdentifier(data, identifier)) return nullptr;
    flatbuffers::Verifier verifier(data, bytes.size(), verifierOptions(bytes.size()));
    return verifier.VerifyBuffer<T>(nullptr) ? flatbuffers::GetRoot<T>(data) : nullptr;
}

} // namespace pteron
