#ifndef LLB_POINTWISE_H
#define LLB_POINTWISE_H

/// The elementwise routines that need exp, on the same 16-lane exp as the attention's
/// softmax (vector_math.h): one polynomial for the whole model.

/// SwiGLU's forward: h[i] = silu(g[i]) * u[i], silu(g) = g / (1 + exp(-g)).
void llb_swiglu_forward(long n, const float *g, const float *u, float *h);

/// SwiGLU's backward: dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g), with
/// sig = 1 / (1 + exp(-g)).
void llb_swiglu_backward(long n, const float *g, const float *u, const float *dh, float *dg, float *du);

/// log(sum_i exp(z[i])) over a row of logits, shifted by its max (NaN if any z[i] is).
float llb_log_sum_exp(long n, const float *z);

/// The cross-entropy's gradient in place over a row of logits:
/// z[i] = scale * (exp(z[i] - lse) - [i == target]).
void llb_cross_entropy_gradient(long n, float *z, float lse, float scale, long target);

/// y[i] = exp(x[i]) on the copy for `isa` ("avx512", "avx2", "portable"), for tests of the
/// polynomial: 0 (nothing computed) when this CPU lacks `isa`, else 1.
int llb_exp_on(const char *isa, long n, const float *x, float *y);

#endif
