/* util.c - checks shared by several handlers. */
#include <stdbool.h>
#include <stdint.h>

#include "handlers.h"

bool rg_is_name(const char *p, uint32_t n)
{
    /* Ids and orgs appear in notification topics (alert.<id>, org.<org>), so
     * they are kept to characters that need no escaping anywhere. */
    if (n == 0 || n > 64) return false;
    for (uint32_t i = 0; i < n; i++) {
        char ch = p[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return true;
}
