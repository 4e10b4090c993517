"""A country's official calendar of a year: its non-working days and its moved working
days (a Saturday worked instead of a holiday). Pure functions, no database.

The source is the ``holidays`` library (offline, pure Python). For the Russian years whose
decree the installed library does not know yet, the days moved by the decree are shipped
here (``SHIPPED_DAYS``): merged with the library's, so a newer library changes nothing.
"""

from datetime import date, timedelta

import holidays

#: Days moved by decree that the pinned ``holidays`` does not know, by country and year:
#: ``{"days_off": {day off: the day it replaces}, "workdays": {working day: the day it replaces}}``.
#: Russia 2026 (Government decree no. 1466 of 24 September 2025, and article 112 of the
#: Labour Code for the holidays falling on a weekend): Saturday 3 and Sunday 4 January move
#: to Friday 9 January and Thursday 31 December; Sunday 8 March to Monday 9 March; Saturday
#: 9 May to Monday 11 May. No working Saturday: 1 to 11 January are non-working, 247 working days.
SHIPPED_DAYS = {
    "RU": {
        2026: {
            "days_off": {
                date(2026, 1, 9): date(2026, 1, 3),
                date(2026, 3, 9): date(2026, 3, 8),
                date(2026, 5, 11): date(2026, 5, 9),
                date(2026, 12, 31): date(2026, 1, 4),
            },
            "workdays": {},
        },
    },
}


def official_days(country_code, year, language=None):
    """The non-working days and the moved working days of ``country_code`` in ``year``.

    Returns ``(days_off, workdays)``: ``days_off`` maps each non-working day (weekends
    included when a holiday falls on them) to its name, or to the day it replaces (a
    ``date``) for a day the addon ships; ``workdays`` maps each moved working day to the
    day it replaces, or None when the library does not say. Names are in ``language``
    (``ru_RU`` or ``ru``) when the library has it, else in its default language.
    Raises LookupError when the library has no calendar of the country.
    """
    try:
        calendar = holidays.country_holidays(country_code, years=year)
    except NotImplementedError:
        raise LookupError(country_code) from None
    supported = calendar.supported_languages or ()
    language = next((code for code in (language, (language or "").split("_")[0]) if code in supported), None)
    if language:
        calendar = holidays.country_holidays(country_code, years=year, language=language)
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    # The library lists as weekend working days the weekend days a decree moves, holidays
    # included (1 January moved to May): only those that are no holiday are worked.
    workdays = {
        day: None for day in getattr(calendar, "weekend_workdays", ()) or () if day.year == year and day not in days_off
    }
    shipped = SHIPPED_DAYS.get(country_code, {}).get(year, {})
    for day, replaced in shipped.get("days_off", {}).items():
        days_off.setdefault(day, replaced)
        workdays.pop(day, None)
    for day, replaced in shipped.get("workdays", {}).items():
        if day not in days_off:
            workdays[day] = replaced
    return days_off, workdays


def day_runs(days):
    """``(first, last, name)`` of the days in a row of ``{day: name}`` that share their name,
    in date order: one time off for the New Year holidays rather than one a day."""
    runs = []
    for day in sorted(days):
        name = days[day]
        if runs and runs[-1][1] == day - timedelta(days=1) and runs[-1][2] == name:
            runs[-1][1] = day
        else:
            runs.append([day, day, name])
    return [tuple(run) for run in runs]
