/*
 * http_openapi.c - GET /api/v1/openapi.json: the API's OpenAPI 3.1
 * description, generated from the tables the engine itself checks against
 * (schemas/ops.c: operations, roles, fields, types, bounds, enumerations;
 * schemas/machine.c: in which states of which route a case step is
 * allowed), so the browser app's forms and a partner's own client come from
 * the same source as the engine's checks.
 *
 * Extensions: `x-regie-roles` (who may call it), `x-regie-changes` (needs
 * `req`, idempotent), `x-regie-case` (needs `case`), `x-regie-allowed`
 * ({route: [states]}: where the life cycle allows the step), `x-regie-purpose`
 * and `x-regie-basis` (the audit trail's declaration).
 */
#include <jansson.h>
#include <string.h>

#include "../domain/contract.h"
#include "../domain/schema.h"
#include "http_openapi.h"

static json_t *words(const char *spaced)
{
    json_t *a = json_array();
    const char *p = spaced;
    while (*p) {
        while (*p == ' ') p++;
        const char *q = p;
        while (*q && *q != ' ') q++;
        if (q > p) json_array_append_new(a, json_stringn(p, (size_t)(q - p)));
        p = q;
    }
    return a;
}

static json_t *field_schema(const rg_field *f);

static json_t *object_of(const rg_field *fields)
{
    json_t *o = json_pack("{s:s, s:b}", "type", "object", "additionalProperties", 0);
    json_t *props = json_object(), *req = json_array();
    for (const rg_field *f = fields; f && f->name; f++) {
        json_object_set_new(props, f->name, field_schema(f));
        if (f->required) json_array_append_new(req, json_string(f->name));
    }
    json_object_set_new(o, "properties", props);
    if (json_array_size(req)) json_object_set_new(o, "required", req); else json_decref(req);
    return o;
}

static json_t *field_schema(const rg_field *f)
{
    json_t *s = json_object();
    switch (f->type) {
    case RG_F_STR:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "minLength", json_integer(1));
        json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max));
        break;
    case RG_F_TEXT:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max));
        json_object_set_new(s, "x-regie-text", json_true());
        break;
    case RG_F_BOOL: json_object_set_new(s, "type", json_string("boolean")); break;
    case RG_F_UINT:
        json_object_set_new(s, "type", json_string("integer"));
        json_object_set_new(s, "minimum", json_integer((json_int_t)f->min));
        if (f->max) json_object_set_new(s, "maximum", json_integer((json_int_t)f->max));
        break;
    case RG_F_DATE:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "description", json_string("ISO 8601 date or date-time"));
        json_object_set_new(s, "x-regie-date", json_true());
        break;
    case RG_F_OPEN_MAP:
        json_object_set_new(s, "type", json_string("object"));
        json_object_set_new(s, "maxProperties", json_integer((json_int_t)f->max));
        json_object_set_new(s, "additionalProperties",
                            json_pack("{s:[s,s,s,s]}", "type", "string", "integer", "boolean", "null"));
        break;
    case RG_F_STR_ARRAY:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "minItems", json_integer(1));
        json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
        json_object_set_new(s, "items", json_pack("{s:s,s:i,s:i}", "type", "string", "minLength", 1, "maxLength", 64));
        break;
    case RG_F_MAP_ARRAY:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "minItems", json_integer(1));
        json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
        json_object_set_new(s, "items", object_of(f->sub));
        break;
    case RG_F_ENUM:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "enum", words(f->values));
        break;
    case RG_F_ENUM_ARRAY:
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "uniqueItems", json_true());
        json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
        json_object_set_new(s, "items", json_pack("{s:s,s:o}", "type", "string", "enum", words(f->values)));
        break;
    }
    return s;
}

static json_t *allowed(const char *op)
{
    json_t *o = json_object();
    for (int rt = 0; rt < RG_NROUTES; rt++) {
        json_t *states = json_array();
        for (int st = 0; st < RG_NSTATES; st++)
            if (rg_machine_allows(rt, st, op)) json_array_append_new(states, json_string(rg_state_name(st)));
        json_object_set_new(o, rg_route_name(rt), states);
    }
    return o;
}

