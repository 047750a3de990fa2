#ifndef LLB_RMS_NORM_H
#define LLB_RMS_NORM_H

/// RMSNorm over rows of d floats: y = x * rstd * w, rstd = 1 / sqrt(mean(x^2) + eps).
/// Each row's sum of squares runs over 16 lanes and sums them in one fixed order, so every
/// copy (AVX-512, AVX2, portable) gives the same bits.
void llb_rms_norm_forward(long rows, long d, const float *x, const float *w, float eps,
                          float *y, float *rstd);

/// The input gradient, added into dx: dx += rstd * (g - xhat * mean(g * xhat)), g = dy * w,
/// xhat = x * rstd.
void llb_rms_norm_backward_input(long rows, long d, const float *x, const float *w,
                                 const float *rstd, const float *dy, float *dx);

/// The weight gradient of columns lo..<hi: dw[j] += sum over rows, in row order, of
/// dy[r, j] * x[r, j] * rstd[r]. Callers split columns, never rows, across threads, so
/// the sum's order does not depend on the thread count.
void llb_rms_norm_backward_weight(long rows, long d, long lo, long hi, const float *x,
                                  const float *rstd, const float *dy, float *dw);

#endif
