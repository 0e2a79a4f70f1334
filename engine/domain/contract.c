/* contract.c - names of states, roles and routes, and operation lookup; see contract.h. */
#include "contract.h"

#include <string.h>

static const char *state_names[] = {
#define RG_STATE(e, s, open) s,
#include "../../schemas/states.def"
#undef RG_STATE
};

static const char *role_names[] = {
#define RG_ROLE(e, s) s,
#include "../../schemas/roles.def"
#undef RG_ROLE
};

static const char *route_names[] = {
#define RG_ROUTE(e, s) s,
#include "../../schemas/routes.def"
#undef RG_ROUTE
};

static int parse_name(const char *const *names, int count, const char *p, uint32_t n)
{
    for (int i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], p, n) == 0) return i;
    return -1;
}

const char *rg_state_name(int st) { return st >= 0 && st < RG_NSTATES ? state_names[st] : "?"; }
int rg_state_parse(const char *p, uint32_t n) { return parse_name(state_names, RG_NSTATES, p, n); }
const char *rg_role_name(int r) { return r >= 0 && r < RG_NROLES ? role_names[r] : "?"; }
int rg_role_parse(const char *p, uint32_t n) { return parse_name(role_names, RG_NROLES, p, n); }

const char *rg_route_name(int r) { return r >= 0 && r < RG_NROUTES ? route_names[r] : "?"; }
int rg_route_parse(const char *p, uint32_t n) { return parse_name(route_names, RG_NROUTES, p, n); }

const rg_opdef *rg_op_find(const char *p, uint32_t n)
{
    for (const rg_opdef *op = rg_ops; op->name; op++)
        if (strlen(op->name) == n && memcmp(op->name, p, n) == 0) return op;
    return NULL;
}

uint32_t rg_covenant_bit(const char *w, uint32_t n)
{
    uint32_t bit = 1;
    for (const char *p = RG_COVENANTS; *p; bit <<= 1) {
        size_t len = strcspn(p, " ");
        if (len == n && memcmp(p, w, n) == 0) return bit;
        p += len + (p[len] == ' ');
    }
    return 0;
}

const char *rg_covenant_name(uint32_t bit)
{
    /* One word today; a table when a second covenant comes. */
    return bit == rg_covenant_bit("radicalisering", 14) ? "radicalisering" : NULL;
}
