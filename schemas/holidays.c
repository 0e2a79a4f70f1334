/*
 * holidays.c - the days that are no working days in Dutch public
 * administration (the Algemene termijnenwet, art. 3), as data: the law's
 * fixed days, and the days a decree equates with them, per year.  A decree
 * is published every three years for the next three: add its days here,
 * with its name, when it appears.  A region's own closed days are its
 * configuration's (`closed = 2027-02-08, ...`; domain/config.h).  Read by
 * domain/calendar.c; changing a row changes the due times of deadlines set
 * from then on only: every event records the due times it set.
 */
#include "../engine/domain/calendar.h"

/* Art. 3(1) and (2): New Year's Day, Good Friday, Easter Monday, King's Day,
 * Liberation Day, Ascension Day, Whit Monday, Christmas and Boxing Day. */
const rg_holiday_rule rg_holiday_rules[] = {
    /* kind             month  day   name */
    {RG_HOLIDAY_DATE,    1,     1,   "Nieuwjaarsdag"},
    {RG_HOLIDAY_EASTER,  0,    -2,   "Goede Vrijdag (art. 3 lid 2)"},
    {RG_HOLIDAY_EASTER,  0,     1,   "Tweede Paasdag"},
    {RG_HOLIDAY_KING,    4,    27,   "Koningsdag (26 april als de 27e een zondag is)"},
    {RG_HOLIDAY_DATE,    5,     5,   "Bevrijdingsdag"},
    {RG_HOLIDAY_EASTER,  0,    39,   "Hemelvaartsdag"},
    {RG_HOLIDAY_EASTER,  0,    50,   "Tweede Pinksterdag"},
    {RG_HOLIDAY_DATE,   12,    25,   "Eerste Kerstdag"},
    {RG_HOLIDAY_DATE,   12,    26,   "Tweede Kerstdag"},
    {0, 0, 0, NULL},
};

/* Art. 3(3): days equated with the recognised holidays by decree, the
 * bridge days around them. */
#define DECREE_2026_2028 "Besluit gelijkstelling dagen Algemene termijnenwet 2026-2028"
const rg_decreed_day rg_decreed_days[] = {
    /* year month day  decree */
    {2026,  1,   2,   DECREE_2026_2028},      /* the Friday after New Year's Day */
    {2026,  5,  15,   DECREE_2026_2028},      /* the Friday after Ascension Day */
    {2027,  5,   7,   DECREE_2026_2028},      /* the Friday after Ascension Day */
    {2028,  4,  28,   DECREE_2026_2028},      /* the Friday after King's Day */
    {2028,  5,  26,   DECREE_2026_2028},      /* the Friday after Ascension Day */
    {0, 0, 0, NULL},
};
