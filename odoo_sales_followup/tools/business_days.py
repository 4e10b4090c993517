"""Business-day arithmetic of activity chains: pure functions, no database."""

import bisect
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

DAYS_OF_WEEK = frozenset(range(7))

#: Monday to Friday, as ``date.weekday()`` numbers: the week of a company without a calendar.
DEFAULT_WORKDAYS = frozenset(range(5))

#: The longest delay a chain may ask for, in days or business days: ten years.
#: ``add_delay`` refuses longer ones; the checks of steps and outcomes may use it too.
MAX_DELAY_DAYS = 3650

#: More days than this in a row without a business day (ten years of holidays):
#: not a calendar.
SEARCH_LIMIT = 3660


class BusinessDays(NamedTuple):
    """A working calendar as the arithmetic reads it: ``workdays`` the working weekdays
    (``date.weekday()`` numbers), ``holidays`` the dates off, ``extra_workdays`` the dates
    worked although their weekday is not. Unpacks into the functions' last arguments:
    ``add_delay(start, delay, unit, *calendar)``."""

    workdays: frozenset = DEFAULT_WORKDAYS
    holidays: frozenset = frozenset()
    extra_workdays: frozenset = frozenset()


def is_business_day(day, workdays=DEFAULT_WORKDAYS, holidays=(), extra_workdays=()):
    """Whether ``day`` is a business day of the calendar: a working weekday or one of its
    moved working days (a Saturday worked instead of a holiday), and not one of its holidays."""
    return (day.weekday() in workdays or day in extra_workdays) and day not in holidays


def add_business_days(start, days, workdays=DEFAULT_WORKDAYS, holidays=(), extra_workdays=()):
    """The ``days``-th business day after ``start``.

    With 0, ``start`` itself when it is a business day, else the next business day.
    ``workdays`` are ``date.weekday()`` numbers, ``holidays`` a set of dates,
    ``extra_workdays`` the dates worked although their weekday is not (a holiday wins
    over a moved working day).
    Whole weeks are counted at once and holidays and moved working days one by one, so
    the cost grows with the days crossed that are exceptions, not with ``days``.
    Raises ValueError on a negative number, on a calendar without business days, when
    more than ``SEARCH_LIMIT`` days in a row are not business days, and past the last
    date Python knows.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    workdays = frozenset(workdays)
    if not workdays:
        raise ValueError("the calendar has no working day")
    if not workdays <= DAYS_OF_WEEK:
        raise ValueError("working days are weekday numbers, from 0 (Monday) to 6 (Sunday)")
    week = _week(workdays)
    exceptions, extra = _exceptions(frozenset(holidays), frozenset(extra_workdays), workdays)
    try:
        # The (days + 1)-th business day counted from the day before ``start``:
        # ``start`` itself when it is one and ``days`` is 0.
        day = start - timedelta(days=1)
        remaining = days + 1
        run_begin = start  # the first day of the days off in a row that end the count so far
        for index in range(bisect.bisect_right(exceptions, day), len(exceptions)):
            # Whole weeks up to the next exception, the business days before it, then the
            # exception itself: a holiday closes a working weekday, a moved working day opens
            # a day off.
            exception = exceptions[index]
            opens = exception in extra
            passed = week.count(day, exception) - (not opens)
            if passed >= remaining:
                break
            if passed:
                remaining -= passed
                run_begin = week.previous(exception) + timedelta(days=1)
            if opens:
                remaining -= 1
                if not remaining:
                    return exception
                run_begin = exception + timedelta(days=1)
            elif not passed and (exception - run_begin).days >= SEARCH_LIMIT:
                raise ValueError("no business day in the calendar")
            day = exception
        target = week.add(day, remaining)
    except OverflowError:
        raise ValueError("the date is beyond the last day of the calendar") from None
    if remaining == 1 and (target - run_begin).days > SEARCH_LIMIT:
        raise ValueError("no business day in the calendar")
    return target


def add_delay(start, delay, unit, workdays=DEFAULT_WORKDAYS, holidays=(), extra_workdays=()):
    """``start`` plus ``delay`` calendar days (unit ``days``) or business days (``business_days``).

    Raises ValueError on a negative delay or one longer than ``MAX_DELAY_DAYS``.
    """
    if delay < 0:
        raise ValueError("days must not be negative")
    if delay > MAX_DELAY_DAYS:
        raise ValueError(f"a delay is at most {MAX_DELAY_DAYS} days")
    if unit == "business_days":
        return add_business_days(start, delay, workdays, holidays, extra_workdays)
    return start + timedelta(days=delay)


def next_business_day(day, workdays=DEFAULT_WORKDAYS, holidays=(), extra_workdays=()):
    """``day`` when it is a business day, else the first business day after it: where a due
    date counted in calendar days lands when it falls on a day off."""
    return add_business_days(day, 0, workdays, holidays, extra_workdays)


# ---- private helpers ----


@lru_cache(maxsize=64)
def _exceptions(holidays, extra_workdays, workdays):
    """The days that break the week, sorted: the holidays that fall on working weekdays and
    the moved working days that fall on other weekdays and are no holiday (the others change
    nothing); and the set of the latter. Cached: a company's calendar is the same frozensets
    for every run it schedules."""
    extra = frozenset(day for day in extra_workdays if day.weekday() not in workdays and day not in holidays)
    closed = (day for day in holidays if day.weekday() in workdays)
    return tuple(sorted({*closed, *extra})), extra


@lru_cache(maxsize=16)
def _week(workdays):
    return _Week(workdays)


class _Week:
    """The working weekdays of a calendar, counted by whole weeks and a table for the
    days of the last, partial week."""

    def __init__(self, workdays):
        self.size = len(workdays)
        # counted[w][r]: the working weekdays among the r days after a weekday w (r < 7)
        self.counted = [[sum((w + o) % 7 in workdays for o in range(1, r + 1)) for r in range(7)] for w in range(7)]
        # ahead[w][k]: the days from a weekday w to the k-th working weekday after it (k <= size)
        self.ahead = [[0] + [o for o in range(1, 8) if (w + o) % 7 in workdays] for w in range(7)]
        # behind[w]: the days from the working weekday before a weekday w to it
        self.behind = [next(o for o in range(1, 8) if (w - o) % 7 in workdays) for w in range(7)]

    def count(self, after, until):
        """How many days of ``(after, until]`` fall on a working weekday."""
        weeks, rest = divmod((until - after).days, 7)
        return weeks * self.size + self.counted[after.weekday()][rest]

    def add(self, day, count):
        """The ``count``-th day after ``day`` (``count`` >= 1) that falls on a working weekday."""
        weeks, rest = divmod(count - 1, self.size)
        return day + timedelta(days=7 * weeks + self.ahead[day.weekday()][rest + 1])

    def previous(self, day):
        """The last day before ``day`` that falls on a working weekday."""
        return day - timedelta(days=self.behind[day.weekday()])
