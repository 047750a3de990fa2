#ifndef LLB_ROPE_H
#define LLB_ROPE_H

/// Rotary position embedding in place, rows lo..<hi of x: [rows, heads, hd] (Hugging Face's
/// rotate_half layout: element i pairs with i + hd / 2). Row r is at position r % period,
/// whose angles are cos[t * hd / 2 + i], sin[t * hd / 2 + i] with t = r % period.
/// sign = -1 rotates back (the backward of the rotation is its inverse).
void llb_rope_apply(long lo, long hi, long heads, long hd, long period, const float *cos,
                    const float *sin, float sign, float *x);

#endif
