// SPDX-License-Identifier: Apache-2.0
// The vector unary, binary and reduce primitives written once over a small vector type V
// that each ISA's translation unit defines (kernels/x86/avx2/f32_vmath__avx2.cc,
// kernels/x86/avx512/f32_vmath__avx512.cc) and then instantiates. Included only from
// those files, so everything here is compiled with that ISA's flags.
//
// V provides: F (a vector of kWidth floats), M (a lane mask), load/store (unaligned),
// load_partial/store_partial (the first r lanes; loads fill the rest with 0),
// select_first (zero lanes from r on), select_first_or (lanes from r on set to a fill),
// set1, add, sub, mul, div, max and min (the second operand when either is NaN), fmadd
// (a b + c), fnmadd (c - a b), sqrt, round (to nearest), abs, copy_sign (magnitude of a,
// sign of b), less, select (m ? a : b), scale_pow2 (a * 2^n for integral n in [-160, 160]),
// even_lanes / odd_lanes (the even or odd elements of the 2 kWidth floats lo, hi, in
// order), and the horizontal hsum and hmax.
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/binary.h"
#include "kernels/epilogue.h"
#include "kernels/unary.h"
#include "kernels/reduce.h"
#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels::vmath {

// y = op(x) over n elements, the tail through a partial load and store.
template <class V, class Op>
inline void map_unary(int64_t n, const float* x, float* y, const Op& op) {
  int64_t i = 0;
  for (; i + 2 * V::kWidth <= n; i += 2 * V::kWidth) {
    const typename V::F a = op(V::load(x + i));
    const typename V::F b = op(V::load(x + i + V::kWidth));
    V::store(y + i, a);
    V::store(y + i + V::kWidth, b);
  }
  for (; i < n; i += V::kWidth) {
    const int r = static_cast<int>(n - i < V::kWidth ? n - i : V::kWidth);
    if (r == V::kWidth) {
      V::store(y + i, op(V::load(x + i)));
    } else {
      V::store_partial(y + i, op(V::load_partial(x + i, r)), r);
    }
  }
}

// exp(x): Cody-Waite reduction x = k ln2 + r with |r| <= ln2 / 2, a degree-7 polynomial
// for exp(r) (Cephes' expf coefficients), and the scale by 2^k in two steps so that
// results near overflow and in the subnormal range come out right. The clamp keeps NaN
// (max and min return their second operand for NaN).
template <class V>
inline typename V::F exp(typename V::F x) {
  x = V::min(V::set1(89.0f), V::max(V::set1(-104.0f), x));
  const typename V::F k = V::round(V::mul(x, V::set1(1.44269504088896341f)));
  typename V::F r = V::fnmadd(k, V::set1(0.693359375f), x);
  r = V::fnmadd(k, V::set1(-2.12194440e-4f), r);
  typename V::F p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  p = V::fmadd(p, V::mul(r, r), V::add(r, V::set1(1.0f)));
  return V::scale_pow2(p, k);
}

template <class V>
inline typename V::F sigmoid(typename V::F x) {
  const typename V::F one = V::set1(1.0f);
  return V::div(one, V::add(one, exp<V>(V::sub(V::set1(0.0f), x))));
}

// tanh: an odd polynomial below |x| = 0.625 (Cephes' tanhf coefficients), where
// 1 - 2 / (exp(2|x|) + 1) would cancel; that form above, with x's sign.
template <class V>
inline typename V::F tanh(typename V::F x) {
  const typename V::F a = V::abs(x);
  const typename V::F z = V::mul(x, x);
  typename V::F p = V::set1(-5.70498872745e-3f);
  p = V::fmadd(p, z, V::set1(2.06390887954e-2f));
  p = V::fmadd(p, z, V::set1(-5.37397155531e-2f));
  p = V::fmadd(p, z, V::set1(1.33314422036e-1f));
  p = V::fmadd(p, z, V::set1(-3.33332819422e-1f));
  const typename V::F small = V::fmadd(V::mul(p, z), x, x);
  const typename V::F one = V::set1(1.0f);
  const typename V::F e = exp<V>(V::add(a, a));
  const typename V::F large = V::sub(one, V::div(V::set1(2.0f), V::add(e, one)));
  return V::select(V::less(a, V::set1(0.625f)), small, V::copy_sign(large, x));
}

