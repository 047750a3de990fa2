#include "tile_product.h"
#include "isa.h"
#include <stdlib.h>
#include <string.h>

// One source, compiled per instruction set: a register block of MR rows by two vectors of
// W floats accumulates over p with one broadcast of A(i, p) per row, reading B in place.
// Vectors are clang's vector extensions, so the AVX-512 copy keeps MR * 2 accumulators in
// zmm registers and the AVX2 copy in ymm; the last columns go through a zero-padded copy
// (below), the last rows one at a time.
// `x += s * y` compiles to a fused multiply-add on the copies whose target has FMA
// (-ffp-contract=on), on vectors and scalars alike: so both x86-64 copies give the same bits.

#define LOADV(T, p) ({ T v_; memcpy(&v_, (p), sizeof(T)); v_; })
#define STOREV(T, p, v) do { T s_ = (v); memcpy((p), &s_, sizeof(T)); } while (0)
// C's `cols` (<= W) columns at cp get alpha * acc (+ what they held when accumulating).
#define FINISH(T, W, cp, acc, cols) do {                                                   \
        T r_ = alpha * (acc);                                                               \
        if ((cols) == W) {                                                                  \
            if (accumulate) r_ += LOADV(T, cp);                                             \
            STOREV(T, cp, r_);                                                              \
        } else if ((cols) > 0) {                                                            \
            T c_ = {0};                                                                     \
            if (accumulate) { memcpy(&c_, (cp), (size_t)(cols) * sizeof(float)); r_ += c_; } \
            memcpy((cp), &r_, (size_t)(cols) * sizeof(float));                             \
        }                                                                                   \
    } while (0)

// A panel of 2W columns of B (row stride ldb) times A into C's `cols` <= 2W columns, every
// row: register blocks of MR rows, then single rows.
#define DEFINE_PANEL(NAME, ATTR, T, W, MR)                                                  \
ATTR static inline void NAME(long m, long k, float alpha, const float *a, long rsa, long csa, \
                             const float *b, long ldb, int accumulate, float *c, long ldc, long cols) { \
    long c0 = cols < W ? cols : W, c1 = cols - c0;                                          \
    long i = 0;                                                                             \
    for (; i + MR <= m; i += MR) {                                                          \
        T acc0[MR], acc1[MR];                                                               \
        _Pragma("clang loop unroll(full)")                                                  \
        for (int r = 0; r < MR; r++) { acc0[r] = (T){0}; acc1[r] = (T){0}; }                \
        const float *ai = a + i * rsa;                                                      \
        for (long p = 0; p < k; p++) {                                                      \
            T b0 = LOADV(T, b + p * ldb), b1 = LOADV(T, b + p * ldb + W);                   \
            _Pragma("clang loop unroll(full)")                                              \
            for (int r = 0; r < MR; r++) {                                                  \
                float s = ai[r * rsa + p * csa];                                            \
                acc0[r] += s * b0;                                                          \
                acc1[r] += s * b1;                                                          \
            }                                                                               \
        }                                                                                   \
        _Pragma("clang loop unroll(full)")                                                  \
        for (int r = 0; r < MR; r++) {                                                      \
            FINISH(T, W, c + (i + r) * ldc, acc0[r], c0);                                   \
            FINISH(T, W, c + (i + r) * ldc + W, acc1[r], c1);                               \
        }                                                                                   \
    }                                                                                       \
    for (; i < m; i++) {                                                                    \
        T acc0 = (T){0}, acc1 = (T){0};                                                     \
        for (long p = 0; p < k; p++) {                                                      \
            float s = a[i * rsa + p * csa];                                                 \
            acc0 += s * LOADV(T, b + p * ldb);                                              \
            acc1 += s * LOADV(T, b + p * ldb + W);                                          \
        }                                                                                   \
        FINISH(T, W, c + i * ldc, acc0, c0);                                                \
        FINISH(T, W, c + i * ldc + W, acc1, c1);                                            \
    }                                                                                       \
}

// The columns past the last whole panel (fewer than 2W: a head size of 24 or 40, say) are
// copied once into a zero-padded panel, so they get the same register blocks instead of
// one row and one column at a time (with 24 columns, 12x slower). Each C[i, j] still sums
// over p in order with fused multiply-adds: the same bits as a whole panel.
#define DEFINE_TILE_PRODUCT(NAME, ATTR, T, W, MR)                                            \
DEFINE_PANEL(NAME##_panel, ATTR, T, W, MR)                                                   \
ATTR static void NAME(long m, long n, long k, float alpha, const float *a, long rsa, long csa, \
                      const float *b, long ldb, int accumulate, float *c, long ldc) {         \
    long j = 0;                                                                               \
    for (; j + 2 * W <= n; j += 2 * W)                                                        \
        NAME##_panel(m, k, alpha, a, rsa, csa, b + j, ldb, accumulate, c + j, ldc, 2 * W);   \
    if (j < n) {                                                                              \
        float *panel = tail_panel((size_t)k * 2 * W);                                         \
        for (long p = 0; p < k; p++) {                                                        \
            memset(panel + p * 2 * W, 0, 2 * W * sizeof(float));                              \
            memcpy(panel + p * 2 * W, b + p * ldb + j, (size_t)(n - j) * sizeof(float));      \
        }                                                                                     \
        NAME##_panel(m, k, alpha, a, rsa, csa, panel, 2 * W, accumulate, c + j, ldc, n - j); \
    }                                                                                         \
}

// Each thread's panel for the last columns, grown as needed and kept for its next call.
static float *tail_panel(size_t floats) {
    static __thread float *panel;
    static __thread size_t capacity;
    if (floats > capacity) {
        free(panel);
        panel = malloc(floats * sizeof(float));
        if (!panel) abort();
        capacity = floats;
    }
    return panel;
}

typedef void (*tile_product_fn)(long, long, long, float, const float *, long, long,
                                const float *, long, int, float *, long);

// Without a vector ISA: one portable copy (SSE2 on x86-64, NEON on arm64).
DEFINE_TILE_PRODUCT(product_portable, , v8, 8, 4)

#if defined(__x86_64__)
// AVX-512: 2 x 8 zmm accumulators; AVX2: 2 x 6 of its 16 ymm registers.
DEFINE_TILE_PRODUCT(product_avx512, LLB_AVX512_TARGET, v16, 16, 8)
DEFINE_TILE_PRODUCT(product_avx2, LLB_AVX2_TARGET, v8, 8, 6)
static const tile_product_fn copies[LLB_ISA_COUNT] = {product_avx512, product_avx2, product_portable};
#else
static const tile_product_fn copies[LLB_ISA_COUNT] = {NULL, NULL, product_portable};
#endif

void llb_tile_product(long m, long n, long k, float alpha, const float *a, long rsa, long csa,
                      const float *b, long ldb, int accumulate, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    copies[llb_isa_chosen](m, n, k, alpha, a, rsa, csa, b, ldb, accumulate, c, ldc);
}

int llb_tile_product_on(const char *isa, long m, long n, long k, float alpha, const float *a, long rsa,
                        long csa, const float *b, long ldb, int accumulate, float *c, long ldc) {
    int i = llb_isa_named(isa);
    if (i < 0) return 0;
    if (m > 0 && n > 0) copies[i](m, n, k, alpha, a, rsa, csa, b, ldb, accumulate, c, ldc);
    return 1;
}
