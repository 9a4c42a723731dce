// Reader for ExecuTorch programs (.pte): execution plans become graphs, delegates become
// partitions.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader pteFormatReader();

} // namespace pteron
