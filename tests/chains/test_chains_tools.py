from datetime import date

from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import add_business_days, add_delay

# November 2026: Friday the 20th, weekend 21-22, Monday the 23rd.
FRIDAY = date(2026, 11, 20)
SATURDAY = date(2026, 11, 21)
MONDAY = date(2026, 11, 23)


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestBusinessDays(BaseCase):
    def test_weekend_is_skipped(self):
        self.assertEqual(add_business_days(FRIDAY, 1), MONDAY)
        self.assertEqual(add_business_days(FRIDAY, 2), date(2026, 11, 24))
        self.assertEqual(add_business_days(date(2026, 11, 19), 2), MONDAY)

    def test_zero_days_is_the_next_business_day(self):
        self.assertEqual(add_business_days(FRIDAY, 0), FRIDAY)
        self.assertEqual(add_business_days(SATURDAY, 0), MONDAY)
        self.assertEqual(add_business_days(SATURDAY, 1), date(2026, 11, 24))

    def test_holidays_are_skipped(self):
        holidays = {MONDAY, date(2026, 11, 24)}
        self.assertEqual(add_business_days(FRIDAY, 1, holidays=holidays), date(2026, 11, 25))
        # New Year holidays across a weekend
        new_year = {date(2027, 1, day) for day in range(1, 9)}
        self.assertEqual(add_business_days(date(2026, 12, 31), 1, holidays=new_year), date(2027, 1, 11))

    def test_working_week_of_the_calendar(self):
        six_days = frozenset(range(6))
        self.assertEqual(add_business_days(FRIDAY, 1, workdays=six_days), SATURDAY)

    def test_calendar_days(self):
        self.assertEqual(add_delay(FRIDAY, 2, "days"), date(2026, 11, 22))
        self.assertEqual(add_delay(FRIDAY, 2, "business_days"), date(2026, 11, 24))

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, -1)
        with self.assertRaises(ValueError):
            add_delay(FRIDAY, -1, "days")
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 1, workdays=frozenset())
        every_day = {date.fromordinal(FRIDAY.toordinal() + offset) for offset in range(4000)}
        with self.assertRaises(ValueError):
            add_business_days(FRIDAY, 1, holidays=every_day)
