from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import (
    DEFAULT_WORKDAYS,
    MAX_DELAY_DAYS,
    add_business_days,
    add_delay,
)
from ...odoo_sales_followup.tools.business_days import SEARCH_LIMIT

# November 2026: Friday the 20th, weekend 21-22, Monday the 23rd.
FRIDAY = date(2026, 11, 20)
SATURDAY = date(2026, 11, 21)
SUNDAY = date(2026, 11, 22)
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def count_day_by_day(start, days, workdays=DEFAULT_WORKDAYS, holidays=()):
    """The plain walk, one day at a time, that the arithmetic must agree with."""
    day = start
    while day.weekday() not in workdays or day in holidays:
        day += timedelta(days=1)
    for _count in range(days):
        day += timedelta(days=1)
        while day.weekday() not in workdays or day in holidays:
            day += timedelta(days=1)
    return day


def public_holidays(first_year, last_year):
    """Each year's Russian public holidays: 1-8 January, 23 February, 8 March, 1 and 9 May,
    12 June, 4 November."""
    days = set()
    for year in range(first_year, last_year + 1):
        days.update(date(year, 1, day) for day in range(1, 9))
        days.update({date(year, 2, 23), date(year, 3, 8), date(year, 5, 1), date(year, 5, 9)})
        days.update({date(year, 6, 12), date(year, 11, 4)})
    return frozenset(days)


def closed_for(first_day, days):
    """A closure: every day of ``days`` days from ``first_day`` is a holiday."""
    return frozenset(first_day + timedelta(days=offset) for offset in range(days))


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestBusinessDaysBounds(BaseCase):
    def test_zero_days_on_a_weekend(self):
        self.assertEqual(add_business_days(SATURDAY, 0), MONDAY)
        self.assertEqual(add_business_days(SUNDAY, 0), MONDAY)
        self.assertEqual(add_business_days(MONDAY, 0), MONDAY)
        self.assertEqual(add_business_days(SATURDAY, 0, holidays={MONDAY}), TUESDAY)
        self.assertEqual(add_delay(SUNDAY, 0, "business_days"), MONDAY)
        self.assertEqual(add_delay(SUNDAY, 0, "days"), SUNDAY)

    def test_delays_of_nine_and_ten_thousand_business_days(self):
        # Five business days a week: whole weeks, no false "no business day" on the way.
        self.assertEqual(add_business_days(MONDAY, 9000), MONDAY + timedelta(weeks=1800))
        self.assertEqual(add_business_days(FRIDAY, 10000), FRIDAY + timedelta(weeks=2000))
        self.assertEqual(add_business_days(SATURDAY, 10000), MONDAY + timedelta(weeks=2000))
        self.assertEqual(add_business_days(MONDAY, 9000), count_day_by_day(MONDAY, 9000))
        # Counted by weeks, not day by day: a million business days is as quick.
        self.assertEqual(add_business_days(FRIDAY, 1_000_000), FRIDAY + timedelta(weeks=200_000))
        # With forty years of public holidays, and on a six-day week.
        holidays = public_holidays(2026, 2070)
        for days in (9000, 10000):
            self.assertEqual(
                add_business_days(FRIDAY, days, holidays=holidays), count_day_by_day(FRIDAY, days, holidays=holidays)
            )
        six_days = frozenset(range(6))
        self.assertEqual(
            add_business_days(SUNDAY, 10000, six_days, holidays), count_day_by_day(SUNDAY, 10000, six_days, holidays)
        )

    def test_holidays(self):
        # One holiday on the way moves the end by one business day, wherever it falls.
        far = MONDAY + timedelta(weeks=1800)
        self.assertEqual(add_business_days(MONDAY, 9000, holidays={date(2030, 1, 1)}), far + timedelta(days=1))
        self.assertEqual(add_business_days(MONDAY, 9000, holidays={far}), far + timedelta(days=1))
        # A holiday on a weekend, before the start or after the end changes nothing.
        self.assertEqual(add_business_days(FRIDAY, 1, holidays={SATURDAY, FRIDAY - timedelta(days=1)}), MONDAY)
        self.assertEqual(add_business_days(FRIDAY, 1, holidays={TUESDAY}), MONDAY)
        # New Year holidays across a weekend, from every day of December and any short delay.
        holidays = public_holidays(2026, 2028)
        for offset in range(31):
            start = date(2026, 12, 1) + timedelta(days=offset)
            for days in range(0, 45, 4):
                self.assertEqual(
                    add_business_days(start, days, holidays=holidays),
                    count_day_by_day(start, days, holidays=holidays),
                    f"{days} business days from {start}",
                )
        # A closure of a thousand days in a row is crossed: the limit is for a calendar
        # without business days, not for a long count.
        closure = closed_for(MONDAY, 1000)
        reopening = count_day_by_day(MONDAY, 0, holidays=closure)
        self.assertEqual(add_business_days(FRIDAY, 1, holidays=closure), reopening)
        self.assertEqual(add_business_days(FRIDAY, 2, holidays=list(closure)), reopening + timedelta(days=1))

    def test_calendar_without_working_days(self):
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 1, workdays=frozenset())
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, 1, "business_days", workdays=())
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 1, workdays={7})
        # Holidays every day, for longer than the limit: at the start, or on the way.
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 0, holidays=closed_for(FRIDAY, SEARCH_LIMIT + 10))
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 2000, holidays=closed_for(date(2030, 1, 1), SEARCH_LIMIT + 10))
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, 5, "business_days", holidays=closed_for(MONDAY, SEARCH_LIMIT + 10))

    def test_negative_delay(self):
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, -1)
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, -1, "days")
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, -1, "business_days")

    def test_maximum_delay(self):
        self.assertEqual(MAX_DELAY_DAYS, 3650)
        self.assertEqual(add_delay(FRIDAY, MAX_DELAY_DAYS, "days"), FRIDAY + timedelta(days=MAX_DELAY_DAYS))
        self.assertEqual(add_delay(FRIDAY, MAX_DELAY_DAYS, "business_days"), FRIDAY + timedelta(weeks=730))
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, MAX_DELAY_DAYS + 1, "days")
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, MAX_DELAY_DAYS + 1, "business_days")
        # Past the last date Python knows: a ValueError as well, not an OverflowError.
        with self.assertRaises(ValueError):
            add_business_days(date(9999, 12, 30), 5)
