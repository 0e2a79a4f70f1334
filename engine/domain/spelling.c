/* spelling.c - the word of a fixed list an old text means. */
#include "spelling.h"

#include <string.h>

/* text folded for comparison: lower case, no separators. */
static size_t fold(const char *text, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char ch = text[i];
        if (ch == '-' || ch == '_' || ch == ' ') continue;
        out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    out[k] = 0;
    return k;
}

/* The word a row of `table` gives text (folded), else fallback. */
static const char *word_of(const rg_spelling *table, const char *fallback, const char *text, uint32_t n,
                           bool *exact)
{
    char want[80], have[80];
    *exact = false;
    if (n >= sizeof want) return fallback;
    fold(text, n, want, sizeof want);
    for (const rg_spelling *s = table; s->old; s++) {
        fold(s->old, strlen(s->old), have, sizeof have);
        if (strcmp(have, want) == 0) {
            *exact = strlen(s->word) == n && memcmp(s->word, text, n) == 0;
            return s->word;
        }
    }
    return fallback;
}

const char *rg_target_group_of(const char *text, uint32_t n, bool *exact)
{
    return word_of(rg_old_target_groups, "overig", text, n, exact);
}

const char *rg_urgency_of(const char *text, uint32_t n, bool *exact)
{
    return word_of(rg_old_urgencies, "normal", text, n, exact);
}
