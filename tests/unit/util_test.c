/*
 * util_test.c - handlers/util.c: the checks several handlers share.  The
 * pure ones called directly (rg_is_name: the characters and length of ids
 * and org names; rg_date_end: the instant a user's date ends, local
 * midnight after a bare date, across a DST change); the ones that answer
 * through a request's context over an engine in this process, each through
 * an operation that uses it: rg_check_person (case.report's subject: the
 * BSN's eleven-test, a real birth date in the past), rg_require_future
 * (intake.more_info's due: today still ahead, yesterday or now refused),
 * rg_check_names (meeting.schedule's orgs).  Every refusal with its error
 * code and nothing written.
 */
#include "steps.h"
#include "../../handlers/handlers.h"

static rg_t_cast C;

static void test_is_name(void)
{
    char long64[65], long65[66];
    memset(long64, 'a', 64);
    long64[64] = '\0';
    memset(long65, 'b', 65);
    long65[65] = '\0';
    CHECK(rg_is_name("ggz", 3) && rg_is_name("gemeente-tilburg", 16) && rg_is_name("A.b_C-9", 7));
    CHECK(rg_is_name(long64, 64));
    CHECK(!rg_is_name(long65, 65));
    CHECK(!rg_is_name("", 0));
    CHECK(!rg_is_name("de politie", 10) && !rg_is_name("a/b", 3) && !rg_is_name("gemeente\xc3\xa9", 10));
    CHECK(!rg_is_name("ab\0c", 4));                 /* a NUL inside */
    CHECK(rg_is_name("ab\0c", 2));                  /* only the n bytes given count */
}

static uint64_t end_of(const char *s)
{
    uint64_t ms = 1;
    if (!rg_date_end(s, (uint32_t)strlen(s), &ms)) return UINT64_MAX;
    return ms;
}

static void test_date_end(void)
{
    /* A bare date ends at the next local midnight, in CET or CEST. */
    CHECK(end_of("2026-03-11") == iso("2026-03-12T00:00:00+01:00"));
    CHECK(end_of("2026-03-29") == iso("2026-03-30T00:00:00+02:00"));        /* summer time began that day */
    CHECK(end_of("2026-10-25") == iso("2026-10-26T00:00:00+01:00"));
    CHECK(end_of("2026-12-31") == iso("2027-01-01T00:00:00+01:00"));
    /* A date and time is itself. */
    CHECK(end_of("2026-03-11T10:30:00+01:00") == iso("2026-03-11T09:30:00Z"));
    /* Not a date: false. */
    CHECK(end_of("11-03-2026") == UINT64_MAX && end_of("2026-02-30") == UINT64_MAX && end_of("") == UINT64_MAX);
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
}

/* case.report of a subject with a bsn and a birth date (NULL: left out). */
static void report(const char *bsn, const char *birth)
{
    rg_buf *b = req(C.pol, "case.report", NULL, 5);
    rg_w_kstr(b, "target_group", "overig");
    rg_w_kstr(b, "summary", "s");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1 + !!bsn + !!birth);
    rg_w_kstr(b, "name", "Wilhelmina Oosterbroek");
    if (bsn) rg_w_kstr(b, "bsn", bsn);
    if (birth) rg_w_kstr(b, "birth_date", birth);
}

static void test_check_person(void)
{
    setup();
    report("739201841", NULL);                     /* the last digit off: fails the eleven-test */
    REFUSED("bad_request", "data.subject.bsn: not a citizen service number");
    report("73920184", NULL);
    REFUSED("bad_request", "data.subject.bsn");
    report("000000000", NULL);                     /* a multiple of 11, but no number */
    REFUSED("bad_request", "data.subject.bsn");
    report("73920184x", NULL);
    REFUSED("bad_request", "data.subject.bsn");
    report(NULL, "1981-02-30");
    REFUSED("bad_request", "data.subject.birth_date: a real calendar date");
    report(NULL, "1981-05-06T10:00:00Z");
    REFUSED("bad_request", "data.subject.birth_date: a real calendar date");
    report(NULL, "2026-03-03");
    REFUSED("bad_request", "data.subject.birth_date: 2026-03-03 is not in the past");
    report("739201840", "1981-05-06");
    OK();
    report(NULL, "2026-03-01");                    /* born the day before yesterday */
    OK();
    steps_close();
}

static void more_info(const char *id, const char *due)
{
    rg_buf *b = req(C.pr, "intake.more_info", id, 2);
    rg_w_kstr(b, "question", "since when?");
    rg_w_kstr(b, "due", due);
}

static void test_require_future_and_names(void)
{
    setup();
    char id[32];
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
    DONE(rg_t_local_drive(&L, &C, id, "intake"));
    more_info(id, "2026-03-01");
    REFUSED("guard_failed", "data.due: 2026-03-01 is in the past; this step plans what is to come");
    more_info(id, "2026-03-02T09:00:00+01:00");     /* now exactly */
    REFUSED("guard_failed", "data.due");
    more_info(id, "2026-03-02");                   /* today: due at its end, still ahead */
    OK();

    DONE(rg_t_local_drive(&L, &C, id, "analysis"));
    char org64[65];
    memset(org64, 'o', 64);
    org64[64] = '\0';
    rg_buf *b = req(C.pr, "meeting.schedule", id, 2);
    rg_w_kstr(b, "at", "2026-03-09T10:00:00+01:00");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 3);
    rg_w_cstr(b, "ggz");
    rg_w_cstr(b, org64);
    rg_w_cstr(b, "veilig thuis");
    REFUSED("bad_request", "data.orgs[2]: use 1..64 of A-Z a-z 0-9 . _ -");
    b = req(C.pr, "meeting.schedule", id, 2);
    rg_w_kstr(b, "at", "2026-03-09T10:00:00+01:00");
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 2);
    rg_w_cstr(b, "ggz");
    rg_w_cstr(b, org64);
    OK();
    steps_close();
}

int main(void)
{
    RUN(test_is_name);
    RUN(test_date_end);
    RUN(test_check_person);
    RUN(test_require_future_and_names);
    return rg_t_exit();
}
