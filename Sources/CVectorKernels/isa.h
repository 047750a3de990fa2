#ifndef LLB_ISA_H
#define LLB_ISA_H

// The instruction sets every routine of this target is compiled for, best first. Each
// routine keeps a table of its copies indexed by these; the copy it runs is chosen once,
// when the library loads (before any thread calls it).
enum llb_isa { LLB_AVX512, LLB_AVX2, LLB_PORTABLE, LLB_ISA_COUNT };

// The ISA called `name` ("avx512", "avx2", "portable") if this CPU has it, else -1.
int llb_isa_named(const char *name);

// The best ISA this CPU has.
extern enum llb_isa llb_isa_chosen;

// Clang vector extensions: the AVX-512 copies keep a v16 in a zmm register, the AVX2 copies
// in two ymm, the portable copy in four xmm.
typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));
typedef int vi16 __attribute__((vector_size(64)));

#define LLB_AVX512_TARGET __attribute__((target("avx512f,fma")))
#define LLB_AVX2_TARGET __attribute__((target("avx2,fma")))

#endif
