#include "icushim.h"
#include <unicode/ubrk.h>

icushim_brk *icushim_open(int32_t kind, const char *locale, const uint16_t *text, int32_t len, int32_t *err) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open((UBreakIteratorType)kind, locale, (const UChar *)text, len, &status);
    *err = (int32_t)status;
    return U_FAILURE(status) ? NULL : (icushim_brk *)it;
}
int32_t icushim_first(icushim_brk *b) { return ubrk_first((UBreakIterator *)b); }
int32_t icushim_next(icushim_brk *b) { return ubrk_next((UBreakIterator *)b); }
int32_t icushim_rule_status(icushim_brk *b) { return ubrk_getRuleStatus((UBreakIterator *)b); }
void icushim_close(icushim_brk *b) { ubrk_close((UBreakIterator *)b); }
