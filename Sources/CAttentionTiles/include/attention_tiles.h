#ifndef LLB_ATTENTION_TILES_H
#define LLB_ATTENTION_TILES_H

#include "tile_product.h"
#include "online_softmax.h"

/// The instruction set this target's routines run on this CPU: "avx512", "avx2" or
/// "portable" (chosen once when the library loads).
const char *llb_attention_tiles_isa(void);

#endif
