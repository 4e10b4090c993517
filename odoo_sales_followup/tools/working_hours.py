"""Working-hour arithmetic of the controls: pure functions, no database."""

from datetime import datetime, time, timedelta, timezone

from .business_days import SEARCH_LIMIT
from .company_days import zone


def working_hours_before(moment, hours, schedule, tz_name, holidays=(), extra_workdays=()):
    """The moment ``hours`` working hours before ``moment``, both naive UTC datetimes as Odoo
    stores them: the latest one from which ``hours`` working hours have passed by ``moment``.

    ``schedule`` maps weekdays (``date.weekday()`` numbers) to their working hours, pairs
    ``(hour_from, hour_to)`` of the day in ``tz_name`` as ``resource.calendar.attendance``
    has them (``8.5`` is 8:30, ``24`` the end of the day). A holiday has no working hours; a
    moved working day (``extra_workdays``, a Saturday worked instead of a holiday) has those
    of the first working weekday of ``schedule``, Monday's in a Monday-to-Friday week (a
    holiday wins over a moved working day).
    The days are walked back one by one: the cost grows with the days crossed.
    Raises ValueError on a negative number of hours, on a schedule without working hours,
    when more than ``SEARCH_LIMIT`` days in a row have none, and before the first date
    Python knows.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    periods = {}
    for weekday, pairs in schedule.items():
        for hour_from, hour_to in pairs:
            if hour_to > hour_from:
                periods.setdefault(int(weekday), []).append((timedelta(hours=hour_from), timedelta(hours=hour_to)))
    periods = {weekday: sorted(pairs) for weekday, pairs in periods.items()}
    if not periods:
        raise ValueError("the calendar has no working hours")
    moved = periods[min(periods)]
    tz = zone(tz_name)
    remaining = timedelta(hours=hours)
    if not remaining:
        return moment
    day = moment.replace(tzinfo=timezone.utc).astimezone(tz).date()
    idle = 0  # days in a row without working hours
    try:
        while idle <= SEARCH_LIMIT:
            if day in holidays:
                pairs = ()
            elif day in extra_workdays:
                pairs = moved
            else:
                pairs = periods.get(day.weekday(), ())
            worked = False
            for begin, end in reversed(pairs):
                begin, end = _utc(day, begin, tz), min(_utc(day, end, tz), moment)
                if end <= begin:
                    continue
                worked = True
                if end - begin >= remaining:
                    return end - remaining
                remaining -= end - begin
            idle = 0 if worked else idle + 1
            day -= timedelta(days=1)
    except OverflowError:
        raise ValueError("the date is before the first day of the calendar") from None
    raise ValueError("no working hours in the calendar")


def _utc(day, offset, tz):
    """The naive UTC datetime of ``offset`` after the beginning of ``day``'s wall clock in ``tz``."""
    local = datetime.combine(day, time.min) + offset
    return local.replace(tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)
