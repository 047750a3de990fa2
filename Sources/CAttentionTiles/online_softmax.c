#include "online_softmax.h"
#include "isa.h"
#include <math.h>
#include <string.h>

// One source, compiled per instruction set as tile_product.c is. Every copy works on v16
// (16 lanes; two ymm registers in the AVX2 copy), so lanes, tails and the order of every
// sum are the same in all copies, and the copies with FMA fuse the same multiply-adds.

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

// exp(x), the polynomial of TileMath.exp (Cephes expf): clamp to [-87, 88], x = k ln2 + r
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

#define DEFINE_SOFTMAX(SUFFIX, ATTR)                                                        \
ATTR static void online_softmax_##SUFFIX(long rows, long cols, float *s, long lds,          \
                                         float *m, float *l, float *o, long ldo, long hd) { \
    for (long r = 0; r < rows; r++) {                                                      \
        float *row = s + r * lds;                                                          \
        v16 mx = splat16(-INFINITY);                                                      \
        long c = 0;                                                                        \
        for (; c + 16 <= cols; c += 16) mx = max16(mx, load16(row + c));                   \
        if (c < cols) mx = max16(mx, load_tail(row + c, cols - c, -INFINITY));             \
        float rowMax = reduce16(mx, MAX), newMax = MAX(m[r], rowMax);                             \
        if (newMax == -INFINITY) { memset(row, 0, (size_t)cols * sizeof(float)); continue; } \
        /* The max rarely moves once a few tiles are seen: skip the exp then. */           \
        float correction = m[r] == newMax ? 1.0f : exp16(splat16(m[r] - newMax))[0];   \
        v16 acc = splat16(0.0f);                                                                \
        for (c = 0; c + 16 <= cols; c += 16) {                                             \
            v16 e = exp16(load16(row + c) - newMax);                                       \
            store16(row + c, e);                                                           \
            acc += e;                                                                      \
        }                                                                                  \
        if (c < cols) {                                                                    \
            v16 e = exp16(load_tail(row + c, cols - c, -INFINITY) - newMax);               \
            store_tail(row + c, cols - c, e);                                              \
            acc += e;                                                                      \
        }                                                                                  \
        l[r] = l[r] * correction + reduce16(acc, ADD);                                             \
        if (correction != 1.0f) {                                                          \
            float *orow = o + r * ldo;                                                     \
            for (c = 0; c + 16 <= hd; c += 16) store16(orow + c, load16(orow + c) * correction); \
            for (; c < hd; c++) orow[c] *= correction;                                     \
        }                                                                                  \
        m[r] = newMax;                                                                     \
    }                                                                                      \
}                                                                                          \
ATTR static void softmax_recompute_##SUFFIX(long rows, long cols, float *p, long ldp,       \
                                            const float *lse) {                            \
    for (long r = 0; r < rows; r++) {                                                      \
        float *row = p + r * ldp;                                                          \
        long c = 0;                                                                        \
        for (; c + 16 <= cols; c += 16) store16(row + c, exp16(load16(row + c) - lse[r])); \
        if (c < cols) store_tail(row + c, cols - c, exp16(load_tail(row + c, cols - c, 0) - lse[r])); \
    }                                                                                      \
}                                                                                          \
ATTR static void softmax_gradient_##SUFFIX(long rows, long cols, const float *p, long ldp,  \
                                           float *ds, long ldds, const float *d) {         \
    for (long r = 0; r < rows; r++) {                                                      \
        const float *prow = p + r * ldp;                                                   \
        float *row = ds + r * ldds;                                                        \
        long c = 0;                                                                        \
        for (; c + 16 <= cols; c += 16)                                                    \
            store16(row + c, load16(prow + c) * (load16(row + c) - d[r]));                 \
        for (; c < cols; c++) row[c] = prow[c] * (row[c] - d[r]);                          \
    }                                                                                      \
}

DEFINE_SOFTMAX(portable, )
#if defined(__x86_64__)
DEFINE_SOFTMAX(avx512, LLB_AVX512_TARGET)
DEFINE_SOFTMAX(avx2, LLB_AVX2_TARGET)
#define COPIES(NAME) {NAME##_avx512, NAME##_avx2, NAME##_portable}
#else
#define COPIES(NAME) {NULL, NULL, NAME##_portable}
#endif

typedef void (*online_softmax_fn)(long, long, float *, long, float *, float *, float *, long, long);
typedef void (*softmax_recompute_fn)(long, long, float *, long, const float *);
typedef void (*softmax_gradient_fn)(long, long, const float *, long, float *, long, const float *);
static const online_softmax_fn online_softmax_copies[LLB_ISA_COUNT] = COPIES(online_softmax);
static const softmax_recompute_fn softmax_recompute_copies[LLB_ISA_COUNT] = COPIES(softmax_recompute);
static const softmax_gradient_fn softmax_gradient_copies[LLB_ISA_COUNT] = COPIES(softmax_gradient);

void llb_online_softmax(long rows, long cols, float *s, long lds, float *m, float *l, float *o, long ldo, long hd) {
    online_softmax_copies[llb_isa_chosen](rows, cols, s, lds, m, l, o, ldo, hd);
}

void llb_softmax_recompute(long rows, long cols, float *p, long ldp, const float *lse) {
    softmax_recompute_copies[llb_isa_chosen](rows, cols, p, ldp, lse);
}

void llb_softmax_gradient(long rows, long cols, const float *p, long ldp, float *ds, long ldds, const float *d) {
    softmax_gradient_copies[llb_isa_chosen](rows, cols, p, ldp, ds, ldds, d);
}

int llb_online_softmax_on(const char *isa, long rows, long cols, float *s, long lds,
                          float *m, float *l, float *o, long ldo, long hd) {
    int i = llb_isa_named(isa);
    if (i >= 0) online_softmax_copies[i](rows, cols, s, lds, m, l, o, ldo, hd);
    return i >= 0;
}

int llb_softmax_recompute_on(const char *isa, long rows, long cols, float *p, long ldp, const float *lse) {
    int i = llb_isa_named(isa);
    if (i >= 0) softmax_recompute_copies[i](rows, cols, p, ldp, lse);
    return i >= 0;
}

int llb_softmax_gradient_on(const char *isa, long rows, long cols, const float *p, long ldp,
                            float *ds, long ldds, const float *d) {
    int i = llb_isa_named(isa);
    if (i >= 0) softmax_gradient_copies[i](rows, cols, p, ldp, ds, ldds, d);
    return i >= 0;
}
