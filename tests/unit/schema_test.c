/*
 * schema_test.c - the schema interpreter of domain/schema.h through its
 * face: rg_schema_check against a table of every field type (strings and
 * their bounds, booleans, numbers with min..max, dates, open maps, string
 * arrays, arrays of maps checked field by field, and the enumerated types
 * RG_F_ENUM and RG_F_ENUM_ARRAY: allowed words only, no word twice), with
 * required, unknown and repeated fields, each refusal RG_EBADREQ with a
 * message naming `data.<field>`; the real intake.decide criteria; ISO 8601
 * parsing at its edges, checked against timegm; the life cycle table; the
 * names of states, roles and routes round-tripping through their parsers;
 * the event table's index finding every type; rg_schema_validate.
 */
#include <string.h>
#include <time.h>

#include "../test.h"
#include "../../engine/storage/errors.h"   /* RG_EBADREQ, which rg_schema_check returns */
#include "../../engine/domain/schema.h"

static const rg_field action_fields[] = {
    {.name = "id", .type = RG_F_STR, .required = RG_REQ, .max = 8},
    {.name = "due", .type = RG_F_DATE, .required = RG_OPT},
    {.name = NULL},
};

static const rg_field fields[] = {
    {.name = "name", .type = RG_F_STR, .required = RG_REQ, .max = 8},
    {.name = "note", .type = RG_F_TEXT, .required = RG_OPT, .max = 10},
    {.name = "flag", .type = RG_F_BOOL, .required = RG_OPT},
    {.name = "count", .type = RG_F_UINT, .required = RG_OPT, .min = 1, .max = 10},
    {.name = "any", .type = RG_F_UINT, .required = RG_OPT},
    {.name = "due", .type = RG_F_DATE, .required = RG_OPT},
    {.name = "subject", .type = RG_F_OPEN_MAP, .required = RG_OPT, .max = 2},
    {.name = "orgs", .type = RG_F_STR_ARRAY, .required = RG_OPT, .max = 3},
    {.name = "actions", .type = RG_F_MAP_ARRAY, .required = RG_OPT, .max = 2, .sub = action_fields},
    {.name = "class", .type = RG_F_ENUM, .required = RG_OPT, .values = "ordinary special criminal"},
    {.name = "criteria", .type = RG_F_ENUM_ARRAY, .required = RG_OPT, .max = 3,
     .values = "multi_domain multi_chain system local_safety"},
    {.name = NULL},
};

static rg_buf B;
static char msg[256];

/* Start a data map of n pairs, the first the required name. */
static rg_buf *data(uint32_t n)
{
    rg_buf_reset(&B);
    rg_w_map(&B, n + 1);
    rg_w_kstr(&B, "name", "ok");
    return &B;
}

static int check_with(const rg_field *f, const rg_buf *b)
{
    rg_doc *d;
    const char *why;
    msg[0] = 0;
    if (rg_doc_parse(&d, b->data, b->len, &why) < 0) {
        printf("  test data does not parse: %s\n", why);
        return 1;
    }
    int rc = rg_schema_check(f, rg_doc_root(d), msg, sizeof msg);
    rg_doc_free(d);
    return rc;
}

static bool ok_at(int line)
{
    int rc = check_with(fields, &B);
    if (rc == 0) return true;
    printf("  line %d: refused (%d): %s\n", line, rc, msg);
    return false;
}

/* Refused with RG_EBADREQ and a message holding part (and, when given,
 * what it says is wrong). */
static bool bad_at(int line, const char *part, const char *what)
{
    int rc = check_with(fields, &B);
    if (rc == RG_EBADREQ && strstr(msg, part) && (!what || strstr(msg, what))) return true;
    printf("  line %d: rc %d, message '%s', expected '%s'%s%s\n", line, rc, msg, part,
           what ? " ~ " : "", what ? what : "");
    return false;
}

#define OKAY() CHECK(ok_at(__LINE__))
#define BAD(part, what) CHECK(bad_at(__LINE__, part, what))

