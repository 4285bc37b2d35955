// SPDX-License-Identifier: Apache-2.0
// The bit-serial path of vigil.QConv (ops/quantized/vigil_qconv.cc), for low-bit layers: a
// 2-D convolution of one group whose int8 weights fit one or two bit planes (bipolar +-1,
// as a QONNX BipolarQuant writes them, or signed 1 or 2 bits: ternary) over unsigned 8-bit
// activations that fit few planes (a QONNX 1- or 2-bit Quant after a Relu). It computes
// the same int32 sums as the int8 GEMM, on kernels/bitserial_gemm.h with the weights as
// the broadcast rows and the patches of kernels/bitserial_conv_patches.h as the columns,
// then the int8 GEMM's epilogue (kernels/qs8_requantize_rows.h) and the fused residual
// Add: the output bytes are those of the int8 path, bit for bit.
//
// How many planes the activations need is read from each input (the OR of its bytes and
// the zero point's), so any input is exact: one with wider values runs the int8 path.
// Which layers and inputs take the path: ops/quantized/bit_serial_policy.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/bitserial_conv_patches.h"
#include "kernels/bitserial_gemm.h"
#include "kernels/qs8_add.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "ops/conv_geometry.h"

namespace vigil {

class BitSerialConv {
 public:
  // For weights (m x channels x kh x kw) of one or two bit planes that the path suits,
  // else nullptr, with `refusal` saying why when the weights are low-bit ("" otherwise)
  // and `cpu_refusal` whether the reason is this CPU's kernels rather than the layer.
  // `rows` holds each output channel's epilogue with the int8 GEMM's offset (bias -
  // x_zero_point x the row's weight sum); `output` the bounds.
  static std::unique_ptr<BitSerialConv> prepare(const int8_t* w, int64_t m, int64_t channels, int64_t kernel_h,
                                                int64_t kernel_w, int64_t group, bool signed_activations,
                                                std::vector<kernels::QS8RowEpilogue> rows,
                                                const kernels::QS8TileEpilogue& output, uint8_t x_zero_point,
                                                std::string& refusal, bool& cpu_refusal);

  // The buffers for one geometry (a 2-D window plan) on up to `threads` threads.
  void plan(const WindowPlan& window, int threads);

  // One image (channels x in_h x in_w) into y (m x out_h x out_w), with the fused Add of
  // `residual` when `add` is given. False, with nothing written, when the image's values
  // need more planes than the budget allows.
  bool run(const uint8_t* image, uint8_t* y, const uint8_t* residual, const kernels::QS8AddParameters* add);

  // "bitserial w<bits>a<bits> <kernel>" after a run on this path, else empty.
  std::string algorithm() const;

 private:
  BitSerialConv() = default;
  int activation_planes_allowed() const;

  struct Scratch {
    std::vector<uint64_t> columns;
    std::vector<int32_t> column_sums, column_term, sums;
  };

  int64_t rows_ = 0, channels_ = 0;
  kernels::BitEncoding encoding_;
  std::vector<uint64_t> weights_;  // rows x planes x words (kernels/bitserial_conv_patches.h)
  std::vector<kernels::QS8RowEpilogue> row_epilogues_;
  kernels::QS8TileEpilogue output_;
  uint8_t x_zero_point_ = 0;
  int threads_ = 1;
  int planned_planes_ = 0;  // the activation planes the buffers hold
  kernels::BitSerialConvPatches patches_;
  std::vector<uint64_t> bit_image_;
  std::vector<int32_t> pixel_sums_;
  std::vector<Scratch> scratch_;  // one per thread
  int last_planes_ = 0;           // the activation planes of the last run, 0 after an int8 run
};

}  // namespace vigil
