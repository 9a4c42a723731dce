#include "core/scalar_type.hpp"

namespace pteron {

DType dtypeFromScalarType(std::int64_t scalarType) {
    switch (scalarType) {
    case 0:
        return DType::UInt8;
    case 1:
        return DType::Int8;
    case 2:
        return DType::Int16;
    case 3:
        return DType::Int32;
    case 4:
        return DType::Int64;
    case 5:
        return DType::Float16;
    case 6:
        return DType::Float32;
    case 7:
        return DType::Float64;
    case 11:
        return DType::Bool;
    case 12:
        return DType::QInt8;
    case 13:
        return DType::QUInt8;
    case 14:
        return DType::QInt32;
    case 15:
        return DType::BFloat16;
    case 16:
        return DType::QUInt4x2;
    case 17:
        return DType::QUInt2x4;
    case 22:
        return DType::Bits16;
    case 23:
        return DType::Float8E5M2;
    case 24:
        return DType::Float8E4M3FN;
    case 25:
        return DType::Float8E5M2FNUZ;
    case 26:
        return DType::Float8E4M3FNUZ;
    case 27:
        return DType::UInt16;
    case 28:
        return DType::UInt32;
    case 29:
        return DType::UInt64;
    default:
        return DType::Unknown;
    }
}

} // namespace pteron