// erf(|x|) pieces: below 0.5 the Taylor series to x^13 (error under 2e-8); above,
// erfc(|x|) = t P(t) exp(-x^2) with t = 1 / (1 + 0.3275911 |x|) (Abramowitz and Stegun
// 7.1.26, absolute error 1.5e-7). Returns erf(x) via `erf`, and 1 + erf(x) via
// `one_plus_erf` without the cancellation for negative x (GELU).
template <class V>
struct ErfParts {
  typename V::F small;     // erf(x) by the series (valid for |x| < 0.5)
  typename V::F erfc_abs;  // erfc(|x|) by A&S (valid for |x| >= 0.5)
  typename V::M is_small;
};

template <class V>
inline ErfParts<V> erf_parts(typename V::F x) {
  const typename V::F a = V::abs(x);
  const typename V::F z = V::mul(x, x);
  typename V::F s = V::set1(1.0f / 75600.0f);  // series of erf(x) * sqrt(pi) / 2 / x in z
  s = V::fnmadd(s, z, V::set1(1.0f / 9360.0f));
  s = V::fnmadd(s, z, V::set1(1.0f / 1320.0f));
  s = V::fnmadd(s, z, V::set1(1.0f / 216.0f));
  s = V::fnmadd(s, z, V::set1(1.0f / 42.0f));
  s = V::fnmadd(s, z, V::set1(1.0f / 10.0f));
  s = V::fnmadd(s, z, V::set1(1.0f / 3.0f));
  s = V::fnmadd(s, z, V::set1(1.0f));
  const typename V::F small = V::mul(V::mul(s, x), V::set1(1.12837916709551257f));
  const typename V::F t = V::div(V::set1(1.0f), V::fmadd(a, V::set1(0.3275911f), V::set1(1.0f)));
  typename V::F p = V::set1(1.061405429f);
  p = V::fmadd(p, t, V::set1(-1.453152027f));
  p = V::fmadd(p, t, V::set1(1.421413741f));
  p = V::fmadd(p, t, V::set1(-0.284496736f));
  p = V::fmadd(p, t, V::set1(0.254829592f));
  const typename V::F erfc_abs = V::mul(V::mul(p, t), exp<V>(V::sub(V::set1(0.0f), z)));
  return {small, erfc_abs, V::less(a, V::set1(0.5f))};
}

template <class V>
inline typename V::F erf(typename V::F x) {
  const ErfParts<V> e = erf_parts<V>(x);
  const typename V::F large = V::copy_sign(V::sub(V::set1(1.0f), e.erfc_abs), x);
  return V::select(e.is_small, e.small, large);
}

template <class V>
inline typename V::F gelu(typename V::F x) {
  const ErfParts<V> e = erf_parts<V>(V::mul(x, V::set1(0.70710678118654752f)));
  // 1 + erf(z) is 2 - erfc(|z|) for z >= 0 and erfc(|z|) for z < 0.
  const typename V::F large = V::select(V::less(x, V::set1(0.0f)), e.erfc_abs, V::sub(V::set1(2.0f), e.erfc_abs));
  const typename V::F one_plus = V::select(e.is_small, V::add(V::set1(1.0f), e.small), large);
  return V::mul(V::mul(V::set1(0.5f), x), one_plus);
}

template <class V>
inline typename V::F clamp(typename V::F x, float lower, float upper) {
  return V::min(V::set1(upper), V::max(V::set1(lower), x));  // keeps NaN
}

