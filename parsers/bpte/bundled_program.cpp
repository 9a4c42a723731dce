#include "parsers/bpte/bundled_program.hpp"

#include "core/format_error.hpp"
#include "core/little_endian_reader.hpp"
#include "core/scalar_type.hpp"
#include "parsers/common/flatbuffer_check.hpp"

#include "bundled_program_generated.h"

#include <sstream>

namespace pteron {

namespace {

namespace fbb = pteron::fb::bundled_program;

constexpr const char* kFormat = "bundled program";

class BundleReader {
  public:
    explicit BundleReader(const std::shared_ptr<const MappedFile>& file) : file_(file) {}

    BundledProgram read() const {
        const auto* root =
            verifiedRoot<fbb::BundledProgram>(file_->bytes(), kBundledProgramIdentifier,
                                              {file_->path(), kFormat, "BundledProgram", 0});
        BundledProgram bundle;
        bundle.version = root->version();
        const auto* program = root->program();
        if (!program || program->size() == 0)
            fail("BundledProgram.program", "the embedded program bytes");
        bundle.program = viewOf(program->data(), program->size());
        if (const auto* suites = root->method_test_suites())
            for (flatbuffers::uoffset_t s = 0; s < suites->size(); ++s)
                bundle.suites.push_back(
                    suite(*suites->Get(s),
                          "BundledProgram.method_test_suites[" + std::to_string(s) + "]"));
        return bundle;
    }

  private:
    [[noreturn]] void fail(const std::string& path, const std::string& expected) const {
        throw FormatError(file_->path(), kFormat, path, expected);
    }

    // The verifier proved the bytes lie inside the file.
    ByteView viewOf(const std::uint8_t* data, std::size_t size) const {
        const auto bytes = file_->bytes();
        const auto offset =
            static_cast<std::size_t>(reinterpret_cast<const std::byte*>(data) - bytes.data());
        return ByteView(file_, bytes.subspan(offset, size));
    }

    BundledTestSuite suite(const fbb::BundledMethodTestSuite& table,
                           const std::string& path) const {
        BundledTestSuite result;
        if (!table.method_name() || table.method_name()->size() == 0)
            fail(path + ".method_name", "the name of the tested method");
        result.method = table.method_name() ? table.method_name()->str() : std::string();
        if (const auto* cases = table.test_cases())
            for (flatbuffers::uoffset_t c = 0; c < cases->size(); ++c)
                result.cases.push_back(
                    testCase(*cases->Get(c), path + ".test_cases[" + std::to_string(c) + "]"));
        return result;
    }

    BundledTestCase testCase(const fbb::BundledMethodTestCase& table,
                             const std::string& path) const {
        BundledTestCase result;
        if (const auto* inputs = table.inputs())
            for (flatbuffers::uoffset_t i = 0; i < inputs->size(); ++i)
                result.inputs.push_back(
                    value(*inputs->Get(i), path + ".inputs[" + std::to_string(i) + "]"));
        if (const auto* outputs = table.expected_outputs())
            for (flatbuffers::uoffset_t i = 0; i < outputs->size(); ++i)
                result.expectedOutputs.push_back(
                    value(*outputs->Get(i), path + ".expected_outputs[" + std::to_string(i) + "]"));
        return result;
    }

    BundledValue value(const fbb::Value& table, const std::string& path) const {
        BundledValue result;
        // The verifier accepts a union type whose table is absent; every case below reads it.
        if (table.val_type() != fbb::ValueUnion::NONE && !table.val())
            fail(path + ".val", "the value table its type " +
                                    std::to_string(static_cast<int>(table.val_type())) +
                                    " announces");
        switch (table.val_type()) {
        case fbb::ValueUnion::Tensor:
            return tensor(*table.val_as_Tensor(), path + ".val");
        case fbb::ValueUnion::Int:
            result.kind = BundledValue::Kind::Int;
            result.dtype = DType::Int64;
            result.intValue = table.val_as_Int()->int_val();
            return result;
        case fbb::ValueUnion::Bool:
            result.kind = BundledValue::Kind::Bool;
            result.dtype = DType::Bool;
            result.boolValue = table.val_as_Bool()->bool_val();
            return result;
        case fbb::ValueUnion::Double:
            result.kind = BundledValue::Kind::Double;
            result.dtype = DType::Float64;
            result.doubleValue = table.val_as_Double()->double_val();
            return result;
        default:
            fail(path + ".val_type", "a Tensor, Int, Bool or Double value, found union type " +
                                         std::to_string(static_cast<int>(table.val_type())));
        }
    }

    BundledValue tensor(const fbb::Tensor& table, const std::string& path) const {
        BundledValue result;
        result.dtype = dtypeFromScalarType(static_cast<std::int8_t>(table.scalar_type()));
        if (result.dtype == DType::Unknown)
            fail(path + ".scalar_type", "a known ScalarType, found " +
                                            std::to_string(static_cast<int>(table.scalar_type())));
        std::uint64_t elements = 1;
        if (const auto* sizes = table.sizes())
            for (const auto size : *sizes) {
                if (size < 0)
                    fail(path + ".sizes", "non-negative sizes, found " + std::to_string(size));
                result.shape.push_back(size);
                // A shape can describe no more elements than the file has bytes.
                if (size != 0 && elements > file_->size() / static_cast<std::uint64_t>(size))
                    fail(path + ".sizes", "a shape whose elements fit the " +
                                              std::to_string(file_->size()) + "-byte file");
                elements *= static_cast<std::uint64_t>(size);
            }
        if (const auto* order = table.dim_order()) {
            result.dimOrder.assign(order->begin(), order->end());
            std::vector<bool> seen(result.shape.size(), false);
            if (result.dimOrder.size() != result.shape.size())
                fail(path + ".dim_order",
                     "one entry per dimension (" + std::to_string(result.shape.size()) + ")");
            for (const auto axis : result.dimOrder) {
                if (axis >= seen.size() || seen[axis])
                    fail(path + ".dim_order", "a permutation of the dimensions");
                seen[axis] = true;
            }
        }
        const auto needed = dtypeStorageBytes(result.dtype, elements);
        const auto* data = table.data();
        const std::uint64_t present = data ? data->size() : 0;
        // The writer copies the whole storage, which may be longer than the tensor.
        if (present < needed)
            fail(path + ".data", std::to_string(needed) + " bytes for " + result.describe() +
                                     ", found " + std::to_string(present));
        if (data) result.data = viewOf(data->data(), static_cast<std::size_t>(needed));
        return result;
    }

    const std::shared_ptr<const MappedFile>& file_;
};

} // namespace

std::string BundledValue::describe() const {
    std::ostringstream text;
    switch (kind) {
    case Kind::Tensor:
        text << dtypeName(dtype) << "[";
        for (std::size_t i = 0; i < shape.size(); ++i)
            text << (i ? "," : "") << shape[i];
        text << "]";
        break;
    case Kind::Int:
        text << "int " << intValue;
        break;
    case Kind::Bool:
        text << "bool " << (boolValue ? "true" : "false");
        break;
    case Kind::Double:
        text << "double " << doubleValue;
        break;
    }
    return text.str();
}

bool hasBundledProgramIdentifier(std::span<const std::byte> bytes) {
    return hasTag(bytes, 4, kBundledProgramIdentifier);
}

BundledProgram readBundledProgram(const std::shared_ptr<const MappedFile>& file) {
    return BundleReader(file).read();
}

} // namespace pteron
