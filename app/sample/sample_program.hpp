// The bundled sample program: portable kernels around one XNNPACK-delegated partition.
#pragma once

#include <string>

namespace pteron {

// Writes the sample to `path`: quantize -> XnnpackBackend (FullyConnected, Clamp) ->
// dequantize -> add of a constant bias, all built with the project's own flatbuffer builders.
void writeSampleProgram(const std::string& path);

} // namespace pteron
