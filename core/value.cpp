#include "core/value.hpp"

namespace pteron {

std::string_view valueKindName(ValueKind kind) {
    switch (kind) {
    case ValueKind::Intermediate:
        return "intermediate";
    case ValueKind::Input:
        return "input";
    case ValueKind::Output:
        return "output";
    case ValueKind::Constant:
        return "constant";
    case ValueKind::Scalar:
        return "scalar";
    case ValueKind::Absent:
        return "absent";
    }
    return "intermediate";
}

std::uint64_t Value::elementCount() const {
    std::uint64_t count = 1;
    for (auto dim : shape) {
        if (dim < 0) return 0;
        const auto size = static_cast<std::uint64_t>(dim);
        if (size != 0 && count > UINT64_MAX / size) return UINT64_MAX;
        count *= size;
    }
    return count;
}

std::string Value::typeText() const {
    if (kind == ValueKind::Absent) return "none";
    if (!hasShape) {
        if (kind == ValueKind::Scalar) return toString(scalar);
        return std::string(dtypeName(dtype));
    }
    std::string text(dtypeName(dtype));
    text += '[';
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) text += ',';
        if (shape[i] < 0) {
            text += '?';
            continue;
        }
        if (dynamism != ShapeDynamism::Static) text += "<=";
        text += std::to_string(shape[i]);
    }
    return text + ']';
}

} // namespace pteron
