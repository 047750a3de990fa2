#ifndef LLB_ONLINE_SOFTMAX_H
#define LLB_ONLINE_SOFTMAX_H

/// The attention kernel's softmax over a tile of scores, row by row (rows of `cols` floats
/// with row stride `lds`), 16 lanes at a time with a vectorised exp (Cephes' polynomial, to
/// about 2 ulp; exactly 0 below -87, so masked scores (-inf) give 0; NaN stays NaN). Every
/// row sums its 16 lanes in one fixed order, so the AVX-512 and AVX2 copies give the same
/// bits.

/// The forward's online softmax (FlashAttention-2) over one run of keys: for each row r,
/// with M = max(m[r], max_c s[r, c]): s[r, c] = exp(s[r, c] - M), l[r] = l[r] * exp(m[r] - M)
/// + sum_c s[r, c], o[r, 0..<hd] *= exp(m[r] - M) (row stride ldo), m[r] = M. A row that has
/// seen only -inf so far (M = -inf) is set to 0 and keeps m[r], l[r] and o.
void llb_online_softmax(long rows, long cols, float *s, long lds,
                        float *m, float *l, float *o, long ldo, long hd);

/// The backward's probabilities, recomputed from the saved log-sum-exp:
/// p[r, c] = exp(p[r, c] - lse[r]).
void llb_softmax_recompute(long rows, long cols, float *p, long ldp, const float *lse);

/// The softmax's backward: ds[r, c] = p[r, c] * (ds[r, c] - d[r]), with d[r] = dO_r . O_r.
void llb_softmax_gradient(long rows, long cols, const float *p, long ldp,
                          float *ds, long ldds, const float *d);

/// The routines above on the copy for `isa` ("avx512", "avx2", "portable"), for tests
/// that compare the copies: 0 (nothing computed) when this CPU lacks `isa`, else 1.
int llb_online_softmax_on(const char *isa, long rows, long cols, float *s, long lds,
                          float *m, float *l, float *o, long ldo, long hd);
int llb_softmax_recompute_on(const char *isa, long rows, long cols, float *p, long ldp, const float *lse);
int llb_softmax_gradient_on(const char *isa, long rows, long cols, const float *p, long ldp,
                            float *ds, long ldds, const float *d);

#endif
