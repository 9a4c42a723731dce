// Registers the tflite kernel family: TensorFlow Lite builtin operators with TFLite Micro's
// integer reference semantics (int8, int16, legacy uint8) and plain fp32.
#include "runtime/kernel_registry.hpp"
#include "runtime/kernels/tflite/tflite_family.hpp"

namespace pteron::runtime {

void addTfliteKernels(KernelRegistry& registry) {
    tflite::addConvolutionKernels(registry);
    tflite::addFullyConnectedKernels(registry);
    tflite::addElementwiseKernels(registry);
    tflite::addActivationKernels(registry);
    tflite::addPoolingKernels(registry);
    tflite::addQuantizeKernels(registry);
    tflite::addShapeKernels(registry);
    tflite::addReductionKernels(registry);
    tflite::addTransposeConvKernels(registry);
    tflite::addMatmulKernels(registry);
    tflite::addRectifierKernels(registry);
}

} // namespace pteron::runtime
