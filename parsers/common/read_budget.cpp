#include "parsers/common/read_budget.hpp"

#include "core/format_error.hpp"

namespace pteron {

namespace {

// Slack for tiny files, whose fixed tables hold few but real references.
constexpr std::uint64_t kReferenceSlack = 4096;
constexpr std::uint64_t kTextSlack = std::uint64_t{1} << 20;

} // namespace

ReadBudget::ReadBudget(std::uint64_t fileBytes, std::string file, std::string format)
    : file_(std::move(file)), format_(std::move(format)), fileBytes_(fileBytes) {}

void ReadBudget::spendReferences(std::uint64_t count, const std::string& where) {
    const auto limit = fileBytes_ / 4 + kReferenceSlack;
    references_ += count;
    if (references_ > limit) refuse(where, "operand and tensor references", limit);
}

void ReadBudget::spendText(std::uint64_t bytes, const std::string& where) {
    const auto limit = fileBytes_ * 4 + kTextSlack;
    text_ += bytes;
    if (text_ > limit) refuse(where, "bytes of names and shapes", limit);
}

void ReadBudget::refuse(const std::string& where, const std::string& what,
                        std::uint64_t limit) const {
    throw FormatError(file_, format_, where,
                      "at most " + std::to_string(limit) + " " + what + " in all, as many as " +
                          std::to_string(fileBytes_) +
                          " bytes can hold; entries pointing at shared objects repeat them");
}

} // namespace pteron
