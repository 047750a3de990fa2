#include "isa.h"
#include "vector_kernels.h"
#include <string.h>

static const char *const names[LLB_ISA_COUNT] = {"avx512", "avx2", "portable"};

int llb_isa_named(const char *name) {
    int isa = -1;
    for (int i = 0; i < LLB_ISA_COUNT; i++) if (strcmp(name, names[i]) == 0) isa = i;
    if (isa == LLB_PORTABLE) return isa;
#if defined(__x86_64__)
    __builtin_cpu_init();
    int fma = __builtin_cpu_supports("fma");
    if (isa == LLB_AVX512 && fma && __builtin_cpu_supports("avx512f")) return isa;
    if (isa == LLB_AVX2 && fma && __builtin_cpu_supports("avx2")) return isa;
#endif
    return -1;
}

enum llb_isa llb_isa_chosen = LLB_PORTABLE;

__attribute__((constructor)) static void choose_at_load(void) {
    for (int i = 0; i < LLB_ISA_COUNT; i++) {
        if (llb_isa_named(names[i]) == i) { llb_isa_chosen = (enum llb_isa)i; return; }
    }
}

const char *llb_vector_isa(void) { return names[llb_isa_chosen]; }

int llb_isa_count(void) { return LLB_ISA_COUNT; }

const char *llb_isa_name(int index) { return index >= 0 && index < LLB_ISA_COUNT ? names[index] : ""; }
