#include <cblas.h>
// OpenBLAS extensions that cblas.h declares but that we want under stable names.
static inline void llb_set_threads(int n) { openblas_set_num_threads(n); }
static inline int llb_get_threads(void) { return openblas_get_num_threads(); }
static inline const char *llb_blas_config(void) { return openblas_get_config(); }
static inline const char *llb_blas_corename(void) { return openblas_get_corename(); }
