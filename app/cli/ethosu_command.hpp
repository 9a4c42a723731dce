// `pteron ethosu FILE [--registers]`: the decoded Ethos-U command streams of a Vela .tflite or
// .pte.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace pteron {

int runEthosuCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err);

} // namespace pteron
