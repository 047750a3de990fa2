#include "rope.h"
#include "vector_math.h"

// RoPE's rotation, compiled per instruction set: 16 pairs at a time, where Swift's loop ran
// a closure per row and a scalar pair at a time (2% of an S2 step at mini).

#define DEFINE_ROPE(SUFFIX, ATTR)                                                           \
ATTR static void rope_##SUFFIX(long lo, long hi, long heads, long hd, long period, const float *cs, \
                               const float *sn, float sign, float *x) {                    \
    long half = hd / 2;                                                                    \
    for (long r = lo; r < hi; r++) {                                                       \
        const float *c = cs + (r % period) * half, *s = sn + (r % period) * half;         \
        for (long h = 0; h < heads; h++) {                                                 \
            float *v = x + (r * heads + h) * hd;                                           \
            FOR_CHUNKS16(half, i, n,                                                       \
                v16 x1 = load_tail(v + i, n, 0.0f); v16 x2 = load_tail(v + half + i, n, 0.0f); \
                v16 cv = load_tail(c + i, n, 0.0f); v16 sv = sign * load_tail(s + i, n, 0.0f); \
                store_tail(v + i, n, x1 * cv - x2 * sv);                                   \
                store_tail(v + half + i, n, x2 * cv + x1 * sv);)                           \
        }                                                                                  \
    }                                                                                      \
}

DEFINE_ROPE(portable, )
#if defined(__x86_64__)
DEFINE_ROPE(avx512, LLB_AVX512_TARGET)
DEFINE_ROPE(avx2, LLB_AVX2_TARGET)
#endif

static void (*const rope_copies[LLB_ISA_COUNT])(long, long, long, long, long, const float *, const float *, float,
                                                float *) = COPIES(rope);

void llb_rope_apply(long lo, long hi, long heads, long hd, long period, const float *cos, const float *sin,
                    float sign, float *x) {
    rope_copies[llb_isa_chosen](lo, hi, heads, hd, period, cos, sin, sign, x);
}
