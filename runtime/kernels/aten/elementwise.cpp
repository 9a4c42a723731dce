#include "runtime/kernels/aten/elementwise.hpp"

namespace pteron::runtime::aten {

Tensor scalarTensor(const AttributeValue& scalar, DType dtype) {
    if (const auto* real = std::get_if<double>(&scalar)) {
        const std::vector<double> value{*real};
        return tensorFrom<double>(dtype, {}, value);
    }
    const std::vector<std::int64_t> value{scalarAsInt(scalar)};
    return tensorFrom<std::int64_t>(dtype, {}, value);
}

} // namespace pteron::runtime::aten
