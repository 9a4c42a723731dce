// Bounds a reader's work by the size of its file: flatbuffer entries may all point at one shared
// object, so counts read from a file can exceed what its bytes honestly hold.
#pragma once

#include <cstdint>
#include <string>

namespace pteron {

class ReadBudget {
  public:
    ReadBudget(std::uint64_t fileBytes, std::string file, std::string format);

    // Operand references and tensor entries: each honestly takes at least a 4-byte slot.
    void spendReferences(std::uint64_t count, const std::string& where);
    // Bytes of names and shapes copied out of the file; shared strings may repeat a little.
    void spendText(std::uint64_t bytes, const std::string& where);

  private:
    [[noreturn]] void refuse(const std::string& where, const std::string& what,
                             std::uint64_t limit) const;

    std::string file_;
    std::string format_;
    std::uint64_t fileBytes_ = 0;
    std::uint64_t references_ = 0;
    std::uint64_t text_ = 0;
};

} // namespace pteron