template <class V>
void activation(const ActivationSpec& a, int64_t n, const float* x, float* y) {
  using F = typename V::F;
  switch (a.kind) {
    case Activation::None:
      if (x != y) map_unary<V>(n, x, y, [](F v) { return v; });
      return;
    case Activation::Relu: return map_unary<V>(n, x, y, [](F v) { return V::max(V::set1(0.0f), v); });
    case Activation::Clip:
      return map_unary<V>(n, x, y, [lo = a.alpha, hi = a.beta](F v) { return clamp<V>(v, lo, hi); });
    case Activation::LeakyRelu:
      return map_unary<V>(n, x, y, [alpha = a.alpha](F v) {
        return V::select(V::less(v, V::set1(0.0f)), V::mul(v, V::set1(alpha)), v);
      });
    case Activation::Sigmoid: return map_unary<V>(n, x, y, [](F v) { return sigmoid<V>(v); });
    case Activation::Tanh: return map_unary<V>(n, x, y, [](F v) { return tanh<V>(v); });
    case Activation::Gelu: return map_unary<V>(n, x, y, [](F v) { return gelu<V>(v); });
    case Activation::HardSigmoid:
      return map_unary<V>(n, x, y, [alpha = a.alpha, beta = a.beta](F v) {
        return V::min(V::set1(1.0f), V::max(V::set1(0.0f), V::fmadd(v, V::set1(alpha), V::set1(beta))));
      });
  }
}

template <class V>
void unary(UnaryFunction f, int64_t n, const float* x, float* y) {
  using F = typename V::F;
  switch (f) {
    case UnaryFunction::Exp: return map_unary<V>(n, x, y, [](F v) { return exp<V>(v); });
    case UnaryFunction::Sqrt: return map_unary<V>(n, x, y, [](F v) { return V::sqrt(v); });
    case UnaryFunction::Reciprocal: return map_unary<V>(n, x, y, [](F v) { return V::div(V::set1(1.0f), v); });
    case UnaryFunction::Erf: return map_unary<V>(n, x, y, [](F v) { return erf<V>(v); });
    case UnaryFunction::HardSwish:
      return map_unary<V>(n, x, y, [](F v) {
        const F h = V::add(V::div(v, V::set1(6.0f)), V::set1(0.5f));
        return V::mul(v, V::min(V::set1(1.0f), V::max(V::set1(0.0f), h)));
      });
    case UnaryFunction::Neg: return map_unary<V>(n, x, y, [](F v) { return V::sub(V::set1(0.0f), v); });
    case UnaryFunction::Abs: return map_unary<V>(n, x, y, [](F v) { return V::abs(v); });
  }
}

template <class V>
void affine(int64_t n, const float* x, float scale, float shift, float* y) {
  using F = typename V::F;
  map_unary<V>(n, x, y, [s = V::set1(scale), t = V::set1(shift)](F v) { return V::fmadd(v, s, t); });
}

// One binary operation, fixed at compile time so the loop holds one instruction.
template <class V, BinaryOp Op>
inline typename V::F combine(typename V::F a, typename V::F b) {
  if constexpr (Op == BinaryOp::Add) return V::add(a, b);
  if constexpr (Op == BinaryOp::Sub) return V::sub(a, b);
  if constexpr (Op == BinaryOp::Mul) return V::mul(a, b);
  if constexpr (Op == BinaryOp::Div) return V::div(a, b);
  if constexpr (Op == BinaryOp::Max) return V::max(a, b);
  if constexpr (Op == BinaryOp::Min) return V::min(a, b);
}

template <class V, BinaryOp Op>
void binary_same(int64_t n, const float* a, const float* b, float* y) {
  int64_t i = 0;
  for (; i + 2 * V::kWidth <= n; i += 2 * V::kWidth) {
    const typename V::F r0 = combine<V, Op>(V::load(a + i), V::load(b + i));
    const typename V::F r1 = combine<V, Op>(V::load(a + i + V::kWidth), V::load(b + i + V::kWidth));
    V::store(y + i, r0);
    V::store(y + i + V::kWidth, r1);
  }
  for (; i < n; i += V::kWidth) {
    const int r = static_cast<int>(n - i < V::kWidth ? n - i : V::kWidth);
    V::store_partial(y + i, combine<V, Op>(V::load_partial(a + i, r), V::load_partial(b + i, r)), r);
  }
}

