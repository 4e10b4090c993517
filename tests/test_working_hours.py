from datetime import date, datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..odoo_sales_followup.tools import official_days, working_hours_before

#: Monday to Friday, 9:00 to 13:00 and 14:00 to 18:00
OFFICE = {weekday: [(9, 13), (14, 18)] for weekday in range(5)}


def moscow(*args):
    """The naive UTC datetime of a wall-clock time in Moscow (UTC+3 all year)."""
    return datetime(*args) - timedelta(hours=3)


@tagged("post_install", "-at_install", "sales_followup_calendar")
class TestWorkingHours(BaseCase):
    def before(self, now, hours, holidays=(), extra_workdays=(), schedule=OFFICE, tz="Europe/Moscow"):
        return working_hours_before(now, hours, schedule, tz, holidays, extra_workdays)

    def test_a_monday_morning_reaches_back_into_friday(self):
        monday = (2026, 3, 16)
        # Monday 10:00: one hour of Monday, three of Friday afternoon
        self.assertEqual(self.before(moscow(*monday, 10), 4), moscow(2026, 3, 13, 15))
        # the lunch break is no working time: Friday 12:00, not 13:00
        self.assertEqual(self.before(moscow(*monday, 10), 6), moscow(2026, 3, 13, 12))
        # Monday 13:30: four hours of Monday; the latest moment from which they have passed
        self.assertEqual(self.before(moscow(*monday, 13, 30), 4), moscow(*monday, 9))
        self.assertEqual(self.before(moscow(*monday, 13, 30), 0), moscow(*monday, 13, 30))
        # a Sunday evening counts back from Friday's end
        self.assertEqual(self.before(moscow(2026, 3, 15, 20), 2), moscow(2026, 3, 13, 16))
        # the calendar's time zone decides: 7:00 UTC is 10:00 in Moscow, before work in London
        self.assertEqual(self.before(datetime(2026, 3, 16, 7), 1), datetime(2026, 3, 16, 6))
        self.assertEqual(self.before(datetime(2026, 3, 16, 7), 1, tz="Europe/London"), datetime(2026, 3, 13, 17))

    def test_across_the_new_year_holidays_of_2026(self):
        days_off, _workdays = official_days("RU", 2025)
        more_off, _workdays = official_days("RU", 2026)
        holidays = frozenset(days_off) | frozenset(more_off)
        # Monday 12 January 10:00: one hour of it, then 31 December to 11 January are off:
        # the other three hours are those of Tuesday 30 December
        self.assertEqual(self.before(moscow(2026, 1, 12, 10), 4, holidays), moscow(2025, 12, 30, 15))
        self.assertEqual(self.before(moscow(2026, 1, 12, 10), 4), moscow(2026, 1, 9, 15), "without the holidays")
        # a working day's worth from a holiday: the last working day's hours
        self.assertEqual(self.before(moscow(2026, 1, 5, 12), 8, holidays), moscow(2025, 12, 30, 9))

    def test_a_moved_working_saturday(self):
        saturday = date(2025, 11, 1)
        holidays = {date(2025, 11, 3), date(2025, 11, 4)}
        # Tuesday 4 November (a holiday) 12:00: four hours of the working Saturday, which
        # works Monday's hours; Monday 3 November is off
        self.assertEqual(self.before(moscow(2025, 11, 4, 12), 4, holidays, {saturday}), moscow(2025, 11, 1, 14))
        self.assertEqual(self.before(moscow(2025, 11, 4, 12), 10, holidays, {saturday}), moscow(2025, 10, 31, 16))
        # the Saturday is worked with Monday's hours even when Monday's differ from Friday's
        short_friday = {**OFFICE, 4: [(9, 13)]}
        self.assertEqual(self.before(moscow(2025, 11, 1, 18), 8, (), {saturday}, short_friday), moscow(2025, 11, 1, 9))
        # a holiday wins over a moved working day
        self.assertEqual(self.before(moscow(2025, 11, 1, 18), 1, {saturday}, {saturday}), moscow(2025, 10, 31, 17))

    def test_a_calendar_without_working_hours_is_refused(self):
        with self.assertRaisesRegex(ValueError, "no working hours"):
            self.before(moscow(2026, 3, 16, 10), 4, schedule={})
        with self.assertRaisesRegex(ValueError, "negative"):
            self.before(moscow(2026, 3, 16, 10), -1)
        every_day = {datetime(2026, 3, 16).date() - timedelta(days=offset) for offset in range(4000)}
        with self.assertRaisesRegex(ValueError, "no working hours in the calendar"):
            self.before(moscow(2026, 3, 16, 10), 4, every_day)