static void test_strings(void)
{
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "name", "12345678");              /* exactly max bytes */
    OKAY();
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "name", "123456789");
    BAD("data.name", "longer than 8 bytes");
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "name", "");
    BAD("data.name", "empty");
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kuint(&B, "name", 5);
    BAD("data.name", "string");
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_cstr(&B, "name");
    rg_w_str(&B, "a\0b", 3);
    BAD("data.name", "NUL");
    /* Free text may be empty, not longer than its max. */
    rg_w_kstr(data(1), "note", "");
    OKAY();
    rg_w_kstr(data(1), "note", "0123456789");
    OKAY();
    rg_w_kstr(data(1), "note", "0123456789!");
    BAD("data.note", "longer than 10");
    rg_w_kbool(data(1), "note", true);
    BAD("data.note", "string");
}

static void test_bool_and_numbers(void)
{
    rg_w_kbool(data(1), "flag", false);
    OKAY();
    rg_w_kstr(data(1), "flag", "true");
    BAD("data.flag", "boolean");
    rg_w_kuint(data(1), "flag", 1);
    BAD("data.flag", "boolean");
    /* count: 1..10, both ends in. */
    rg_w_kuint(data(1), "count", 1);
    OKAY();
    rg_w_kuint(data(1), "count", 10);
    OKAY();
    rg_w_kuint(data(1), "count", 0);
    BAD("data.count", "1..10");
    rg_w_kuint(data(1), "count", 11);
    BAD("data.count", "1..10");
    rg_w_cstr(data(1), "count");
    rg_w_int(&B, -3);
    BAD("data.count", "non-negative integer");
    rg_w_kstr(data(1), "count", "5");
    BAD("data.count", "non-negative integer");
    /* No max: any non-negative integer, the largest too. */
    rg_w_kuint(data(1), "any", UINT64_MAX);
    OKAY();
    rg_w_kuint(data(1), "any", 0);
    OKAY();
    rg_w_cstr(data(1), "any");
    rg_w_nil(&B);
    BAD("data.any", "non-negative integer");
}

static void test_dates(void)
{
    rg_w_kstr(data(1), "due", "2026-12-01");
    OKAY();
    rg_w_kstr(data(1), "due", "2026-12-01T10:00:00+01:00");
    OKAY();
    rg_w_kstr(data(1), "due", "2026-02-29");
    BAD("data.due", "ISO 8601");
    rg_w_kstr(data(1), "due", "tomorrow");
    BAD("data.due", "ISO 8601");
    rg_w_kuint(data(1), "due", 1764579600000ULL);
    BAD("data.due", "ISO 8601");
}

static void test_maps_and_arrays(void)
{
    /* Open map: string keys to scalars, at most max entries. */
    rg_w_cstr(data(1), "subject");
    rg_w_map(&B, 2);
    rg_w_kstr(&B, "name", "Jan");
    rg_w_kuint(&B, "age", 40);
    OKAY();
    rg_w_cstr(data(1), "subject");
    rg_w_map(&B, 3);
    rg_w_kstr(&B, "a", "1");
    rg_w_kstr(&B, "b", "2");
    rg_w_kstr(&B, "c", "3");
    BAD("data.subject", "too many");
    rg_w_cstr(data(1), "subject");
    rg_w_map(&B, 1);
    rg_w_cstr(&B, "nested");
    rg_w_map(&B, 0);
    BAD("data.subject", "scalar");
    rg_w_cstr(data(1), "subject");
    rg_w_array(&B, 0);
    BAD("data.subject", "map");

    /* String arrays: 1..max non-empty strings of at most 64 bytes. */
    rg_w_cstr(data(1), "orgs");
    rg_w_array(&B, 3);
    rg_w_cstr(&B, "police");
    rg_w_cstr(&B, "ggz");
    rg_w_cstr(&B, "police");                        /* repeats are allowed here */
    OKAY();
    rg_w_cstr(data(1), "orgs");
    rg_w_array(&B, 0);
    BAD("data.orgs", "too few");
    rg_w_cstr(data(1), "orgs");
    rg_w_array(&B, 4);
    for (int i = 0; i < 4; i++) rg_w_cstr(&B, "x");
    BAD("data.orgs", "too many");
    rg_w_cstr(data(1), "orgs");
    rg_w_array(&B, 1);
    rg_w_cstr(&B, "");
    BAD("data.orgs", "non-empty");
    char long65[66];
    memset(long65, 'o', 65);
    long65[65] = 0;
    rg_w_cstr(data(1), "orgs");
    rg_w_array(&B, 1);
    rg_w_cstr(&B, long65);
    BAD("data.orgs", "64 bytes");
    rg_w_kstr(data(1), "orgs", "police");
    BAD("data.orgs", "array");

    /* Arrays of maps: each element checked against the sub-table, the
     * message naming the element and its field. */
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 2);
    rg_w_map(&B, 2);
    rg_w_kstr(&B, "id", "A1");
    rg_w_kstr(&B, "due", "2026-12-24");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "id", "A2");
    OKAY();
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 2);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "id", "A1");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "due", "2026-12-24");
    BAD("data.actions[1].id", "required");
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 1);
    rg_w_map(&B, 2);
    rg_w_kstr(&B, "id", "A1");
    rg_w_kstr(&B, "owner", "police");
    BAD("data.actions[0].owner", "unknown field");
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 1);
    rg_w_map(&B, 2);
    rg_w_kstr(&B, "id", "A1");
    rg_w_kstr(&B, "due", "2026-13-01");
    BAD("data.actions[0].due", "ISO 8601");
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 1);
    rg_w_cstr(&B, "A1");
    BAD("data.actions[0]", "map");
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 0);
    BAD("data.actions", "too few");
    rg_w_cstr(data(1), "actions");
    rg_w_array(&B, 3);
    for (int i = 0; i < 3; i++) {
        rg_w_map(&B, 1);
        rg_w_kstr(&B, "id", "A");
    }
    BAD("data.actions", "too many");
}

