// Which positional arguments of well-known kernels are ScalarType numbers, so they print by name.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace pteron {

// Argument positions holding a ScalarType for `op` ("ns::name", with or without ".overload");
// empty for operators whose schema the project does not know.
std::span<const std::size_t> scalarTypeArguments(std::string_view op);

} // namespace pteron
