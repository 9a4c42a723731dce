#include "core/dtype.hpp"

namespace pteron {

std::string_view dtypeName(DType type) {
    switch (type) {
    case DType::Unknown:
        return "unknown";
    case DType::Bool:
        return "bool";
    case DType::Int4:
        return "int4";
    case DType::UInt4:
        return "uint4";
    case DType::Int8:
        return "int8";
    case DType::UInt8:
        return "uint8";
    case DType::Int16:
        return "int16";
    case DType::UInt16:
        return "uint16";
    case DType::Int32:
        return "int32";
    case DType::UInt32:
        return "uint32";
    case DType::Int48:
        return "int48";
    case DType::Int64:
        return "int64";
    case DType::UInt64:
        return "uint64";
    case DType::Float8E4M3FN:
        return "fp8e4m3fn";
    case DType::Float8E4M3FNUZ:
        return "fp8e4m3fnuz";
    case DType::Float8E5M2:
        return "fp8e5m2";
    case DType::Float8E5M2FNUZ:
        return "fp8e5m2fnuz";
    case DType::Float16:
        return "fp16";
    case DType::BFloat16:
        return "bf16";
    case DType::Float32:
        return "fp32";
    case DType::Float64:
        return "fp64";
    case DType::Complex64:
        return "complex64";
    case DType::Complex128:
        return "complex128";
    case DType::QInt8:
        return "qint8";
    case DType::QUInt8:
        return "quint8";
    case DType::QInt32:
        return "qint32";
    case DType::QUInt4x2:
        return "quint4x2";
    case DType::QUInt2x4:
        return "quint2x4";
    case DType::Bits16:
        return "bits16";
    case DType::String:
        return "string";
    case DType::Shape:
        return "shape";
    case DType::Float6E2M3:
        return "fp6e2m3";
    case DType::Float6E3M2:
        return "fp6e3m2";
    case DType::Float4E2M1:
        return "fp4e2m1";
    case DType::Float8E8M0:
        return "fp8ue8m0";
    case DType::MXInt8:
        return "mxint8";
    }
    return "unknown";
}

unsigned dtypeBits(DType type) {
    switch (type) {
    case DType::Int4:
    case DType::UInt4:
    case DType::Float4E2M1:
        return 4;
    case DType::Float6E2M3:
    case DType::Float6E3M2:
        return 6;
    case DType::Bool:
    case DType::Int8:
    case DType::UInt8:
    case DType::Float8E4M3FN:
    case DType::Float8E4M3FNUZ:
    case DType::Float8E5M2:
    case DType::Float8E5M2FNUZ:
    case DType::QInt8:
    case DType::QUInt8:
    case DType::QUInt4x2:
    case DType::QUInt2x4:
    case DType::Float8E8M0:
    case DType::MXInt8:
        return 8;
    case DType::Int16:
    case DType::UInt16:
    case DType::Float16:
    case DType::BFloat16:
    case DType::Bits16:
        return 16;
    case DType::Int32:
    case DType::UInt32:
    case DType::Float32:
    case DType::QInt32:
        return 32;
    case DType::Int48:
        return 48;
    case DType::Int64:
    case DType::UInt64:
    case DType::Float64:
    case DType::Complex64:
    case DType::Shape:
        return 64;
    case DType::Complex128:
        return 128;
    case DType::Unknown:
    case DType::String:
        return 0;
    }
    return 0;
}

std::uint64_t dtypeStorageBytes(DType type, std::uint64_t elements) {
    const std::uint64_t bits = dtypeBits(type);
    if (bits == 0) return 0;
    if (elements > UINT64_MAX / bits) return UINT64_MAX;
    return (elements * bits + 7) / 8;
}

bool isFloatingPoint(DType type) {
    switch (type) {
    case DType::Float8E4M3FN:
    case DType::Float8E4M3FNUZ:
    case DType::Float8E5M2:
    case DType::Float8E5M2FNUZ:
    case DType::Float16:
    case DType::BFloat16:
    case DType::Float32:
    case DType::Float64:
    case DType::Float6E2M3:
    case DType::Float6E3M2:
    case DType::Float4E2M1:
    case DType::Float8E8M0:
        return true;
    default:
        return false;
    }
}

} // namespace pteron
