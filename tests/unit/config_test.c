/*
 * config_test.c - a region's configuration file (domain/config.h): the
 * defaults are the amounts of schemas/norms.c and a ladder starting at
 * level 1; a file sets norm amounts and escalation.start_level over them
 * (comments, blank lines and spaces ignored, a later line winning, every
 * norm it does not name left as it was); and every bad line - an unknown
 * norm, a value that is not a whole number, a level outside 1..3, a line
 * without '=' - is refused with RG_EBADREQ, as is a file that cannot be
 * read.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/errors.h"   /* RG_EBADREQ, which rg_config_load returns */
#include "../../engine/domain/config.h"

static int norm_index(const char *name)
{
    for (int i = 0; rg_norms[i].name; i++)
        if (strcmp(rg_norms[i].name, name) == 0) return i;
    printf("  no norm %s in schemas/norms.c\n", name);
    return -1;
}

/* Write text to a file of its own and load it over cfg. */
static int load_text(const char *text, rg_config *cfg)
{
    char *path = rg_t_write_file("region.conf", text);
    if (!path) return 1;
    int rc = rg_config_load(path, cfg);
    char *dir = strdup(path);
    unlink(path);
    rmdir(dirname(dir));
    free(dir);
    free(path);
    return rc;
}

static void test_defaults(void)
{
    rg_config cfg;
    memset(&cfg, 0x5a, sizeof cfg);                 /* nothing left over */
    rg_config_defaults(&cfg);
    int n = 0, wrong = 0;
    for (; rg_norms[n].name; n++)
        if (cfg.norm_amounts[n] != rg_norms[n].amount) {
            printf("  %s: %d, norms.c says %d\n", rg_norms[n].name, cfg.norm_amounts[n], rg_norms[n].amount);
            wrong++;
        }
    CHECK(n > 0 && wrong == 0);
    for (int i = n; i < RG_MAX_NORMS; i++) wrong += cfg.norm_amounts[i] != 0;
    CHECK(wrong == 0);
    CHECK(cfg.esc_start_level == 1);
    /* The amounts DOMAIN.md gives, as schemas/norms.c holds them. */
    int i;
    CHECK((i = norm_index("intake.start")) >= 0 && cfg.norm_amounts[i] == 2);
    CHECK((i = norm_index("review")) >= 0 && cfg.norm_amounts[i] == 42);
    CHECK((i = norm_index("aftercare")) >= 0 && cfg.norm_amounts[i] == 3);
    CHECK((i = norm_index("escalation.decision")) >= 0 && cfg.norm_amounts[i] == 5);
}

static void test_file_overrides(void)
{
    rg_config cfg;
    rg_config_defaults(&cfg);
    int rc = load_text("# Zorg- en Veiligheidshuis Midden-Brabant\n"
                       "\n"
                       "norm.intake.start = 3        # working days\n"
                       "   norm.review=28\n"
                       "norm.aftercare = 6\t\n"
                       "norm.progress = 15\n"
                       "norm.progress = 25           # a later line wins\n"
                       "escalation.start_level = 2   # the actie-overleg\n"
                       "norm.meeting.held = 0\n"
                       "    # an indented comment\n",
                       &cfg);
    CHECK(rc == 0);
    CHECK(cfg.norm_amounts[norm_index("intake.start")] == 3);
    CHECK(cfg.norm_amounts[norm_index("review")] == 28);
    CHECK(cfg.norm_amounts[norm_index("aftercare")] == 6);
    CHECK(cfg.norm_amounts[norm_index("progress")] == 25);
    CHECK(cfg.norm_amounts[norm_index("meeting.held")] == 0);
    CHECK(cfg.esc_start_level == 2);
    /* Every norm the file does not name keeps its default. */
    static const char *const named[] = {"intake.start", "review", "aftercare", "progress", "meeting.held"};
    int kept = 0, changed = 0;
    for (int n = 0; rg_norms[n].name; n++) {
        bool is_named = false;
        for (size_t j = 0; j < sizeof named / sizeof *named; j++)
            is_named |= strcmp(rg_norms[n].name, named[j]) == 0;
        if (is_named) continue;
        if (cfg.norm_amounts[n] == rg_norms[n].amount) kept++;
        else changed++;
    }
    CHECK(kept > 0 && changed == 0);

    /* Loaded over what is there: a second file changes only what it names. */
    CHECK(load_text("escalation.start_level = 3\n", &cfg) == 0);
    CHECK(cfg.esc_start_level == 3);
    CHECK(cfg.norm_amounts[norm_index("review")] == 28);
    CHECK(load_text("escalation.start_level = 1\nnorm.review = 42\n", &cfg) == 0);
    CHECK(cfg.esc_start_level == 1 && cfg.norm_amounts[norm_index("review")] == 42);
    /* An empty file, or one of comments only, changes nothing. */
    rg_config before = cfg;
    CHECK(load_text("", &cfg) == 0);
    CHECK(load_text("# nothing\n\n   \n", &cfg) == 0);
    CHECK(memcmp(&before, &cfg, sizeof cfg) == 0);
}

static void test_bad_lines_refused(void)
{
    static const char *const bad[] = {
        "norm.no.such.norm = 3\n",             /* unknown norm */
        "norm. = 3\n",
        "review = 42\n",                       /* not norm.NAME */
        "norm.review = six\n",                 /* not a number */
        "norm.review = 4x\n",
        "norm.review = 4.5\n",
        "norm.review =\n",
        "norm.review = -1\n",
        "norm.review = 100001\n",
        "norm.review = 99999999999999999999999\n",
        "escalation.start_level = 0\n",        /* the ladder has levels 1..3 */
        "escalation.start_level = 4\n",
        "escalation.start_level = two\n",
        "escalation.start_level =\n",
        "norm.review 42\n",                    /* no '=' */
        "escalation.start_level 2\n",
        "norm.review\n",
        "colour = blue\n",
        /* a bad line among good ones still fails the file */
        "norm.review = 28\nnorm.nope = 1\nnorm.aftercare = 6\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rg_config cfg;
        rg_config_defaults(&cfg);
        int rc = load_text(bad[i], &cfg);
        if (rc != RG_EBADREQ) printf("  accepted (%d): %s", rc, bad[i]);
        CHECK(rc == RG_EBADREQ);
    }
    /* A file that cannot be read. */
    rg_config cfg;
    rg_config_defaults(&cfg);
    CHECK(rg_config_load("/nonexistent/regie/region.conf", &cfg) == RG_EBADREQ);
    /* Bounds that are allowed. */
    CHECK(load_text("norm.review = 100000\nescalation.start_level = 3\n", &cfg) == 0);
    CHECK(cfg.norm_amounts[norm_index("review")] == 100000 && cfg.esc_start_level == 3);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_file_overrides);
    RUN(test_bad_lines_refused);
    return rg_t_exit();
}
