#ifndef LLB_TILE_PRODUCT_H
#define LLB_TILE_PRODUCT_H

/// C[i, j] = alpha * sum_p A(i, p) * B[p, j]  (+ C[i, j] when `accumulate` is non-zero),
/// for i < m, j < n, p < k, where A(i, p) = a[i * rsa + p * csa] (so A or A^T, any
/// strides), B is row-major with row stride ldb and C with row stride ldc.
///
/// The attention kernel's tile products: small (k of a head size or a tile), with one
/// operand already in L1 or L2, where OpenBLAS's packing of both operands costs as much as
/// the product. Each C[i, j] sums over p in order with fused multiply-adds on every x86-64
/// path (AVX-512, AVX2), so the result does not depend on which one the CPU runs.
void llb_tile_product(long m, long n, long k, float alpha,
                      const float *a, long rsa, long csa,
                      const float *b, long ldb,
                      int accumulate, float *c, long ldc);

/// The product on the copy for `isa`, for tests that compare the copies: returns 0 (and
/// computes nothing) when this CPU lacks `isa`, else 1.
int llb_tile_product_on(const char *isa, long m, long n, long k, float alpha, const float *a, long rsa,
                        long csa, const float *b, long ldb, int accumulate, float *c, long ldc);

#endif
