"""Sales plan arithmetic, as pure functions (no environment, no database)."""

from datetime import date, timedelta

#: Kinds of plan periods: plans of the same kind may not overlap for a salesperson.
PERIOD_KIND_SELECTION = [("month", "Month"), ("quarter", "Quarter"), ("custom", "Other period")]

#: Plans and team periods are dated within these days: earlier or later is a typing error.
MIN_PLAN_DATE = date(1900, 1, 1)
MAX_PLAN_DATE = date(2999, 12, 31)

#: A plan covers a year at most (a longer one would block every later plan of its salesperson).
MAX_PLAN_DAYS = 366

#: Largest target a plan takes: a count, and an amount.
MAX_TARGET_COUNT = 1_000_000
MAX_TARGET_AMOUNT = 10**12

#: Digest periodicities, each with the subscription field of res.users.
DIGEST_PERIODICITIES = ("daily", "weekly", "monthly")


def month_bounds(day):
    """First and last day of the calendar month of ``day``."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def quarter_bounds(day):
    """First and last day of the calendar quarter of ``day``."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = month_bounds(date(first.year, first.month + 2, 1))[1]
    return first, last


def period_bounds(kind, day):
    """First and last day of the month or quarter of ``kind`` that holds ``day``."""
    return quarter_bounds(day) if kind == "quarter" else month_bounds(day)


def previous_period_start(kind, date_from):
    """First day of the month or quarter before the one starting on ``date_from``."""
    return period_bounds(kind, date_from - timedelta(days=1))[0]


def period_kind(date_from, date_to):
    """``month`` or ``quarter`` when the dates are exactly a calendar month or quarter,
    else ``custom``."""
    if not date_from or not date_to:
        return "custom"
    if (date_from, date_to) == month_bounds(date_from):
        return "month"
    if (date_from, date_to) == quarter_bounds(date_from):
        return "quarter"
    return "custom"


def period_label(date_from, date_to):
    """A label of the period that reads the same in every language and sorts by date:
    ``2026-12`` for a month, ``2026-Q4`` for a quarter, ``2026-12-01…2026-12-15`` otherwise."""
    if not date_from or not date_to:
        return False
    kind = period_kind(date_from, date_to)
    if kind == "month":
        return f"{date_from:%Y-%m}"
    if kind == "quarter":
        return f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}"
    return f"{date_from:%Y-%m-%d}…{date_to:%Y-%m-%d}"


def elapsed_days(date_from, date_to, today):
    """Days of the period already lived through on ``today`` (today included), and the
    period's length in days: ``(0, n)`` before it starts, ``(n, n)`` after it ends."""
    total = (date_to - date_from).days + 1
    if total <= 0:
        return 0, 0
    elapsed = (min(today, date_to) - date_from).days + 1
    return max(0, min(elapsed, total)), total


#: Share of a period lived through from which its pace so far says something of its end:
#: earlier, one good or bad day would be multiplied by the days left.
PACE_FROM_SHARE = 0.5


def forecast(actual, pipeline, date_from, date_to, today):
    """The revenue expected at the period's end: what is closed (``actual``) plus, for the
    days left, the weighted ``pipeline`` due in the period (the open opportunities expected
    to close by its end, each weighted by its probability: a committed deal counts almost
    whole). From half the period on, the pace so far (``actual`` over the days lived)
    extended over the days left counts instead when it is larger. Never both: the pace and
    the pipeline each predict the same future deals.

    Before the period the forecast is the pipeline alone; once it has ended, the actual.
    """
    elapsed, total = elapsed_days(date_from, date_to, today)
    if not total or today > date_to:
        return actual
    to_come = pipeline
    if elapsed and elapsed >= total * PACE_FROM_SHARE:
        to_come = max(pipeline, actual * (total - elapsed) / elapsed)
    return actual + to_come


def progress(actual, target):
    """Achievement in percent: ``actual`` over ``target`` (0 without a target)."""
    return 100.0 * actual / target if target else 0.0


def digest_period(periodicity, today):
    """The period a digest sent on ``today`` sums up, as (first day, last day): the day
    before for a daily digest, the week (Monday to Sunday) before for a weekly one, the
    calendar month before for a monthly one."""
    if periodicity == "daily":
        day = today - timedelta(days=1)
        return day, day
    if periodicity == "weekly":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if periodicity == "monthly":
        return month_bounds(today.replace(day=1) - timedelta(days=1))
    raise ValueError(f"unknown digest periodicity {periodicity!r}")