static void test_enums(void)
{
    /* One word of the list; a prefix, a longer word, another case or
     * another type is none of them, and the message lists the words. */
    rg_w_kstr(data(1), "class", "special");
    OKAY();
    rg_w_kstr(data(1), "class", "ordinary");
    OKAY();
    rg_w_kstr(data(1), "class", "criminal");
    OKAY();
    static const char *const wrong[] = {"spec", "specials", "Special", "", "ordinary special", "secret"};
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        rg_w_kstr(data(1), "class", wrong[i]);
        BAD("data.class", "ordinary special criminal");
    }
    rg_w_kuint(data(1), "class", 1);
    BAD("data.class", "must be one of");

    /* An array of distinct words, 1..max of them. */
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 3);
    rg_w_cstr(&B, "system");
    rg_w_cstr(&B, "multi_domain");
    rg_w_cstr(&B, "local_safety");
    OKAY();
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 2);
    rg_w_cstr(&B, "system");
    rg_w_cstr(&B, "system");
    BAD("data.criteria", "twice");
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 2);
    rg_w_cstr(&B, "system");
    rg_w_cstr(&B, "multi-chain");
    BAD("data.criteria[1]", "multi_domain multi_chain system local_safety");
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 0);
    BAD("data.criteria", "one or more");
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 4);
    rg_w_cstr(&B, "system");
    rg_w_cstr(&B, "multi_domain");
    rg_w_cstr(&B, "local_safety");
    rg_w_cstr(&B, "multi_chain");
    BAD("data.criteria", "one or more");             /* more than max */
    rg_w_kstr(data(1), "criteria", "system");
    BAD("data.criteria", "array");
    rg_w_cstr(data(1), "criteria");
    rg_w_array(&B, 1);
    rg_w_uint(&B, 2);
    BAD("data.criteria[0]", "must be one of");

    /* rg_word_in, which both use: whole words only. */
    CHECK(rg_word_in("a bb ccc", "bb", 2));
    CHECK(rg_word_in("a bb ccc", "a", 1));
    CHECK(rg_word_in("a bb ccc", "ccc", 3));
    CHECK(!rg_word_in("a bb ccc", "b", 1));
    CHECK(!rg_word_in("a bb ccc", "cc", 2));
    CHECK(!rg_word_in("a bb ccc", "bb c", 4));
    CHECK(!rg_word_in("a bb ccc", "", 0));
    CHECK(!rg_word_in(NULL, "a", 1));
    CHECK(!rg_word_in("", "a", 1));
}

