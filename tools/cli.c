/* cli.c - global options and one request/reply for the regie client. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/storage/codec.h"
#include "client.h"
#include "render.h"

static const char *value_of(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "regie: %s needs a value\n", name);
            exit(2);
        }
        return argv[++*i];
    }
    return NULL;
}

int rg_cli_parse(rg_cli *cli, int argc, char **argv, const char **words, int *nwords,
                 const char **rest, int *nrest)
{
    memset(cli, 0, sizeof *cli);
    cli->token = getenv("REGIE_TOKEN");
    cli->url = getenv("REGIE_URL");
    if (!cli->url || !*cli->url) cli->url = "tcp://127.0.0.1:7450";
    cli->expect = -1;
    cli->timeout_ms = 10000;
    *nwords = *nrest = 0;
    bool flags_started = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = value_of(argc, argv, &i, "--token"))) cli->token = v;
        else if ((v = value_of(argc, argv, &i, "--connect"))) cli->url = v;
        else if ((v = value_of(argc, argv, &i, "--case"))) cli->case_id = v;
        else if ((v = value_of(argc, argv, &i, "--req"))) cli->req = v;
        else if ((v = value_of(argc, argv, &i, "--tls-ca"))) cli->tls_ca = v;
        else if ((v = value_of(argc, argv, &i, "--expect"))) {
            char *end;
            cli->expect = strtoll(v, &end, 10);
            if (*end || cli->expect < 0) {
                fprintf(stderr, "regie: --expect takes a version number\n");
                return -1;
            }
        } else if ((v = value_of(argc, argv, &i, "--timeout"))) {
            cli->timeout_ms = atoi(v);
            if (cli->timeout_ms <= 0) {
                fprintf(stderr, "regie: --timeout takes milliseconds\n");
                return -1;
            }
        } else if (strcmp(argv[i], "--json") == 0) cli->json = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) cli->help = true;
        else if (argv[i][0] != '-' && !flags_started && *nwords < 2) words[(*nwords)++] = argv[i];
        else {
            flags_started = true;
            rest[(*nrest)++] = argv[i];
        }
    }
    return 0;
}

int rg_cli_call_print(const rg_cli *cli, const rg_buf *b)
{
    if (!cli->token || !*cli->token) {
        fprintf(stderr, "regie: no token: give --token or set REGIE_TOKEN\n");
        return 2;
    }
    rg_client *c;
    int rc = rg_client_open(&c, cli->url, cli->timeout_ms, cli->tls_ca);
    if (rc < 0) {
        fprintf(stderr, "regie: cannot reach %s: %s\n", cli->url, rg_client_strerror(rc));
        return 3;
    }
    uint8_t *reply;
    size_t n;
    rc = rg_client_call(c, b->data, b->len, &reply, &n);
    rg_client_close(c);
    if (rc < 0) {
        fprintf(stderr, "regie: cannot reach %s: %s\n", cli->url, rg_client_strerror(rc));
        return 3;
    }
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, reply, n, &why) < 0) {
        fprintf(stderr, "regie: the engine sent a malformed reply: %s\n", why);
        free(reply);
        return 3;
    }
    const rg_val *root = rg_doc_root(d);
    bool ok = false;
    rg_val_bool(rg_map_get(root, "ok"), &ok);
    if (cli->json) {
        rg_render_json(stdout, root);
        fputc('\n', stdout);
    } else if (ok) {
        /* Everything but the "ok" itself. */
        for (uint32_t i = 0; i < rg_map_size(root); i++) {
            if (rg_val_is_str(rg_map_key(root, i), "ok")) continue;
            const char *k;
            uint32_t kn;
            rg_val_str(rg_map_key(root, i), &k, &kn);
            const rg_val *v = rg_map_value(root, i);
            rg_vtype t = rg_val_type(v);
            if (t == RG_VMAP || (t == RG_VARRAY && rg_array_size(v))) {
                printf("%.*s:\n", (int)kn, k);
                rg_render_human(stdout, v, 2);
            } else {
                printf("%.*s: ", (int)kn, k);
                if (t == RG_VARRAY) printf("[]\n");
                else rg_render_human(stdout, v, 0);
            }
        }
    }
    if (!ok) {
        char code[64] = "?", msg[1024] = "";
        rg_val_strcpy(rg_map_get(root, "error"), code, sizeof code);
        rg_val_strcpy(rg_map_get(root, "message"), msg, sizeof msg);
        fprintf(stderr, "error: %s: %s\n", code, msg);
    }
    rg_doc_free(d);
    free(reply);
    return ok ? 0 : 1;
}
