/*
 * spelling_test.c - domain/spelling.h: the word of a fixed list a text
 * means.  Every word of RG_TARGET_GROUPS and RG_URGENCIES is itself
 * (exact); case and the separators '-', '_', ' ' or none do not matter
 * (not exact); every old spelling of the tables gives its word; anything
 * else is "overig" / "normal", not exact.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/domain/contract.h"
#include "../../engine/domain/spelling.h"

typedef const char *(*of_fn)(const char *, uint32_t, bool *);

static const char *of(of_fn f, const char *s, bool *exact) { return f(s, (uint32_t)strlen(s), exact); }

static void every_word_is_itself(of_fn f, const char *list)
{
    char words[512];
    snprintf(words, sizeof words, "%s", list);
    int n = 0;
    for (char *w = strtok(words, " "); w; w = strtok(NULL, " "), n++) {
        bool exact = false;
        CHECK(strcmp(of(f, w, &exact), w) == 0);
        CHECK(exact);
    }
    CHECK(n >= 4);
}

static void test_words_of_the_lists(void)
{
    every_word_is_itself(rg_target_group_of, RG_TARGET_GROUPS);
    every_word_is_itself(rg_urgency_of, RG_URGENCIES);
}

static void test_case_and_separators(void)
{
    bool exact = true;
    CHECK(strcmp(of(rg_target_group_of, "Huiselijk Geweld", &exact), "huiselijk_geweld") == 0 && !exact);
    exact = true;
    CHECK(strcmp(of(rg_target_group_of, "huiselijk-geweld", &exact), "huiselijk_geweld") == 0 && !exact);
    exact = true;
    CHECK(strcmp(of(rg_target_group_of, "HUISELIJKGEWELD", &exact), "huiselijk_geweld") == 0 && !exact);
    exact = true;
    CHECK(strcmp(of(rg_urgency_of, "HIGH", &exact), "high") == 0 && !exact);
}

static void test_old_spellings(void)
{
    int n = 0;
    for (const rg_spelling *s = rg_old_target_groups; s->old; s++, n++) {
        bool exact;
        CHECK(strcmp(of(rg_target_group_of, s->old, &exact), s->word) == 0);
    }
    for (const rg_spelling *s = rg_old_urgencies; s->old; s++, n++) {
        bool exact;
        CHECK(strcmp(of(rg_urgency_of, s->old, &exact), s->word) == 0);
    }
    CHECK(n > 10);
    bool exact;
    CHECK(strcmp(of(rg_urgency_of, "Acuut", &exact), "acute") == 0 && !exact);
}

static void test_anything_else(void)
{
    bool exact = true;
    CHECK(strcmp(of(rg_target_group_of, "something else entirely", &exact), "overig") == 0 && !exact);
    exact = true;
    CHECK(strcmp(of(rg_target_group_of, "", &exact), "overig") == 0 && !exact);
    exact = true;
    CHECK(strcmp(of(rg_urgency_of, "whenever", &exact), "normal") == 0 && !exact);
    /* A prefix of a word is not the word. */
    exact = true;
    CHECK(strcmp(of(rg_urgency_of, "hig", &exact), "normal") == 0 && !exact);
}

int main(void)
{
    RUN(test_words_of_the_lists);
    RUN(test_case_and_separators);
    RUN(test_old_spellings);
    RUN(test_anything_else);
    return rg_t_exit();
}