static void test_real_criteria_field(void)
{
    /* intake.decide's criteria in schemas/ops.c: the national admission
     * criteria as an enumerated array. */
    const rg_opdef *op = rg_op_find("intake.decide", 13);
    REQUIRE(op && op->fields);
    rg_buf_reset(&B);
    rg_w_map(&B, 3);
    rg_w_kbool(&B, "admit", true);
    rg_w_kstr(&B, "reason", "several life domains");
    rg_w_cstr(&B, "criteria");
    rg_w_array(&B, 2);
    rg_w_cstr(&B, "multi_domain");
    rg_w_cstr(&B, "multi_chain");
    CHECK(check_with(op->fields, &B) == 0);
    rg_buf_reset(&B);
    rg_w_map(&B, 3);
    rg_w_kbool(&B, "admit", true);
    rg_w_kstr(&B, "reason", "several life domains");
    rg_w_cstr(&B, "criteria");
    rg_w_array(&B, 2);
    rg_w_cstr(&B, "multi_domain");
    rg_w_cstr(&B, "multi_domain");
    CHECK(check_with(op->fields, &B) == RG_EBADREQ && strstr(msg, "data.criteria"));
    rg_buf_reset(&B);
    rg_w_map(&B, 3);
    rg_w_kbool(&B, "admit", true);
    rg_w_kstr(&B, "reason", "several life domains");
    rg_w_cstr(&B, "criteria");
    rg_w_array(&B, 1);
    rg_w_cstr(&B, "gut_feeling");
    CHECK(check_with(op->fields, &B) == RG_EBADREQ && strstr(msg, "data.criteria[0]"));
}

static void test_required_unknown_twice(void)
{
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "note", "no name");
    BAD("data.name", "required field missing");
    rg_w_kstr(data(1), "colour", "red");
    BAD("data.colour", "unknown field");
    rg_w_kstr(data(1), "name", "again");
    BAD("data.name", "given twice");
    rg_w_kbool(data(2), "flag", true);
    rg_w_kbool(&B, "flag", false);
    BAD("data.flag", "given twice");
    /* A key that is not a string. */
    rg_w_uint(data(1), 7);
    rg_w_cstr(&B, "x");
    BAD("data", "keys must be strings");
    /* data that is not a map. */
    rg_buf_reset(&B);
    rg_w_array(&B, 1);
    rg_w_cstr(&B, "name");
    BAD("data", "must be a map");
    /* Every field at once, in another order than the table's. */
    rg_buf_reset(&B);
    rg_w_map(&B, 5);
    rg_w_kstr(&B, "class", "special");
    rg_w_kuint(&B, "count", 3);
    rg_w_kstr(&B, "due", "2026-12-01T10:00:00Z");
    rg_w_kstr(&B, "name", "last");
    rg_w_kbool(&B, "flag", true);
    OKAY();
    /* No data at all: fine without required fields, refused with them. */
    char m2[128];
    static const rg_field optional_only[] = {{.name = "x", .type = RG_F_BOOL}, {.name = NULL}};
    CHECK(rg_schema_check(optional_only, NULL, m2, sizeof m2) == 0);
    CHECK(rg_schema_check(NULL, NULL, m2, sizeof m2) == 0);
    CHECK(rg_schema_check(fields, NULL, m2, sizeof m2) == RG_EBADREQ && strstr(m2, "data.name"));
    /* An op without fields takes an empty map, and no key. */
    rg_buf_reset(&B);
    rg_w_map(&B, 0);
    CHECK(check_with(NULL, &B) == 0);
    rg_buf_reset(&B);
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "x", "y");
    CHECK(check_with(NULL, &B) == RG_EBADREQ && strstr(msg, "data.x"));
}

/* UTC ms of a civil time, by the C library (not schema.c's arithmetic). */
static int64_t utc_ms(int y, int mo, int d, int h, int mi, int s)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = s;
    return (int64_t)timegm(&t) * 1000;
}

static bool iso(const char *s, int64_t want, bool want_date_only)
{
    int64_t ms = -1;
    bool date_only = !want_date_only;
    if (!rg_parse_iso(s, (uint32_t)strlen(s), &ms, &date_only)) {
        printf("  '%s' refused\n", s);
        return false;
    }
    if (ms != want || date_only != want_date_only) {
        printf("  '%s': %lld (date only %d), expected %lld (%d)\n", s, (long long)ms, date_only,
               (long long)want, want_date_only);
        return false;
    }
    return true;
}

static bool refused(const char *s)
{
    int64_t ms;
    bool date_only;
    if (!rg_parse_iso(s, (uint32_t)strlen(s), &ms, &date_only)) return true;
    printf("  '%s' accepted\n", s);
    return false;
}

