"""The company's days: dates in the time zone of its working calendar. Pure functions."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(tz_name):
    """The time zone named ``tz_name``; UTC when it is empty or unknown."""
    try:
        return ZoneInfo(tz_name) if tz_name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def zone_name(tz_name):
    """``tz_name`` if it names a time zone, else ``"UTC"``: a name safe to hand to SQL's
    ``AT TIME ZONE``."""
    return tz_name if tz_name and zone(tz_name) is not timezone.utc else "UTC"


def local_day(moment, tz_name):
    """The date, in ``tz_name``, of ``moment``: a naive UTC datetime, as Odoo stores them."""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone(tz_name)).date()


def day_start(day, tz_name):
    """The naive UTC datetime at which ``day`` begins in ``tz_name``."""
    start = datetime.combine(day, time.min, tzinfo=zone(tz_name))
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def day_bounds(first, last, tz_name):
    """``[begin, end)`` in naive UTC datetimes of the days ``first`` to ``last`` in ``tz_name``."""
    return day_start(first, tz_name), day_start(last + timedelta(days=1), tz_name)


def covered_days(begin, end, tz_name):
    """The dates, in ``tz_name``, whose noon lies within ``[begin, end]`` (naive UTC
    datetimes): the days a time off makes days off, whatever time zone it was entered in."""
    first, last = local_day(begin, tz_name), local_day(end, tz_name)
    if _noon(first, tz_name) < begin:
        first += timedelta(days=1)
    if _noon(last, tz_name) > end:
        last -= timedelta(days=1)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _noon(day, tz_name):
    noon = datetime.combine(day, time(12), tzinfo=zone(tz_name))
    return noon.astimezone(timezone.utc).replace(tzinfo=None)
