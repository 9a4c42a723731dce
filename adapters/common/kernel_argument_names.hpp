// Schema names of the positional arguments of kernels a program calls, so an "arg3" of a
// Cortex-M convolution reads as its "stride".
#pragma once

#include <string>
#include <string_view>

namespace pteron {

// The schema name for the operand or attribute `positional` ("argN", or "argN[i]" for an item
// of a list argument, kept as "name[i]") of kernel `op` ("ns::name" with or without
// ".overload"); `positional` itself when the op's schema is not known or the position is past
// it.
std::string kernelArgumentName(std::string_view op, std::string_view positional);

} // namespace pteron