static void test_parse_iso(void)
{
    CHECK(iso("2026-12-01", utc_ms(2026, 12, 1, 0, 0, 0), true));
    CHECK(iso("2026-12-01T10:00:00Z", utc_ms(2026, 12, 1, 10, 0, 0), false));
    CHECK(iso("2026-12-01T10:00:00+01:00", utc_ms(2026, 12, 1, 9, 0, 0), false));
    CHECK(iso("2026-12-01T10:00:00-05:30", utc_ms(2026, 12, 1, 15, 30, 0), false));
    CHECK(iso("2026-12-01T00:30:00+02:00", utc_ms(2026, 11, 30, 22, 30, 0), false));
    CHECK(iso("2026-12-31T23:59:59Z", utc_ms(2026, 12, 31, 23, 59, 59), false));
    CHECK(iso("2028-02-29", utc_ms(2028, 2, 29, 0, 0, 0), true));    /* leap year */
    CHECK(iso("2000-02-29", utc_ms(2000, 2, 29, 0, 0, 0), true));    /* divisible by 400 */
    CHECK(iso("1970-01-01", 0, true));
    CHECK(iso("1969-12-31", -86400000LL, true));
    CHECK(iso("1900-01-01", utc_ms(1900, 1, 1, 0, 0, 0), true));
    CHECK(iso("9999-12-31", utc_ms(9999, 12, 31, 0, 0, 0), true));
    CHECK(iso("2026-06-15T12:00:00+14:00", utc_ms(2026, 6, 14, 22, 0, 0), false));
    /* The length given counts, not a NUL: a date at the front of a longer
     * string is a date. */
    int64_t ms;
    bool date_only;
    CHECK(rg_parse_iso("2026-12-01T10:00:00Z", 10, &ms, &date_only) && date_only &&
          ms == utc_ms(2026, 12, 1, 0, 0, 0));

    static const char *const bad[] = {
        "2026-02-29",                  /* not a leap year */
        "1900-02-29",                  /* divisible by 100, not by 400 */
        "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
        "1899-12-31",                  /* before 1900 */
        "2026-1-01", "2026/12/01", "26-12-01", "2026-12-1", "2026-12-01x", "20261201",
        "2026-12-01T10:00:00",         /* no offset */
        "2026-12-01T10:00Z",           /* no seconds */
        "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:00:60Z",
        "2026-12-01 10:00:00Z",        /* a space for the T */
        "2026-12-01t10:00:00Z", "2026-12-01T10:00:00z",
        "2026-12-01T10:00:00+0100", "2026-12-01T10:00:00+01", "2026-12-01T10:00:00+15:00",
        "2026-12-01T10:00:00+01:60", "2026-12-01T10:00:00.123Z", "2026-12-01T1a:00:00Z",
        "", "2026", "yyyy-mm-dd",
    };
    size_t accepted = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) accepted += !refused(bad[i]);
    CHECK(accepted == 0);
}

static void test_life_cycle_table(void)
{
    /* case.get in every state of every route; intake.start only in reported;
     * an operation that is not in the table nowhere. */
    for (int rt = 0; rt < RG_NROUTES; rt++)
        for (int st = 0; st < RG_NSTATES; st++) {
            CHECK(rg_machine_allows(rt, st, "case.get"));
            CHECK(rg_machine_allows(rt, st, "intake.start") == (st == RG_ST_REPORTED));
            CHECK(!rg_machine_allows(rt, st, "no.such.op"));
            CHECK(!rg_machine_allows(rt, st, "stats"));      /* not a case operation */
        }
    CHECK(rg_machine_allows(RG_RT_DEFAULT, RG_ST_INTAKE, "intake.decide"));
    CHECK(!rg_machine_allows(RG_RT_DEFAULT, RG_ST_ANALYSIS, "intake.decide"));
    CHECK(rg_machine_allows(RG_RT_DEFAULT, RG_ST_EXECUTION, "case.close"));
    CHECK(!rg_machine_allows(RG_RT_DEFAULT, RG_ST_PLANNING, "case.close"));
    CHECK(rg_machine_allows(RG_RT_REENTRY, RG_ST_CLOSED, "aftercare.check"));
    CHECK(!rg_machine_allows(RG_RT_REENTRY, RG_ST_ARCHIVED, "case.reopen"));
    /* Every row of the table names a known operation of a case. */
    for (const rg_transition *t = rg_machine; t->op; t++) {
        const rg_opdef *op = rg_op_find(t->op, (uint32_t)strlen(t->op));
        if (!op || !(op->flags & RG_OP_CASE)) printf("  machine row %s: no case operation\n", t->op);
        CHECK(op && (op->flags & RG_OP_CASE));
    }
}

