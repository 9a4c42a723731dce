#include "parsers/tosa/tosa_op_names.hpp"

#include "tosa_v0_80_generated.h"
#include "tosa_v1_0_generated.h"
#include "tosa_v1_1_generated.h"

namespace pteron::tosa {

std::string_view tosaOpName(TosaSchema schema, std::uint32_t op) {
    switch (schema) {
    case TosaSchema::V0_80:
        return fb::tosa_v0_80::EnumNameOp(static_cast<fb::tosa_v0_80::Op>(op));
    case TosaSchema::V1_0:
        return fb::tosa_v1_0::EnumNameOp(static_cast<fb::tosa_v1_0::Op>(op));
    case TosaSchema::V1_1:
        return fb::tosa_v1_1::EnumNameOp(static_cast<fb::tosa_v1_1::Op>(op));
    }
    return "";
}

std::string_view tosaDTypeName(TosaSchema schema, std::uint32_t type) {
    switch (schema) {
    case TosaSchema::V0_80:
        return fb::tosa_v0_80::EnumNameDType(static_cast<fb::tosa_v0_80::DType>(type));
    case TosaSchema::V1_0:
        return fb::tosa_v1_0::EnumNameDType(static_cast<fb::tosa_v1_0::DType>(type));
    case TosaSchema::V1_1:
        return fb::tosa_v1_1::EnumNameDType(static_cast<fb::tosa_v1_1::DType>(type));
    }
    return "";
}

} // namespace pteron::tosa
