#ifndef LLB_VECTOR_KERNELS_H
#define LLB_VECTOR_KERNELS_H

#include "tile_product.h"
#include "online_softmax.h"
#include "pointwise.h"
#include "rms_norm.h"
#include "rope.h"

/// The instruction set this target's routines run on this CPU: "avx512", "avx2" or
/// "portable" (chosen once when the library loads).
const char *llb_vector_isa(void);

/// Every instruction set the routines are compiled for, best first: names 0..<count.
int llb_isa_count(void);
const char *llb_isa_name(int index);

#endif
