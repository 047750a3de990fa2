#ifndef LLB_VECTOR_MATH_H
#define LLB_VECTOR_MATH_H

// The 16-lane helpers every routine of this target is written with (online_softmax.c,
// pointwise.c). Each source is compiled once per instruction set; every copy works on v16
// (one zmm; two ymm in the AVX2 copy), so lanes, tails and the order of every sum are the
// same in all copies, and the copies with FMA fuse the same multiply-adds.

#include "isa.h"
#include <math.h>
#include <string.h>

// The helpers are macros (statement expressions), not functions: a v16 argument would
// need an ABI, and each copy's target differs.
#define load16(p) ({ v16 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define store16(p, v) do { v16 s_ = (v); memcpy((p), &s_, sizeof s_); } while (0)
#define splat16(x) ((v16){0} + (x))
// The first n < 16 floats at p, the other lanes `fill`; and the first n lanes back.
#define load_tail(p, n, fill) ({ v16 v_ = splat16(fill); memcpy(&v_, (p), (size_t)(n) * sizeof(float)); v_; })
#define store_tail(p, n, v) do { v16 s_ = (v); memcpy((p), &s_, (size_t)(n) * sizeof(float)); } while (0)
#define select16(where, a, b) ({ vi16 w_ = (where); (v16)(((vi16)(a) & w_) | ((vi16)(b) & ~w_)); })
// max that never takes a NaN in (as the comparison `x > m` is false for it).
#define MAX(a, b) ((b) > (a) ? (b) : (a))
#define max16(m, x) ({ v16 m_ = (m), x_ = (x); select16(x_ > m_, x_, m_); })
#define ADD(a, b) ((a) + (b))
// Lane sums and maxima in one fixed tree order: 16 -> 8 -> 4 -> 2 -> 1.
#define reduce16(v, OP) ({                                                                 \
        float r_[16];                                                                     \
        v16 v_ = (v);                                                                     \
        memcpy(r_, &v_, sizeof r_);                                                       \
        for (int w_ = 8; w_ >= 1; w_ /= 2)                                                \
            for (int i_ = 0; i_ < w_; i_++) r_[i_] = OP(r_[i_], r_[i_ + w_]);             \
        r_[0];                                                                            \
    })

// exp(x) to about 2 ulp, Cephes expf's polynomial: clamp to [-87, 88], x = k ln2 + r
// with k = round(x log2 e) by the 1.5 * 2^23 trick, e^r by a degree-7 polynomial, 2^k
// from k's bits. Exactly 0 below -87; NaN stays NaN (every comparison with it is false).
#define exp16(x) ({                                                                        \
        v16 x_ = (x);                                                                     \
        vi16 low_ = x_ < -87.0f;                                                          \
        v16 c_ = select16(low_, splat16(-87.0f), select16(x_ > 88.0f, splat16(88.0f), x_)); \
        v16 t_ = c_ * 1.44269504f + 12582912.0f;                                          \
        v16 k_ = t_ - 12582912.0f;                                                        \
        v16 r_ = k_ * 2.1219444e-4f + (k_ * -0.693359375f + c_);                          \
        v16 p_ = splat16(1.98756915e-4f);                                                 \
        p_ = p_ * r_ + 1.3981999507e-3f;                                                  \
        p_ = p_ * r_ + 8.3334519073e-3f;                                                  \
        p_ = p_ * r_ + 4.1665795894e-2f;                                                  \
        p_ = p_ * r_ + 1.6666665459e-1f;                                                  \
        p_ = p_ * r_ + 5.0000001201e-1f;                                                  \
        v16 y_ = p_ * (r_ * r_) + (r_ + 1.0f);                                            \
        vi16 bits_ = ((vi16)t_ - 0x4B400000 + 127) << 23;                                 \
        select16(low_, splat16(0.0f), y_ * (v16)bits_);                                   \
    })

// BODY once per 16 floats of 0..<n, with `w` the floats in this chunk (16, or the tail's
// count). The branch on w == 16 lets the compiler fold load_tail/store_tail's sizes into
// whole-vector moves everywhere but the tail.
#define FOR_CHUNKS16(n, i, w, BODY) \
    for (long i = 0; i < (n); i += 16) { \
        long w = (n) - i < 16 ? (n) - i : 16; \
        if (w == 16) { BODY } else { BODY } \
    }

// The table of a routine's copies, indexed by `enum llb_isa`.
#if defined(__x86_64__)
#define COPIES(NAME) {NAME##_avx512, NAME##_avx2, NAME##_portable}
#else
#define COPIES(NAME) {NULL, NULL, NAME##_portable}
#endif

#endif