static void test_names_round_trip(void)
{
    for (int st = 0; st < RG_NSTATES; st++) {
        const char *n = rg_state_name(st);
        CHECK(strcmp(n, "?") != 0);
        CHECK(rg_state_parse(n, (uint32_t)strlen(n)) == st);
    }
    for (int r = 0; r < RG_NROLES; r++) {
        const char *n = rg_role_name(r);
        CHECK(strcmp(n, "?") != 0);
        CHECK(rg_role_parse(n, (uint32_t)strlen(n)) == r);
    }
    for (int rt = 0; rt < RG_NROUTES; rt++) {
        const char *n = rg_route_name(rt);
        CHECK(strcmp(n, "?") != 0);
        CHECK(rg_route_parse(n, (uint32_t)strlen(n)) == rt);
    }
    /* The wire names of the contract. */
    CHECK(strcmp(rg_state_name(RG_ST_REPORTED), "reported") == 0);
    CHECK(strcmp(rg_state_name(RG_ST_ARCHIVED), "archived") == 0);
    CHECK(strcmp(rg_role_name(RG_ROLE_PROCESREGISSEUR), "procesregisseur") == 0);
    CHECK(strcmp(rg_route_name(RG_RT_REENTRY), "re-entry") == 0);
    CHECK(rg_route_parse("default", 7) == RG_RT_DEFAULT);
    /* Out of range and unknown. */
    CHECK(strcmp(rg_state_name(-1), "?") == 0 && strcmp(rg_state_name(RG_NSTATES), "?") == 0);
    CHECK(strcmp(rg_role_name(RG_NROLES), "?") == 0 && strcmp(rg_route_name(-1), "?") == 0);
    CHECK(rg_state_parse("report", 6) == -1);          /* a prefix */
    CHECK(rg_state_parse("reportedx", 9) == -1);
    CHECK(rg_state_parse("reported", 7) == -1);        /* the length counts */
    CHECK(rg_state_parse("Reported", 8) == -1);
    CHECK(rg_role_parse("", 0) == -1);
    CHECK(rg_route_parse("reentry", 7) == -1);
}

static void test_tables(void)
{
    CHECK(rg_schema_validate() == 0);
    /* Every event type is found by its name through the index, and no
     * other name is. */
    size_t n = 0, missed = 0;
    for (const rg_evdef *ev = rg_events; ev->type; ev++, n++)
        if (rg_event_find(ev->type) != ev) missed++;
    CHECK(n > 0 && missed == 0);
    CHECK(rg_event_find("case.report") == NULL);        /* an op, not an event */
    CHECK(rg_event_find("") == NULL);
    CHECK(rg_event_find("case.reported.") == NULL);
    const rg_evdef *rep = rg_event_find("case.reported");
    CHECK(rep && rep->to == RG_ST_REPORTED);
    /* Operations. */
    const rg_opdef *op = rg_op_find("case.get", 8);
    CHECK(op && strcmp(op->name, "case.get") == 0 && (op->flags & RG_OP_CASE));
    CHECK(rg_op_find("case.ge", 7) == NULL);
    CHECK(rg_op_find("case.gets", 9) == NULL);
    /* Norms fit the engine's masks and amounts. */
    size_t norms = 0;
    while (rg_norms[norms].name) norms++;
    CHECK(norms > 0 && norms <= RG_MAX_NORMS);
}

int main(void)
{
    RUN(test_strings);
    RUN(test_bool_and_numbers);
    RUN(test_dates);
    RUN(test_maps_and_arrays);
    RUN(test_enums);
    RUN(test_real_criteria_field);
    RUN(test_required_unknown_twice);
    RUN(test_parse_iso);
    RUN(test_life_cycle_table);
    RUN(test_names_round_trip);
    RUN(test_tables);
    rg_buf_free(&B);
    return rg_t_exit();
}
