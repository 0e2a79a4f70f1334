/*
 * config_fuzz.c - libFuzzer target for the region's config file (issue 16,
 * `regied --config FILE`): the bytes are written to a file and loaded over
 * the defaults by rg_config_load; whatever it accepts must leave every
 * amount and the ladder's start within the bounds the engine relies on.
 * Run with -close_fd_mask=2: a refused file is named on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../engine/domain/config.h"

static char path[] = "/tmp/regie-fuzz-config-XXXXXX";
static int fd = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0 && (fd = mkstemp(path)) < 0) abort();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size) abort();
    rg_config cfg;
    rg_config_defaults(&cfg);
    if (rg_config_load(path, &cfg) == 0) {
        if (cfg.esc_start_level < 1 || cfg.esc_start_level > 3) abort();
        for (int i = 0; i < RG_MAX_NORMS; i++)
            if (cfg.norm_amounts[i] < 0) abort();
        (void)rg_config_region(&cfg, "zvh");
    }
    return 0;
}
