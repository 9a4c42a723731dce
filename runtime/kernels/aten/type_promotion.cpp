#include "runtime/kernels/aten/type_promotion.hpp"

#include "core/scalar_type.hpp"

#include <variant>

namespace pteron::runtime::aten {

bool isFloatType(DType type) {
    return type == DType::Float16 || type == DType::BFloat16 || type == DType::Float32 ||
           type == DType::Float64;
}

bool isIntegralType(DType type, bool includeBool) {
    switch (type) {
    case DType::Bool:
        return includeBool;
    case DType::UInt8:
    case DType::Int8:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int32:
    case DType::UInt32:
    case DType::Int64:
    case DType::UInt64:
        return true;
    default:
        return false;
    }
}

namespace {

int category(DType type) {
    if (type == DType::Bool) return 0;
    if (isFloatType(type)) return 2;
    return 1;
}

int integerRank(DType type) {
    switch (type) {
    case DType::UInt8:
    case DType::Int8:
        return 1;
    case DType::Int16:
    case DType::UInt16:
        return 2;
    case DType::Int32:
    case DType::UInt32:
        return 3;
    default:
        return 4;
    }
}

bool isUnsigned(DType type) {
    return type == DType::UInt8 || type == DType::UInt16 || type == DType::UInt32 ||
           type == DType::UInt64;
}

DType signedOfRank(int rank) {
    switch (rank) {
    case 1:
        return DType::Int8;
    case 2:
        return DType::Int16;
    case 3:
        return DType::Int32;
    default:
        return DType::Int64;
    }
}

int floatRank(DType type) {
    switch (type) {
    case DType::Float16:
    case DType::BFloat16:
        return 1;
    case DType::Float32:
        return 2;
    default:
        return 3;
    }
}

} // namespace

DType promoteTypes(DType a, DType b) {
    if (a == b) return a;
    if (category(a) != category(b)) return category(a) > category(b) ? a : b;
    if (category(a) == 2) {
        if (floatRank(a) == 1 && floatRank(b) == 1) return DType::Float32;
        return floatRank(a) >= floatRank(b) ? a : b;
    }
    const int ra = integerRank(a);
    const int rb = integerRank(b);
    if (isUnsigned(a) == isUnsigned(b)) return ra >= rb ? a : b;
    // Mixed signedness: a signed type wide enough for both.
    const DType signedOne = isUnsigned(a) ? b : a;
    const DType unsignedOne = isUnsigned(a) ? a : b;
    if (integerRank(signedOne) > integerRank(unsignedOne)) return signedOne;
    return signedOfRank(std::min(4, integerRank(unsignedOne) + 1));
}

DType promoteWithScalar(DType tensor, const AttributeValue& scalar) {
    int scalarCategory = 1;
    if (std::holds_alternative<double>(scalar)) scalarCategory = 2;
    if (std::holds_alternative<bool>(scalar)) scalarCategory = 0;
    if (scalarCategory <= category(tensor)) return tensor;
    return scalarCategory == 2 ? DType::Float32 : DType::Int64;
}

DType computeTypeOf(DType common) {
    if (common == DType::Float16 || common == DType::BFloat16) return DType::Float32;
    return common;
}

DType dtypeFromScalarType(std::int64_t scalarType) {
    const auto dtype = pteron::dtypeFromScalarType(scalarType);
    return isFloatType(dtype) || isIntegralType(dtype, true) ? dtype : DType::Unknown;
}

} // namespace pteron::runtime::aten
