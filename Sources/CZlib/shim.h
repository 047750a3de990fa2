#include <zlib.h>
// inflateInit2 is a macro; Swift cannot call it directly.
static inline int llb_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
