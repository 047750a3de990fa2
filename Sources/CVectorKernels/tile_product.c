#include "tile_product.h"
#include "isa.h"
#include <string.h>

// One source, compiled per instruction set: a register block of MR rows by two vectors of
// W floats accumulates over p with one broadcast of A(i, p) per row, reading B in place.
// Vectors are clang's vector extensions, so the AVX-512 copy keeps MR * 2 accumulators in
// zmm registers and the AVX2 copy in ymm; edges fall back to one vector, then scalars.
// `x += s * y` compiles to a fused multiply-add on the copies whose target has FMA
// (-ffp-contract=on), on vectors and scalars alike: so both x86-64 copies give the same bits.

#define LOADV(T, p) ({ T v_; memcpy(&v_, (p), sizeof(T)); v_; })
#define STOREV(T, p, v) do { T s_ = (v); memcpy((p), &s_, sizeof(T)); } while (0)
#define FINISH(T, cp, acc) do { \
        T r_ = alpha * (acc); \
        if (accumulate) r_ += LOADV(T, cp); \
        STOREV(T, cp, r_); \
    } while (0)

#define DEFINE_TILE_PRODUCT(NAME, ATTR, T, W, MR)                                            \
ATTR static void NAME(long m, long n, long k, float alpha, const float *a, long rsa, long csa, \
                      const float *b, long ldb, int accumulate, float *c, long ldc) {         \
    long j = 0;                                                                               \
    for (; j + 2 * W <= n; j += 2 * W) {                                                      \
        long i = 0;                                                                           \
        for (; i + MR <= m; i += MR) {                                                        \
            T acc0[MR], acc1[MR];                                                             \
            _Pragma("clang loop unroll(full)")                                                \
            for (int r = 0; r < MR; r++) { acc0[r] = (T){0}; acc1[r] = (T){0}; }              \
            const float *ai = a + i * rsa;                                                    \
            for (long p = 0; p < k; p++) {                                                    \
                T b0 = LOADV(T, b + p * ldb + j), b1 = LOADV(T, b + p * ldb + j + W);         \
                _Pragma("clang loop unroll(full)")                                            \
                for (int r = 0; r < MR; r++) {                                                \
                    float s = ai[r * rsa + p * csa];                                          \
                    acc0[r] += s * b0;                                                        \
                    acc1[r] += s * b1;                                                        \
                }                                                                             \
            }                                                                                 \
            _Pragma("clang loop unroll(full)")                                                \
            for (int r = 0; r < MR; r++) {                                                    \
                FINISH(T, c + (i + r) * ldc + j, acc0[r]);                                    \
                FINISH(T, c + (i + r) * ldc + j + W, acc1[r]);                                \
            }                                                                                 \
        }                                                                                     \
        for (; i < m; i++) {                                                                  \
            T acc0 = (T){0}, acc1 = (T){0};                                                   \
            for (long p = 0; p < k; p++) {                                                    \
                float s = a[i * rsa + p * csa];                                               \
                acc0 += s * LOADV(T, b + p * ldb + j);                                        \
                acc1 += s * LOADV(T, b + p * ldb + j + W);                                    \
            }                                                                                 \
            FINISH(T, c + i * ldc + j, acc0);                                                 \
            FINISH(T, c + i * ldc + j + W, acc1);                                             \
        }                                                                                     \
    }                                                                                         \
    for (; j + W <= n; j += W) {                                                              \
        for (long i = 0; i < m; i++) {                                                        \
            T acc = (T){0};                                                                   \
            for (long p = 0; p < k; p++) acc += a[i * rsa + p * csa] * LOADV(T, b + p * ldb + j); \
            FINISH(T, c + i * ldc + j, acc);                                                  \
        }                                                                                     \
    }                                                                                         \
    for (; j < n; j++) {                                                                      \
        for (long i = 0; i < m; i++) {                                                        \
            float acc = 0;                                                                    \
            for (long p = 0; p < k; p++) acc += a[i * rsa + p * csa] * b[p * ldb + j];        \
            float r = alpha * acc;                                                            \
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + r : r;                             \
        }                                                                                     \
    }                                                                                         \
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
