#include "parsers/tosa/tosa_dtypes.hpp"

#include "parsers/tosa/tosa_op_names.hpp"

#include <array>
#include <utility>

namespace pteron::tosa {

DType dtypeFromTosaName(std::string_view name) {
    // Names are the same in every revision; only their numbers move.
    static constexpr std::array<std::pair<std::string_view, DType>, 20> table{{
        {"BOOL", DType::Bool},
        {"UINT8", DType::UInt8},
        {"INT4", DType::Int4},
        {"INT8", DType::Int8},
        {"INT16", DType::Int16},
        {"UINT16", DType::UInt16},
        {"INT32", DType::Int32},
        {"INT48", DType::Int48},
        {"INT64", DType::Int64},
        {"FP16", DType::Float16},
        {"BF16", DType::BFloat16},
        {"FP32", DType::Float32},
        {"FP8E4M3", DType::Float8E4M3FN},
        {"FP8E5M2", DType::Float8E5M2},
        {"SHAPE", DType::Shape},
        {"FP6E2M3", DType::Float6E2M3},
        {"FP6E3M2", DType::Float6E3M2},
        {"FP4E2M1", DType::Float4E2M1},
        {"FP8UE8M0", DType::Float8E8M0},
        {"MXINT8", DType::MXInt8},
    }};
    for (const auto& [tosaName, dtype] : table)
        if (tosaName == name) return dtype;
    return DType::Unknown;
}

DType tosaDType(TosaSchema schema, std::uint32_t type) {
    return dtypeFromTosaName(tosaDTypeName(schema, type));
}

} // namespace pteron::tosa
