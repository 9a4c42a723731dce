// Reader for ExecuTorch runtime traces (.etdp) opened on their own: one graph per recorded run.
#pragma once

#include "parsers/registry.hpp"

namespace pteron {

FormatReader etdumpFormatReader();

} // namespace pteron
