#include "online_softmax.h"
#include "vector_math.h"

// The attention kernel's softmax, compiled per instruction set as tile_product.c is, on
// the 16-lane helpers of vector_math.h.

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
