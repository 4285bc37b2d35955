// SPDX-License-Identifier: Apache-2.0
// The products the GEMM micro-benchmarks time, f32 and int8 alike (the design's rule:
// benchmarks reuse the shapes the models run): 1024^3, and the convolutions of the ResNets
// and MobileNet as GEMMs (M = output channels, N = output pixels, K = input channels x
// kernel area) and the transformer encoder's projections (M = tokens).
#pragma once

#include <cstdint>

namespace vigil::bench {

struct GemmShape {
  const char* name;
  int64_t m, n, k;
};

inline constexpr GemmShape kGemmShapes[] = {
    {"square_1024", 1024, 1024, 1024},
    {"resnet_conv1_7x7", 64, 12544, 147},
    {"resnet_layer1_3x3", 64, 3136, 576},
    {"resnet_layer2_3x3", 128, 784, 1152},
    {"resnet_layer3_3x3", 256, 196, 2304},
    {"resnet_layer4_3x3", 512, 49, 4608},
    {"resnet50_layer1_1x1_reduce", 64, 3136, 256},
    {"resnet50_layer1_1x1_expand", 256, 3136, 64},
    {"resnet50_layer2_1x1_reduce", 128, 784, 512},
    {"resnet50_layer3_1x1_reduce", 256, 196, 1024},
    {"resnet50_layer4_1x1_expand", 2048, 49, 512},
    {"mobilenet_1x1_expand", 144, 3136, 24},
    {"mobilenet_1x1_project", 24, 3136, 144},
    {"transformer_qkv_out", 128, 256, 256},
    {"transformer_ffn_up", 128, 1024, 256},
    {"transformer_ffn_down", 128, 256, 1024},
};

}  // namespace vigil::bench
