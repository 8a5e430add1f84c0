// utf8proc (Debian: libutf8proc-dev): Unicode normalization (NFC/NFD/NFKC/NFKD) and character properties.
#include <utf8proc.h>
