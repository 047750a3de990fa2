#include "rms_norm.h"
#include "vector_math.h"

// RMSNorm, compiled per instruction set. In Swift each row's sum was one scalar chain of
// d dependent adds (strict floating point cannot reorder it), 4% of an S2 step at mini.

#define DEFINE_RMS_NORM(SUFFIX, ATTR)                                                       \
ATTR static void forward_##SUFFIX(long rows, long d, const float *x, const float *w, float eps, \
                                  float *y, float *rstd) {                                 \
    for (long r = 0; r < rows; r++) {                                                      \
        const float *xr = x + r * d; float *yr = y + r * d;                                \
        v16 ss = splat16(0.0f);                                                            \
        FOR_CHUNKS16(d, j, n, v16 v = load_tail(xr + j, n, 0.0f); ss += v * v;)           \
        float s = 1.0f / sqrtf(reduce16(ss, ADD) / (float)d + eps);                        \
        rstd[r] = s;                                                                       \
        FOR_CHUNKS16(d, j, n, store_tail(yr + j, n, load_tail(xr + j, n, 0.0f) * s * load_tail(w + j, n, 0.0f));) \
    }                                                                                      \
}                                                                                          \
ATTR static void backward_input_##SUFFIX(long rows, long d, const float *x, const float *w, \
                                         const float *rstd, const float *dy, float *dx) {  \
    for (long r = 0; r < rows; r++) {                                                      \
        const float *xr = x + r * d, *gr = dy + r * d; float *dxr = dx + r * d;            \
        float s = rstd[r];                                                                 \
        v16 dot = splat16(0.0f);                                                           \
        FOR_CHUNKS16(d, j, n,                                                              \
            dot += load_tail(gr + j, n, 0.0f) * load_tail(w + j, n, 0.0f) * load_tail(xr + j, n, 0.0f);) \
        float mean = reduce16(dot, ADD) * s / (float)d;                                    \
        FOR_CHUNKS16(d, j, n,                                                              \
            v16 g = load_tail(gr + j, n, 0.0f) * load_tail(w + j, n, 0.0f);                \
            v16 xh = load_tail(xr + j, n, 0.0f) * s;                                       \
            store_tail(dxr + j, n, load_tail(dxr + j, n, 0.0f) + s * (g - xh * mean));)   \
    }                                                                                      \
}                                                                                          \
ATTR static void backward_weight_##SUFFIX(long rows, long d, long lo, long hi, const float *x, \
                                          const float *rstd, const float *dy, float *dw) { \
    FOR_CHUNKS16(hi - lo, j, n,                                                            \
        v16 acc = load_tail(dw + lo + j, n, 0.0f);                                         \
        for (long r = 0; r < rows; r++)                                                    \
            acc += load_tail(dy + r * d + lo + j, n, 0.0f) * load_tail(x + r * d + lo + j, n, 0.0f) * rstd[r]; \
        store_tail(dw + lo + j, n, acc);)                                                  \
}

DEFINE_RMS_NORM(portable, )
#if defined(__x86_64__)
DEFINE_RMS_NORM(avx512, LLB_AVX512_TARGET)
DEFINE_RMS_NORM(avx2, LLB_AVX2_TARGET)
#endif

static void (*const forward_copies[LLB_ISA_COUNT])(long, long, const float *, const float *, float, float *,
                                                   float *) = COPIES(forward);
static void (*const backward_input_copies[LLB_ISA_COUNT])(long, long, const float *, const float *, const float *,
                                                          const float *, float *) = COPIES(backward_input);
static void (*const backward_weight_copies[LLB_ISA_COUNT])(long, long, long, long, const float *, const float *,
                                                           const float *, float *) = COPIES(backward_weight);

void llb_rms_norm_forward(long rows, long d, const float *x, const float *w, float eps, float *y, float *rstd) {
    forward_copies[llb_isa_chosen](rows, d, x, w, eps, y, rstd);
}

void llb_rms_norm_backward_input(long rows, long d, const float *x, const float *w, const float *rstd,
                                 const float *dy, float *dx) {
    backward_input_copies[llb_isa_chosen](rows, d, x, w, rstd, dy, dx);
}

void llb_rms_norm_backward_weight(long rows, long d, long lo, long hi, const float *x, const float *rstd,
                                  const float *dy, float *dw) {
    backward_weight_copies[llb_isa_chosen](rows, d, lo, hi, x, rstd, dy, dw);
}
