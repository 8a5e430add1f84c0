// A thin C face over ICU's break iterators. Swift never sees an ICU header: Foundation on Linux ships
// its own ICU clang module, and the two clash ("'UErrorCode' has different definitions"), so the ICU
// types stay in icushim.c and only opaque handles and plain integers cross into Swift.
#ifndef ICUSHIM_H
#define ICUSHIM_H
#include <stdint.h>

typedef struct icushim_brk icushim_brk;  // an opaque UBreakIterator

enum { ICUSHIM_CHARACTER = 0, ICUSHIM_WORD = 1, ICUSHIM_LINE = 2, ICUSHIM_SENTENCE = 3 };
enum { ICUSHIM_DONE = -1 };

// Opens a break iterator of `kind` over `len` UTF-16 code units (the text must outlive the iterator).
// Returns NULL on failure with the ICU error code in *err.
icushim_brk *icushim_open(int32_t kind, const char *locale, const uint16_t *text, int32_t len, int32_t *err);
int32_t icushim_first(icushim_brk *b);
int32_t icushim_next(icushim_brk *b);          // ICUSHIM_DONE at the end
int32_t icushim_rule_status(icushim_brk *b);   // 0 none/punct, 100 number, 200 letter, 300 kana, 400 ideograph
void icushim_close(icushim_brk *b);

#endif
