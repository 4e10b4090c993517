"""Business-day arithmetic of activity chains: pure functions, no database."""

from datetime import timedelta

#: Monday to Friday, as ``date.weekday()`` numbers: the week of a company without a calendar.
DEFAULT_WORKDAYS = frozenset(range(5))

#: A calendar with no working day at all in this many days is not a calendar.
SEARCH_LIMIT = 3660


def is_business_day(day, workdays=DEFAULT_WORKDAYS, holidays=()):
    """Whether ``day`` is a working weekday of the calendar and not one of its holidays."""
    return day.weekday() in workdays and day not in holidays


def add_business_days(start, days, workdays=DEFAULT_WORKDAYS, holidays=()):
    """The ``days``-th business day after ``start``.

    With 0, ``start`` itself when it is a business day, else the next business day.
    ``workdays`` are ``date.weekday()`` numbers, ``holidays`` a set of dates.
    Raises ValueError on a negative number or on a calendar without business days.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if not workdays:
        raise ValueError("the calendar has no working day")
    day = start
    searched = 0
    while not is_business_day(day, workdays, holidays):
        day, searched = day + timedelta(days=1), searched + 1
        if searched > SEARCH_LIMIT:
            raise ValueError("no business day in the calendar")
    for _count in range(days):
        day += timedelta(days=1)
        while not is_business_day(day, workdays, holidays):
            day, searched = day + timedelta(days=1), searched + 1
            if searched > SEARCH_LIMIT:
                raise ValueError("no business day in the calendar")
    return day


def add_delay(start, delay, unit, workdays=DEFAULT_WORKDAYS, holidays=()):
    """``start`` plus ``delay`` calendar days (unit ``days``) or business days (``business_days``)."""
    if unit == "business_days":
        return add_business_days(start, delay, workdays, holidays)
    if delay < 0:
        raise ValueError("days must not be negative")
    return start + timedelta(days=delay)