template <class V, BinaryOp Op>
void binary_scalar_op(int64_t n, const float* a, float b, bool swapped, float* y) {
  using F = typename V::F;
  const F s = V::set1(b);
  if (swapped) {
    map_unary<V>(n, a, y, [s](F v) { return combine<V, Op>(s, v); });
  } else {
    map_unary<V>(n, a, y, [s](F v) { return combine<V, Op>(v, s); });
  }
}

// Calls Kernel<V, op>::run(args...) for the run-time op.
template <class V, template <class, BinaryOp> class Kernel, class... Args>
void dispatch_binary(BinaryOp op, Args... args) {
  switch (op) {
    case BinaryOp::Add: return Kernel<V, BinaryOp::Add>::run(args...);
    case BinaryOp::Sub: return Kernel<V, BinaryOp::Sub>::run(args...);
    case BinaryOp::Mul: return Kernel<V, BinaryOp::Mul>::run(args...);
    case BinaryOp::Div: return Kernel<V, BinaryOp::Div>::run(args...);
    case BinaryOp::Max: return Kernel<V, BinaryOp::Max>::run(args...);
    case BinaryOp::Min: return Kernel<V, BinaryOp::Min>::run(args...);
  }
}

template <class V, BinaryOp Op>
struct SameKernel {
  static void run(int64_t n, const float* a, const float* b, float* y) { binary_same<V, Op>(n, a, b, y); }
};
template <class V, BinaryOp Op>
struct ScalarKernel {
  static void run(int64_t n, const float* a, float b, bool swapped, float* y) {
    binary_scalar_op<V, Op>(n, a, b, swapped, y);
  }
};

template <class V>
void binary(BinaryOp op, int64_t n, const float* a, const float* b, float* y) {
  dispatch_binary<V, SameKernel>(op, n, a, b, y);
}

template <class V>
void binary_scalar(BinaryOp op, int64_t n, const float* a, float b, bool swapped, float* y) {
  dispatch_binary<V, ScalarKernel>(op, n, a, b, swapped, y);
}

template <class V>
void multiply_add(int64_t n, const float* x, const float* scale, const float* shift, float* y) {
  int64_t i = 0;
  for (; i + V::kWidth <= n; i += V::kWidth) {
    V::store(y + i, V::fmadd(V::load(x + i), V::load(scale + i), V::load(shift + i)));
  }
  if (i < n) {
    const int r = static_cast<int>(n - i);
    V::store_partial(
        y + i, V::fmadd(V::load_partial(x + i, r), V::load_partial(scale + i, r), V::load_partial(shift + i, r)), r);
  }
}

// Sum-like reductions: four named accumulators (GCC keeps arrays of vectors in memory),
// term(v) maps each loaded vector; the partial tail loads zeros, so term(0) must be 0.
template <class V, class Term>
inline float reduce_sum(int64_t n, const float* x, const Term& term) {
  using F = typename V::F;
  constexpr int64_t w = V::kWidth;
  F s0 = V::set1(0.0f), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) {
    s0 = V::add(s0, term(V::load(x + i)));
    s1 = V::add(s1, term(V::load(x + i + w)));
    s2 = V::add(s2, term(V::load(x + i + 2 * w)));
    s3 = V::add(s3, term(V::load(x + i + 3 * w)));
  }
  for (; i + w <= n; i += w) s0 = V::add(s0, term(V::load(x + i)));
  if (i < n)
    s1 = V::add(s1, V::select_first(term(V::load_partial(x + i, static_cast<int>(n - i))), static_cast<int>(n - i)));
  return V::hsum(V::add(V::add(s0, s1), V::add(s2, s3)));
}

template <class V>
float sum(int64_t n, const float* x) {
  return reduce_sum<V>(n, x, [](typename V::F v) { return v; });
}

