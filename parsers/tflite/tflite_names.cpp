#include "parsers/tflite/tflite_names.hpp"

namespace pteron::tflite {

std::int32_t builtinCode(const fb::OperatorCode& code) {
    const auto extended = static_cast<std::int32_t>(code.builtin_code());
    const auto legacy = static_cast<std::int32_t>(code.deprecated_builtin_code());
    return extended != 0 ? extended : legacy;
}

std::string customCode(const fb::OperatorCode* code) {
    if (!code || builtinCode(*code) != static_cast<std::int32_t>(fb::BuiltinOperator::CUSTOM))
        return {};
    return code->custom_code() ? code->custom_code()->str() : std::string{};
}

std::string operatorName(const fb::OperatorCode* code) {
    if (!code) return "tflite.UNKNOWN";
    const auto number = builtinCode(*code);
    if (number == static_cast<std::int32_t>(fb::BuiltinOperator::CUSTOM))
        return "tflite.custom:" + customCode(code);
    const std::string name = fb::EnumNameBuiltinOperator(static_cast<fb::BuiltinOperator>(number));
    return name.empty() ? "tflite.BUILTIN_" + std::to_string(number) : "tflite." + name;
}

DType dtypeOf(fb::TensorType type) {
    using T = fb::TensorType;
    switch (type) {
    case T::FLOAT32:
        return DType::Float32;
    case T::FLOAT16:
        return DType::Float16;
    case T::INT32:
        return DType::Int32;
    case T::UINT8:
        return DType::UInt8;
    case T::INT64:
        return DType::Int64;
    case T::STRING:
        return DType::String;
    case T::BOOL:
        return DType::Bool;
    case T::INT16:
        return DType::Int16;
    case T::COMPLEX64:
        return DType::Complex64;
    case T::INT8:
        return DType::Int8;
    case T::FLOAT64:
        return DType::Float64;
    case T::COMPLEX128:
        return DType::Complex128;
    case T::UINT64:
        return DType::UInt64;
    case T::UINT32:
        return DType::UInt32;
    case T::UINT16:
        return DType::UInt16;
    case T::INT4:
        return DType::Int4;
    case T::BFLOAT16:
        return DType::BFloat16;
    case T::RESOURCE:
    case T::VARIANT:
        break;
    }
    return DType::Unknown;
}

namespace {
template <typename E> EnumValue named(const char* name, E value) {
    const auto number = static_cast<std::int64_t>(value);
    return {*name ? std::string(name) : "UNKNOWN_" + std::to_string(number), number};
}
} // namespace

EnumValue tensorTypeValue(fb::TensorType type) {
    return named(fb::EnumNameTensorType(type), type);
}

EnumValue paddingValue(fb::Padding padding) {
    return named(fb::EnumNamePadding(padding), padding);
}

EnumValue activationValue(fb::ActivationFunctionType activation) {
    return named(fb::EnumNameActivationFunctionType(activation), activation);
}

} // namespace pteron::tflite