static json_t *responses(void)
{
    json_t *r = json_object();
    json_object_set_new(r, "200", json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", "ok: {ok: true, ...}",
                                            "content", "application/json", "schema", "$ref",
                                            "#/components/schemas/Reply"));
    static const struct { const char *code, *what; } errs[] = {
        {"400", "bad_request, unknown_op"}, {"401", "unauthorized"}, {"403", "forbidden"},
        {"404", "not_found"}, {"409", "version_conflict, invalid_transition, guard_failed"},
        {"413", "bad_request: the body is larger than 1 MiB"}, {"503", "overloaded, storage_error"},
    };
    for (size_t i = 0; i < sizeof errs / sizeof *errs; i++)
        json_object_set_new(r, errs[i].code,
                            json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", errs[i].what, "content",
                                      "application/json", "schema", "$ref", "#/components/schemas/Error"));
    return r;
}

void rg_openapi_render(rg_buf *out)
{
    json_t *paths = json_object();
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        json_t *body = json_pack("{s:s,s:b,s:o}", "type", "object", "additionalProperties", 0, "properties",
                                 json_object());
        json_t *props = json_object_get(body, "properties");
        json_t *req = json_array();
        if (op->flags & RG_OP_CASE) {
            json_object_set_new(props, "case", json_pack("{s:s,s:i}", "type", "string", "maxLength", 64));
            json_object_set_new(props, "expect", json_pack("{s:s,s:i,s:s}", "type", "integer", "minimum", 1,
                                                           "description", "the case version last seen"));
            json_array_append_new(req, json_string("case"));
        }
        if (op->flags & RG_OP_MUTATES) {
            json_object_set_new(props, "req", json_pack("{s:s,s:i,s:s}", "type", "string", "maxLength", 128,
                                                        "description",
                                                        "the request id: a repeat gets the first reply"));
            json_array_append_new(req, json_string("req"));
        }
        if (op->fields) {
            json_object_set_new(props, "data", object_of(op->fields));
            for (const rg_field *f = op->fields; f->name; f++)
                if (f->required) {
                    json_array_append_new(req, json_string("data"));
                    break;
                }
        }
        json_object_set_new(body, "required", req);
        json_t *roles = json_array();
        for (int r = 0; r < RG_NROLES; r++)
            if (op->roles & (1u << r)) json_array_append_new(roles, json_string(rg_role_name(r)));
        json_t *post = json_object();
        json_object_set_new(post, "operationId", json_string(op->name));
        json_object_set_new(post, "x-regie-roles", roles);
        json_object_set_new(post, "x-regie-changes", json_boolean(op->flags & RG_OP_MUTATES));
        json_object_set_new(post, "x-regie-case", json_boolean(op->flags & RG_OP_CASE));
        if (op->flags & RG_OP_CASE) json_object_set_new(post, "x-regie-allowed", allowed(op->name));
        if (op->purpose) json_object_set_new(post, "x-regie-purpose", json_string(op->purpose));
        if (op->basis) json_object_set_new(post, "x-regie-basis", json_string(op->basis));
        json_object_set_new(post, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required", 0, "content", "application/json",
                                      "schema", body));
        json_object_set_new(post, "responses", responses());
        json_object_set_new(post, "security", json_pack("[{s:[]},{s:[]}]", "bearer", "session"));
        char path[96];
        snprintf(path, sizeof path, "/api/v1/%s", op->name);
        json_object_set_new(paths, path, json_pack("{s:o}", "post", post));
    }
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s,s:s}, s:{s:s,s:s,s:s}}, s:{s:{s:s,s:{s:{s:s}},s:[s]},"
        "s:{s:s,s:{s:{s:s,s:[b]},s:{s:s},s:{s:s}},s:[s,s,s]}}}}",
        "openapi", "3.1.0",
        "info", "title", "regie", "version", "1", "description",
        "Every operation of the engine, generated from its operation table. Authenticate with "
        "Authorization: Bearer TOKEN, or the session cookie (POST /api/v1/session) with the "
        "X-CSRF-Token header on changes.",
        "paths", paths,
        "components", "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
        "session", "type", "apiKey", "in", "cookie", "name", "regie_session",
        "schemas", "Reply", "type", "object", "properties", "ok", "type", "boolean", "required", "ok",
        "Error", "type", "object", "properties", "ok", "type", "boolean", "enum", 0, "error", "type", "string",
        "message", "type", "string", "required", "ok", "error", "message");
    if (!doc) return;
    size_t len = json_dumpb(doc, NULL, 0, JSON_COMPACT);
    rg_buf_reserve(out, len);
    json_dumpb(doc, (char *)out->data + out->len, len, JSON_COMPACT);
    out->len += len;
    json_decref(doc);
}
