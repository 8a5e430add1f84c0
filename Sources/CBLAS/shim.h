// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Also declares openblas_set_num_threads.
#include <cblas.h>
