/*
 * below_handlers_test.c - linked from every object of engine/storage,
 * engine/domain, schemas/, engine/core and engine/replay and nothing else
 * (the Makefile's rule names the objects, not the library): that it links
 * at all shows the domain, the tables, the core and replay use nothing of
 * handlers/, services/ or net/.  It then folds a case the way replay does,
 * through the domain's folds alone, and checks the tables are whole.
 */
#include <stdio.h>

#include "../../engine/domain/fold.h"
#include "../../engine/domain/schema.h"
#include "../../engine/storage/buf.h"
#include "../../engine/storage/codec.h"
#include "../../engine/storage/errors.h"

static int failed;
#define CHECK(c) do { if (!(c)) { printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); failed = 1; } } while (0)

static int fold(rg_case *c, const char *type, rg_buf *data)
{
    rg_doc *doc;
    const char *why;
    if (rg_doc_parse(&doc, data->data, data->len, &why) < 0) return RG_EBADREQ;
    static const rg_actor actor = {.id = "pr1", .org = "zvh"};
    rg_event_view ev = {.seq = c->version + 1, .v = c->version + 1, .at = 1764579600000ULL + c->version,
                        .type = type, .actor = &actor, .data = rg_doc_root(doc)};
    int rc = rg_fold_apply(c, &ev);
    rg_doc_free(doc);
    rg_buf_reset(data);
    return rc;
}

int main(void)
{
    CHECK(rg_schema_validate() == 0 && rg_fold_check() == 0);
    rg_buf b = {0};
    rg_case *c = rg_case_new("c1");
    rg_w_map(&b, 4);
    rg_w_kstr(&b, "route", "default");
    rg_w_kstr(&b, "reporter_org", "police");
    rg_w_kstr(&b, "target_group", "overig");
    rg_w_kstr(&b, "urgency", "normal");
    CHECK(fold(c, "case.reported", &b) == 0);
    CHECK(c->state == RG_ST_REPORTED && c->version == 1);
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "procesregisseur", "pr1");
    CHECK(fold(c, "case.assigned", &b) == 0);
    rg_w_map(&b, 0);
    CHECK(fold(c, "intake.started", &b) == 0);
    CHECK(c->state == RG_ST_INTAKE && c->version == 3);
    rg_w_map(&b, 0);
    CHECK(fold(c, "no.such_event", &b) == RG_ESTORAGE);      /* refused, the case unchanged */
    CHECK(c->version == 3);
    rg_case_free(c);
    rg_buf_free(&b);
    printf("%s: domain_and_replay_link_and_fold_without_handlers\n", failed ? "FAIL" : "PASS");
    return failed;
}