template <class V>
float sum_squares(int64_t n, const float* x, float offset) {
  const typename V::F o = V::set1(offset);
  return reduce_sum<V>(n, x, [o](typename V::F v) {
    const typename V::F d = V::sub(v, o);
    return V::mul(d, d);
  });
}

template <class V>
float max(int64_t n, const float* x) {
  using F = typename V::F;
  constexpr int64_t w = V::kWidth;
  const F lowest = V::set1(-std::numeric_limits<float>::infinity());
  F m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
  int64_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) {
    m0 = V::max(V::load(x + i), m0);
    m1 = V::max(V::load(x + i + w), m1);
    m2 = V::max(V::load(x + i + 2 * w), m2);
    m3 = V::max(V::load(x + i + 3 * w), m3);
  }
  for (; i + w <= n; i += w) m0 = V::max(V::load(x + i), m0);
  if (i < n) {
    const int r = static_cast<int>(n - i);
    m1 = V::max(V::select_first_or(V::load_partial(x + i, r), r, lowest), m1);
  }
  return V::hmax(V::max(V::max(m0, m1), V::max(m2, m3)));
}

template <class V>
float exp_sum(int64_t n, const float* x, float offset, float* y) {
  using F = typename V::F;
  constexpr int64_t w = V::kWidth;
  const F o = V::set1(offset);
  F s0 = V::set1(0.0f), s1 = s0;
  int64_t i = 0;
  for (; i + 2 * w <= n; i += 2 * w) {
    const F e0 = exp<V>(V::sub(V::load(x + i), o));
    const F e1 = exp<V>(V::sub(V::load(x + i + w), o));
    V::store(y + i, e0);
    V::store(y + i + w, e1);
    s0 = V::add(s0, e0);
    s1 = V::add(s1, e1);
  }
  for (; i < n; i += w) {
    const int r = static_cast<int>(n - i < w ? n - i : w);
    const F e = V::select_first(exp<V>(V::sub(V::load_partial(x + i, r), o)), r);
    V::store_partial(y + i, e, r);
    s0 = V::add(s0, e);
  }
  return V::hsum(V::add(s0, s1));
}

// The windowed row reductions of pooling. Combine is max or add; the scalar loop takes
// the strides other than 1 and 2 and the outputs after the last full vector (for stride
// 2 the vector path reads one element past an even window's last, so it stops one
// output early).
template <class V, bool Max>
void window_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc) {
  using F = typename V::F;
  constexpr int64_t w = V::kWidth;
  auto combine = [](F a, F b) { return Max ? V::max_keeping_nan(a, b) : V::add(a, b); };
  int64_t o = 0;
  if (stride == 1) {
    for (; o + w <= count; o += w) {
      F a = V::load(acc + o);
      for (int64_t k = 0; k < window; ++k) a = combine(a, V::load(x + o + k));
      V::store(acc + o, a);
    }
  } else if (stride == 2) {
    for (; o + w < count; o += w) {
      F a = V::load(acc + o);
      for (int64_t k = 0; k < window; ++k) {
        const float* base = x + 2 * o + (k & ~int64_t{1});
        const F lo = V::load(base), hi = V::load(base + w);
        a = combine(a, (k & 1) ? V::odd_lanes(lo, hi) : V::even_lanes(lo, hi));
      }
      V::store(acc + o, a);
    }
  }
  for (; o < count; ++o) {
    float a = acc[o];
    for (int64_t k = 0; k < window; ++k) {
      const float v = x[o * stride + k];
      a = Max ? max_keeping_nan(a, v) : a + v;
    }
    acc[o] = a;
  }
}

template <class V>
constexpr F32VectorPaths make_paths(const char* name, CpuFeatures needs) {
  return {name,
          needs,
          &activation<V>,
          &unary<V>,
          &affine<V>,
          &binary<V>,
          &binary_scalar<V>,
          &multiply_add<V>,
          &sum<V>,
          &max<V>,
          &sum_squares<V>,
          &exp_sum<V>,
          &window_row<V, true>,
          &window_row<V, false>};
}

}  // namespace vigil::kernels::vmath
