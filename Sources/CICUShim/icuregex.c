#include "icuregex.h"
#include <pthread.h>
#include <stdlib.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>

enum { POOL_SIZE = 8 };

struct icuregex {
    URegularExpression *prototype;
    pthread_mutex_t lock;
    URegularExpression *pool[POOL_SIZE];
    int pooled;
};

icuregex *icuregex_open(const char *pattern, int32_t length, uint32_t flags, int32_t *err, int32_t *offset) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse;
    UText *text = utext_openUTF8(NULL, pattern, length, &status);
    URegularExpression *re = uregex_openUText(text, flags, &parse, &status);
    utext_close(text);
    *err = (int32_t)status;
    *offset = -1;
    if (U_FAILURE(status)) {
        *offset = parse.offset;
        return NULL;
    }
    icuregex *r = calloc(1, sizeof(icuregex));
    r->prototype = re;
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

void icuregex_close(icuregex *r) {
    if (!r) return;
    for (int i = 0; i < r->pooled; i++) uregex_close(r->pool[i]);
    uregex_close(r->prototype);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static URegularExpression *borrow(icuregex *r, UErrorCode *status) {
    URegularExpression *re = NULL;
    pthread_mutex_lock(&r->lock);
    if (r->pooled > 0) re = r->pool[--r->pooled];
    pthread_mutex_unlock(&r->lock);
    if (!re) re = uregex_clone(r->prototype, status);
    return re;
}

static void give_back(icuregex *r, URegularExpression *re) {
    pthread_mutex_lock(&r->lock);
    if (r->pooled < POOL_SIZE) {
        r->pool[r->pooled++] = re;
        re = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    if (re) uregex_close(re);
}

int64_t icuregex_find_all(icuregex *r, const char *text, int64_t length, int64_t *out, int64_t capacity,
                          int32_t *err) {
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *re = borrow(r, &status);
    if (U_FAILURE(status)) { *err = (int32_t)status; return -1; }
    UText *ut = utext_openUTF8(NULL, text, length, &status);
    uregex_setUText(re, ut, &status);
    int64_t count = 0;
    while (U_SUCCESS(status) && uregex_findNext(re, &status)) {
        int64_t start = uregex_start64(re, 0, &status);
        int64_t end = uregex_end64(re, 0, &status);
        if (count < capacity) {
            out[2 * count] = start;
            out[2 * count + 1] = end;
        }
        count++;
    }
    // Detach the text before the clone goes back to the pool.
    uregex_setText(re, (const UChar *)u"", 0, &status);
    utext_close(ut);
    give_back(r, re);
    *err = (int32_t)status;
    return U_FAILURE(status) ? -1 : count;
}

const char *icuregex_error_name(int32_t err) { return u_errorName((UErrorCode)err); }
