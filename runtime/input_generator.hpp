// Seeded random inputs for graph inputs the user did not give: reproducible from the seed on
// every platform (the generator and the mapping to values are defined here, not by the library).
#pragma once

#include "runtime/interpreter.hpp"
#include "runtime/tensor.hpp"

#include <cstdint>

namespace pteron::runtime {

// Integers cover the type's whole range (int8: -128…127) except int32/int64 inputs, which
// are mostly sizes and indices and get 0…15; bools get 0/1; floats get [-1, 1). Dynamic
// dimensions take their upper bound. `position` is the input's index, so two inputs differ.
Tensor randomInput(const InputSpec& spec, std::uint64_t seed, std::size_t position);

} // namespace pteron::runtime
