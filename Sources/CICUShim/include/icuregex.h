// ICU regular expressions behind a plain C face (no ICU type crosses into Swift; see icushim.h).
// Matching runs over UTF-8 text and reports UTF-8 byte offsets. One compiled pattern may be used
// from several threads at once: each call borrows a private clone from a small pool.
#ifndef ICUREGEX_H
#define ICUREGEX_H
#include <stdint.h>

typedef struct icuregex icuregex;

enum { ICUREGEX_CASE_INSENSITIVE = 2 };

// Compiles a UTF-8 pattern. On failure returns NULL, sets *err to the ICU error code and *offset to
// the pattern byte where the error was found (or -1).
icuregex *icuregex_open(const char *pattern, int32_t length, uint32_t flags, int32_t *err, int32_t *offset);
void icuregex_close(icuregex *re);
// Finds the successive non-overlapping matches in `text` (UTF-8, `length` bytes) and writes up to
// `capacity` [start, end) byte pairs to `out`. Returns the total number of matches (which may exceed
// `capacity`: call again with a larger buffer), or -1 with *err set on failure.
int64_t icuregex_find_all(icuregex *re, const char *text, int64_t length, int64_t *out, int64_t capacity,
                          int32_t *err);
// The ICU name of an error code (for messages).
const char *icuregex_error_name(int32_t err);

#endif
