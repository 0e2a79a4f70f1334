/*
 * spellings.c - the spellings logs used before a field became a fixed list,
 * and the word of the list each means (domain/spelling.h reads them; the
 * upcaster of case.reported 2 -> 3 and the fold of older projections use
 * them through it).  Data only: kept apart from upcasters.c, whose code
 * uses spelling.c, so that the table and its reader do not use each other.
 */
#include <stddef.h>

#include "../engine/domain/spelling.h"

/* The target groups (DOMAIN.md), each with the spellings logs used before
 * the list was fixed.  Compared without case and separators, so
 * "Verward-Gedrag", "verward gedrag" and "jeugdcriminaliteit" need no row.
 * A misspelt radicalisation case must land under its covenant: a spelling
 * that means it is listed rather than left to "overig". */
const rg_spelling rg_old_target_groups[] = {
    {"verward_gedrag", "verward_gedrag"},
    {"e33", "verward_gedrag"},
    {"radicalisering", "radicalisering"},
    {"radicalisatie", "radicalisering"},
    {"radicalisation", "radicalisering"},
    {"radicalization", "radicalisering"},
    {"nazorg_ex_gedetineerden", "nazorg_ex_gedetineerden"},
    {"ex-gedetineerde", "nazorg_ex_gedetineerden"},
    {"ex-gedetineerden", "nazorg_ex_gedetineerden"},
    {"nazorg", "nazorg_ex_gedetineerden"},
    {"ex-detainee", "nazorg_ex_gedetineerden"},
    {"huiselijk_geweld", "huiselijk_geweld"},
    {"multi_probleem_gezin", "multi_probleem_gezin"},
    {"jeugd_criminaliteit", "jeugd_criminaliteit"},
    {"ondermijning", "ondermijning"},
    {"zorgmijding", "zorgmijding"},
    {"zorgmijder", "zorgmijding"},
    {"zorgmijders", "zorgmijding"},
    {"overig", "overig"},
    {NULL, NULL},
};

const rg_spelling rg_old_urgencies[] = {
    {"low", "low"}, {"normal", "normal"}, {"high", "high"}, {"acute", "acute"},
    {"laag", "low"}, {"normaal", "normal"}, {"hoog", "high"}, {"acuut", "acute"},
    {NULL, NULL},
};
