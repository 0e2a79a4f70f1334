/*
 * http_openapi_test.c - net/http_openapi.c, the OpenAPI document, checked
 * against the very tables it is generated from: valid JSON, OpenAPI 3.1,
 * one POST path per operation of schemas/ops.c and no other; each with its
 * roles, whether it changes (then `req` required) and takes a case (then
 * `case` required and where the life cycle allows it: exactly the states
 * rg_machine_allows names per route); its data fields each with the type,
 * bounds and words of the table, the required ones required, nothing else
 * accepted; the error replies' statuses.
 */
#include <jansson.h>
#include <string.h>

#include "../../engine/domain/contract.h"
#include "../../engine/domain/schema.h"
#include "../../engine/net/http_openapi.h"
#include "../test.h"

static json_t *doc;

static void test_parses(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_openapi_render(&b);
    json_error_t err;
    doc = json_loadb((const char *)b.data, b.len, 0, &err);
    rg_buf_free(&b);
    REQUIRE(doc != NULL);
    CHECK(strcmp(json_string_value(json_object_get(doc, "openapi")), "3.1.0") == 0);
    size_t nops = 0;
    for (const rg_opdef *op = rg_ops; op->name; op++) nops++;
    CHECK(json_object_size(json_object_get(doc, "paths")) == nops);
}

static bool in_array(json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
    return false;
}

/* The words of a space-separated list, each in a, and as many. */
static bool same_words(json_t *a, const char *spaced)
{
    size_t n = 0;
    for (const char *p = spaced; *p;) {
        while (*p == ' ') p++;
        const char *q = p;
        while (*q && *q != ' ') q++;
        if (q > p) {
            char w[64];
            snprintf(w, sizeof w, "%.*s", (int)(q - p), p);
            if (!in_array(a, w)) return false;
            n++;
        }
        p = q;
    }
    return json_array_size(a) == n;
}

static const char *type_of(const rg_field *f)
{
    switch (f->type) {
    case RG_F_STR: case RG_F_TEXT: case RG_F_DATE: case RG_F_ENUM: return "string";
    case RG_F_BOOL: return "boolean";
    case RG_F_UINT: return "integer";
    case RG_F_OPEN_MAP: return "object";
    case RG_F_STR_ARRAY: case RG_F_MAP_ARRAY: case RG_F_ENUM_ARRAY: return "array";
    }
    return "?";
}

static void check_fields(const char *op, const rg_field *fields, json_t *obj)
{
    json_t *props = json_object_get(obj, "properties"), *req = json_object_get(obj, "required");
    CHECK(json_is_false(json_object_get(obj, "additionalProperties")));
    size_t n = 0;
    for (const rg_field *f = fields; f && f->name; f++, n++) {
        json_t *s = json_object_get(props, f->name);
        if (!s) {
            printf("  %s: data.%s missing\n", op, f->name);
            rg_t_failed = 1;
            continue;
        }
        CHECK(strcmp(json_string_value(json_object_get(s, "type")), type_of(f)) == 0);
        CHECK(in_array(req, f->name) == f->required);
        if (f->type == RG_F_ENUM) CHECK(same_words(json_object_get(s, "enum"), f->values));
        if (f->type == RG_F_ENUM_ARRAY)
            CHECK(same_words(json_object_get(json_object_get(s, "items"), "enum"), f->values));
        if (f->type == RG_F_STR || f->type == RG_F_TEXT)
            CHECK(json_integer_value(json_object_get(s, "maxLength")) == (json_int_t)f->max);
        if (f->type == RG_F_MAP_ARRAY) check_fields(op, f->sub, json_object_get(s, "items"));
    }
    CHECK(json_object_size(props) == n);
}

static void test_every_operation(void)
{
    REQUIRE(doc != NULL);
    json_t *paths = json_object_get(doc, "paths");
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/%s", op->name);
        json_t *post = json_object_get(json_object_get(paths, path), "post");
        if (!post) {
            printf("  no POST %s\n", path);
            rg_t_failed = 1;
            continue;
        }
        CHECK(strcmp(json_string_value(json_object_get(post, "operationId")), op->name) == 0);
        json_t *roles = json_object_get(post, "x-regie-roles");
        size_t nroles = 0;
        for (int r = 0; r < RG_NROLES; r++)
            if (op->roles & (1u << r)) {
                CHECK(in_array(roles, rg_role_name(r)));
                nroles++;
            }
        CHECK(json_array_size(roles) == nroles);
        bool changes = op->flags & RG_OP_MUTATES, has_case = op->flags & RG_OP_CASE;
        CHECK(json_is_true(json_object_get(post, "x-regie-changes")) == changes);
        CHECK(json_is_true(json_object_get(post, "x-regie-case")) == has_case);
        json_t *body = json_object_get(json_object_get(json_object_get(json_object_get(post, "requestBody"),
                                                                       "content"), "application/json"), "schema");
        REQUIRE(body != NULL);
        json_t *req = json_object_get(body, "required");
        CHECK(in_array(req, "req") == changes && in_array(req, "case") == has_case);
        CHECK(json_is_false(json_object_get(body, "additionalProperties")));
        json_t *data = json_object_get(json_object_get(body, "properties"), "data");
        CHECK((data != NULL) == (op->fields != NULL));
        if (op->fields && data) check_fields(op->name, op->fields, data);
        json_t *allowed = json_object_get(post, "x-regie-allowed");
        CHECK((allowed != NULL) == has_case);
        for (int rt = 0; allowed && rt < RG_NROUTES; rt++) {
            json_t *states = json_object_get(allowed, rg_route_name(rt));
            size_t n = 0;
            for (int st = 0; st < RG_NSTATES; st++)
                if (rg_machine_allows(rt, st, op->name)) {
                    CHECK(in_array(states, rg_state_name(st)));
                    n++;
                }
            CHECK(json_array_size(states) == n);
        }
        json_t *resp = json_object_get(post, "responses");
        CHECK(json_object_get(resp, "200") && json_object_get(resp, "409") && json_object_get(resp, "503"));
    }
}

/* A few things a reader of the document counts on, by name. */
static void test_known_operations(void)
{
    REQUIRE(doc != NULL);
    json_t *report = json_object_get(json_object_get(json_object_get(doc, "paths"), "/api/v1/case.report"), "post");
    REQUIRE(report != NULL);
    CHECK(in_array(json_object_get(report, "x-regie-roles"), "partner"));
    CHECK(!in_array(json_object_get(report, "x-regie-roles"), "manager"));
    json_t *get = json_object_get(json_object_get(json_object_get(doc, "paths"), "/api/v1/case.get"), "post");
    REQUIRE(get != NULL);
    CHECK(json_is_false(json_object_get(get, "x-regie-changes")));
    CHECK(json_object_get(json_object_get(doc, "paths"), "/api/v1/no.such") == NULL);
}

int main(void)
{
    RUN(test_parses);
    RUN(test_every_operation);
    RUN(test_known_operations);
    json_decref(doc);
    return rg_t_exit();
}
