// Reads an ExecuTorch bundled program (.bpte): the embedded program's bytes and every method's
// test cases (inputs and expected outputs), verified and bound-checked.
#pragma once

#include "core/byte_view.hpp"
#include "core/dtype.hpp"
#include "core/mapped_file.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pteron {

// One bundled value: a tensor (bytes in the file) or an Int/Bool/Double scalar.
struct BundledValue {
    enum class Kind { Tensor, Int, Bool, Double };
    Kind kind = Kind::Tensor;
    DType dtype = DType::Unknown;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> dimOrder;
    ByteView data;
    std::int64_t intValue = 0;
    bool boolValue = false;
    double doubleValue = 0;
    // "int32[2,2]", "int 3", "bool true", "double 0.5".
    std::string describe() const;
};

struct BundledTestCase {
    std::vector<BundledValue> inputs;
    std::vector<BundledValue> expectedOutputs;
};

struct BundledTestSuite {
    std::string method;
    std::vector<BundledTestCase> cases;
};

struct BundledProgram {
    std::uint32_t version = 0;
    ByteView program; // the embedded .pte file
    std::vector<BundledTestSuite> suites;
};

inline constexpr const char* kBundledProgramIdentifier = "BP08";

// True when `bytes` carry the BP08 identifier.
bool hasBundledProgramIdentifier(std::span<const std::byte> bytes);

// Verifies the flatbuffer and every tensor's bytes against its dtype and shape; throws
// FormatError naming the table path for anything malformed.
BundledProgram readBundledProgram(const std::shared_ptr<const MappedFile>& file);

} // namespace pteron
