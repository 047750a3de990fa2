#include "tile_product.h"
#include <string.h>

// One source, compiled per instruction set: a register block of MR rows by two vectors of
// W floats accumulates over p with one broadcast of A(i, p) per row, reading B in place.
// Vectors are clang's vector extensions, so the AVX-512 copy keeps MR * 2 accumulators in
// zmm registers and the AVX2 copy in ymm; edges fall back to one vector, then scalars.

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

#define LOADV(T, p) ({ T v_; memcpy(&v_, (p), sizeof(T)); v_; })
#define STOREV(T, p, v) do { T s_ = (v); memcpy((p), &s_, sizeof(T)); } while (0)
// fmaf on scalars fuses as the vector paths do (-ffp-contract fuses `x += s * y`).
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
DEFINE_TILE_PRODUCT(product_avx512, __attribute__((target("avx512f,fma"))), v16, 16, 8)
DEFINE_TILE_PRODUCT(product_avx2, __attribute__((target("avx2,fma"))), v8, 8, 6)
#endif

// The copy for `isa` ("avx512", "avx2", "portable"), or NULL where this CPU lacks it.
static tile_product_fn product_for(const char *isa) {
    if (strcmp(isa, "portable") == 0) return product_portable;
#if defined(__x86_64__)
    __builtin_cpu_init();
    int fma = __builtin_cpu_supports("fma");
    if (strcmp(isa, "avx512") == 0 && fma && __builtin_cpu_supports("avx512f")) return product_avx512;
    if (strcmp(isa, "avx2") == 0 && fma && __builtin_cpu_supports("avx2")) return product_avx2;
#endif
    return NULL;
}

static tile_product_fn chosen;
static const char *chosen_isa;

// Chosen once, before any thread calls the product (a constructor runs at load time).
__attribute__((constructor)) static void choose_at_load(void) {
    static const char *const preference[] = {"avx512", "avx2", "portable"};
    for (int i = 0; i < 3; i++) {
        if ((chosen = product_for(preference[i])) != NULL) { chosen_isa = preference[i]; return; }
    }
}

void llb_tile_product(long m, long n, long k, float alpha, const float *a, long rsa, long csa,
                      const float *b, long ldb, int accumulate, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    chosen(m, n, k, alpha, a, rsa, csa, b, ldb, accumulate, c, ldc);
}

int llb_tile_product_on(const char *isa, long m, long n, long k, float alpha, const float *a, long rsa,
                        long csa, const float *b, long ldb, int accumulate, float *c, long ldc) {
    tile_product_fn f = product_for(isa);
    if (f == NULL) return 0;
    if (m > 0 && n > 0) f(m, n, k, alpha, a, rsa, csa, b, ldb, accumulate, c, ldc);
    return 1;
}

const char *llb_tile_product_isa(void) { return chosen_isa; }
