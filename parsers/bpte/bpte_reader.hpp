// Reader for ExecuTorch bundled programs (.bpte): the file opens as its embedded program, with
// the bundled test cases described in the model's metadata.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader bpteFormatReader();

} // namespace pteron
