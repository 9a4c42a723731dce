// The TFLite kernel family's registration functions, one per operator file.
#pragma once

#include "runtime/kernel_registry.hpp"

namespace pteron::runtime::tflite {

void addConvolutionKernels(KernelRegistry& registry);    // tflite_convolution.cpp
void addFullyConnectedKernels(KernelRegistry& registry); // tflite_fully_connected.cpp
void addElementwiseKernels(KernelRegistry& registry);    // tflite_elementwise.cpp
void addActivationKernels(KernelRegistry& registry);     // tflite_activations.cpp
void addPoolingKernels(KernelRegistry& registry);        // tflite_pooling.cpp
void addQuantizeKernels(KernelRegistry& registry);       // tflite_quantize.cpp
void addShapeKernels(KernelRegistry& registry);          // tflite_shape.cpp
void addReductionKernels(KernelRegistry& registry);      // tflite_reduction.cpp
void addTransposeConvKernels(KernelRegistry& registry);  // tflite_transpose_conv.cpp
void addMatmulKernels(KernelRegistry& registry);         // tflite_batch_matmul.cpp
void addRectifierKernels(KernelRegistry& registry);      // tflite_rectifiers.cpp

} // namespace pteron::runtime::tflite
