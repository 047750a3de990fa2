#include "pointwise.h"
#include "vector_math.h"

// SwiGLU and the cross-entropy's softmax, compiled per instruction set as the attention's
// softmax is. Tails go through the same 16-lane code (masked loads), so every element of
// a row, tail or not, gets the same exp.

// 1 / (1 + exp(-g)); exp16 clamps its argument, so no overflow to inf.
#define sigmoid16(g) (1.0f / (1.0f + exp16(-(g))))

#define DEFINE_POINTWISE(SUFFIX, ATTR)                                                      \
ATTR static void swiglu_forward_##SUFFIX(long n, const float *g, const float *u, float *h) { \
    FOR_CHUNKS16(n, i, w,                                                                  \
        v16 gv = load_tail(g + i, w, 0.0f); v16 uv = load_tail(u + i, w, 0.0f);            \
        store_tail(h + i, w, gv * sigmoid16(gv) * uv);)                                    \
}                                                                                          \
ATTR static void swiglu_backward_##SUFFIX(long n, const float *g, const float *u, const float *dh, \
                                          float *dg, float *du) {                          \
    FOR_CHUNKS16(n, i, w,                                                                  \
        v16 gv = load_tail(g + i, w, 0.0f); v16 uv = load_tail(u + i, w, 0.0f);            \
        v16 dhv = load_tail(dh + i, w, 0.0f); v16 sig = sigmoid16(gv);                     \
        store_tail(dg + i, w, dhv * uv * sig * (1.0f + gv * (1.0f - sig)));               \
        store_tail(du + i, w, dhv * gv * sig);)                                            \
}                                                                                          \
ATTR static float log_sum_exp_##SUFFIX(long n, const float *z) {                           \
    v16 mx = splat16(-INFINITY), acc = splat16(0.0f);                                      \
    long i = 0;                                                                            \
    for (; i + 16 <= n; i += 16) mx = max16(mx, load16(z + i));                            \
    if (i < n) mx = max16(mx, load_tail(z + i, n - i, -INFINITY));                         \
    float m = reduce16(mx, MAX);                                                           \
    for (i = 0; i + 16 <= n; i += 16) acc += exp16(load16(z + i) - m);                     \
    if (i < n) acc += exp16(load_tail(z + i, n - i, -INFINITY) - m);                       \
    return m + logf(reduce16(acc, ADD));                                                   \
}                                                                                          \
ATTR static void cross_entropy_gradient_##SUFFIX(long n, float *z, float lse, float scale, long target) { \
    FOR_CHUNKS16(n, i, w, store_tail(z + i, w, scale * exp16(load_tail(z + i, w, 0.0f) - lse));) \
    z[target] -= scale;                                                                    \
}                                                                                          \
ATTR static void exp_##SUFFIX(long n, const float *x, float *y) {                          \
    FOR_CHUNKS16(n, i, w, store_tail(y + i, w, exp16(load_tail(x + i, w, 0.0f)));)        \
}

DEFINE_POINTWISE(portable, )
#if defined(__x86_64__)
DEFINE_POINTWISE(avx512, LLB_AVX512_TARGET)
DEFINE_POINTWISE(avx2, LLB_AVX2_TARGET)
#endif

static void (*const swiglu_forward_copies[LLB_ISA_COUNT])(long, const float *, const float *, float *) =
    COPIES(swiglu_forward);
static void (*const swiglu_backward_copies[LLB_ISA_COUNT])(long, const float *, const float *, const float *,
                                                           float *, float *) = COPIES(swiglu_backward);
static float (*const log_sum_exp_copies[LLB_ISA_COUNT])(long, const float *) = COPIES(log_sum_exp);
static void (*const cross_entropy_gradient_copies[LLB_ISA_COUNT])(long, float *, float, float, long) =
    COPIES(cross_entropy_gradient);
static void (*const exp_copies[LLB_ISA_COUNT])(long, const float *, float *) = COPIES(exp);

void llb_swiglu_forward(long n, const float *g, const float *u, float *h) {
    swiglu_forward_copies[llb_isa_chosen](n, g, u, h);
}

void llb_swiglu_backward(long n, const float *g, const float *u, const float *dh, float *dg, float *du) {
    swiglu_backward_copies[llb_isa_chosen](n, g, u, dh, dg, du);
}

float llb_log_sum_exp(long n, const float *z) { return log_sum_exp_copies[llb_isa_chosen](n, z); }

void llb_cross_entropy_gradient(long n, float *z, float lse, float scale, long target) {
    cross_entropy_gradient_copies[llb_isa_chosen](n, z, lse, scale, target);
}

int llb_exp_on(const char *isa, long n, const float *x, float *y) {
    int i = llb_isa_named(isa);
    if (i >= 0) exp_copies[i](n, x, y);
    return i >= 0;
}
