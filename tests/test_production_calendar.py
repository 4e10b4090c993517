from datetime import date, datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import BaseCase, HttpCase, freeze_time, tagged

from ..odoo_sales_followup.tools import (
    DEFAULT_WORKDAYS,
    add_business_days,
    company_days,
    day_runs,
    is_business_day,
    next_business_day,
    official_days,
)
from .common_chains import ChainCommon

FRIDAY = date(2025, 10, 31)
MOVED_SATURDAY = date(2025, 11, 1)
UNITY_DAYS = {date(2025, 11, 3), date(2025, 11, 4)}


def count_day_by_day(start, days, holidays, extra):
    """The plain walk, one day at a time, that the arithmetic must agree with."""

    def business(day):
        return (day.weekday() in DEFAULT_WORKDAYS or day in extra) and day not in holidays

    day = start
    while not business(day):
        day += timedelta(days=1)
    for _count in range(days):
        day += timedelta(days=1)
        while not business(day):
            day += timedelta(days=1)
    return day


@tagged("post_install", "-at_install", "sales_followup_calendar")
class TestMovedWorkdays(BaseCase):
    def test_a_moved_saturday_is_a_business_day(self):
        self.assertTrue(is_business_day(MOVED_SATURDAY, extra_workdays={MOVED_SATURDAY}))
        self.assertFalse(is_business_day(MOVED_SATURDAY))
        # a holiday wins over a moved working day
        self.assertFalse(is_business_day(MOVED_SATURDAY, holidays={MOVED_SATURDAY}, extra_workdays={MOVED_SATURDAY}))
        self.assertEqual(add_business_days(FRIDAY, 1, extra_workdays={MOVED_SATURDAY}), MOVED_SATURDAY)
        self.assertEqual(add_business_days(FRIDAY, 1), date(2025, 11, 3))
        # Saturday worked, Sunday off, Monday and Tuesday holidays: Wednesday
        self.assertEqual(
            add_business_days(FRIDAY, 2, holidays=UNITY_DAYS, extra_workdays={MOVED_SATURDAY}), date(2025, 11, 5)
        )
        self.assertEqual(next_business_day(date(2025, 11, 2), holidays=UNITY_DAYS), date(2025, 11, 5))
        self.assertEqual(next_business_day(MOVED_SATURDAY, extra_workdays={MOVED_SATURDAY}), MOVED_SATURDAY)

    def test_agrees_with_the_day_by_day_walk(self):
        days_off, workdays = official_days("RU", 2025)
        more_off, more_workdays = official_days("RU", 2026)
        holidays, extra = frozenset(days_off) | frozenset(more_off), frozenset(workdays) | frozenset(more_workdays)
        for offset in range(0, 420, 3):
            start = date(2025, 1, 1) + timedelta(days=offset)
            for days in (0, 1, 2, 5, 17, 60):
                self.assertEqual(
                    add_business_days(start, days, DEFAULT_WORKDAYS, holidays, extra),
                    count_day_by_day(start, days, holidays, extra),
                    f"{days} business days from {start}",
                )

    def test_the_russian_calendars_of_2025_and_2026(self):
        days_off, workdays = official_days("RU", 2025, "en_US")
        # New Year holidays 1-8 January; the days moved by the decree: 2 and 8 May, 13 June,
        # 3 November (for the working Saturday 1 November) and 31 December
        self.assertLessEqual({date(2025, 1, day) for day in range(1, 9)}, days_off.keys())
        for day in (date(2025, 5, 2), date(2025, 5, 8), date(2025, 6, 13), date(2025, 11, 3), date(2025, 12, 31)):
            self.assertIn(day, days_off)
        self.assertEqual(set(workdays), {MOVED_SATURDAY})
        days_off, workdays = official_days("RU", 2026, "ru_RU")
        self.assertEqual(days_off[date(2026, 1, 1)], "Новогодние каникулы")
        self.assertEqual(days_off[date(2026, 1, 9)], date(2026, 1, 3), "shipped by the addon: replaces 3 January")
        self.assertFalse(workdays)
        # 1 to 11 January 2026 are not worked, the 12th is; 247 working days in the year
        self.assertFalse(any(is_business_day(date(2026, 1, day), holidays=days_off) for day in range(1, 12)))
        self.assertTrue(is_business_day(date(2026, 1, 12), holidays=days_off))
        year = [date(2026, 1, 1) + timedelta(days=offset) for offset in range(365)]
        self.assertEqual(sum(is_business_day(day, holidays=days_off) for day in year), 247)
        with self.assertRaises(LookupError):
            official_days("XK", 2026)

    def test_days_in_a_row_and_days_covered(self):
        names = {date(2026, 1, 1): "New Year", date(2026, 1, 2): "New Year", date(2026, 1, 7): "Christmas"}
        self.assertEqual(
            day_runs(names),
            [(date(2026, 1, 1), date(2026, 1, 2), "New Year"), (date(2026, 1, 7), date(2026, 1, 7), "Christmas")],
        )
        # a day off entered in UTC in a Brussels calendar, and one of Moscow's whole days
        self.assertEqual(
            company_days.covered_days(datetime(2026, 11, 23), datetime(2026, 11, 23, 23, 59, 59), "Europe/Brussels"),
            [date(2026, 11, 23)],
        )
        self.assertEqual(
            company_days.covered_days(datetime(2025, 12, 31, 21), datetime(2026, 1, 2, 20, 59, 59), "Europe/Moscow"),
            [date(2026, 1, 1), date(2026, 1, 2)],
        )


class ProductionCalendarCommon(ChainCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a Russian company: its Belgian demo VAT and registry number are no INN nor OGRN (one
        # write of its partner: the company writes each address field on its own)
        cls.company.partner_id.write({"country_id": cls.env.ref("base.ru").id, "vat": False, "company_registry": False})
        cls.calendar.tz = "Europe/Moscow"
        cls.leaves = cls.env["resource.calendar.leaves"].with_context(active_test=False)

    def _global_leaves(self):
        return self.leaves.search([("calendar_id", "=", self.calendar.id), ("resource_id", "=", False)])

    def _chain_due(self, delay):
        chain = self._chain("manual", [{"name": "Call", "delay": delay, "delay_unit": "business_days"}])
        return chain._start(self._opportunity()).date_deadline


@tagged("post_install", "-at_install", "sales_followup_calendar")
class TestProductionCalendar(ProductionCalendarCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.action_load_production_calendar(2025)
        cls.company.action_load_production_calendar(2026)

    def test_loaded_in_the_calendars_time_zone(self):
        days = self.company._get_followup_business_days(date(2025, 10, 1), date(2026, 1, 31))
        self.assertEqual(days.extra_workdays, {MOVED_SATURDAY})
        self.assertLessEqual({date(2025, 12, 31), *(date(2026, 1, day) for day in range(1, 10))}, days.holidays)
        self.assertNotIn(date(2025, 12, 30), days.holidays)
        new_year = self._global_leaves().filtered(lambda leave: leave.date_from == datetime(2025, 12, 31, 21))
        self.assertEqual(new_year.mapped("name"), ["New Year Holidays"], "1 January begins at 21:00 UTC in Moscow")
        self.assertEqual(new_year.date_to, datetime(2026, 1, 6, 20, 59, 59), "one time off for 1-6 January")
        self.assertEqual(self.calendar.followup_workday_ids.mapped("date"), [MOVED_SATURDAY])

    def test_chain_after_sale_and_reactivation_due_dates_follow_it(self):
        with freeze_time(FRIDAY):
            self.assertEqual(self._chain_due(1), MOVED_SATURDAY, "the moved Saturday is worked")
            self.assertEqual(self._chain_due(2), date(2025, 11, 5), "3-4 November are holidays")
        with freeze_time("2025-12-30 09:00:00"):
            # Tuesday 30 December, then 31 December to 11 January off
            self.assertEqual(self._chain_due(1), date(2026, 1, 12))
        with freeze_time("2025-12-17 09:00:00"):
            self.company.after_sale_delay_days = 14  # Wednesday 31 December
            deal = self._opportunity()
            deal.action_set_won()
            self.assertEqual(deal.after_sale_call_due, date(2026, 1, 12))
        with freeze_time("2026-01-03 09:00:00"):
            lead = self._opportunity()
            self.team._reactivation_plan_first_calls(lead)
            call_type = self.env.ref("odoo_sales_followup.mail_activity_type_reactivation_call")
            self.assertRecordValues(
                lead.activity_ids, [{"activity_type_id": call_type.id, "date_deadline": date(2026, 1, 12)}]
            )

    def test_loading_again_adds_nothing_and_keeps_hand_edits(self):
        leaves = self._global_leaves()
        new_year = leaves.filtered(lambda leave: leave.date_from == datetime(2025, 12, 31, 21))
        # by hand: the company closes for the whole fortnight, and works no moved Saturday
        new_year.write({"name": "Company closed", "date_to": datetime(2026, 1, 12, 20, 59, 59)})
        self.calendar.followup_workday_ids.unlink()
        action = self.company.action_load_production_calendar(2026)
        self.assertIn("already has the production calendar of 2026", action["params"]["message"])
        self.assertEqual(self._global_leaves(), leaves, "nothing duplicated")
        self.assertEqual(new_year.name, "Company closed")
        with freeze_time("2025-12-30 09:00:00"):
            self.assertEqual(self._chain_due(1), date(2026, 1, 13), "the fortnight edited by hand counts")
        # what was removed by hand comes back only with the year it belongs to
        action = self.company.action_load_production_calendar(2025)
        self.assertIn("0 non-working days and 1 moved working days of 2025", action["params"]["message"])
        self.assertEqual(self.calendar.followup_workday_ids.mapped("date"), [MOVED_SATURDAY])

    def test_a_country_without_calendar_and_a_bad_year(self):
        # companies of their own: the test company keeps its country (Odoo checks more than
        # the calendar when a company changes country)
        Company = self.env["res.company"]
        kosovo = Company.create({"name": "Prishtina office", "country_id": self.env.ref("base.xk").id})
        with self.assertRaisesRegex(UserError, "No production calendar is known for Kosovo"):
            kosovo.action_load_production_calendar(2026)
        france = Company.create({"name": "Paris office", "country_id": self.env.ref("base.fr").id})
        france.action_load_production_calendar(2027)
        self.assertIn(date(2027, 7, 14), france._get_followup_business_days(date(2027, 7, 1)).holidays)
        nowhere = Company.create({"name": "Office without a country"})
        with self.assertRaisesRegex(UserError, "Set the country of the company"):
            nowhere.action_load_production_calendar(2026)
        with self.assertRaisesRegex(UserError, "from 1991 to 2200"):
            nowhere.action_load_production_calendar(99999)


@tagged("post_install", "-at_install", "sales_followup_calendar")
class TestProductionCalendarTour(HttpCase, ProductionCalendarCommon):
    def test_admin_loads_the_calendar_and_a_due_date_moves(self):
        with freeze_time("2026-01-02 09:00:00"):
            self.assertEqual(self._chain_due(0), date(2026, 1, 2), "Friday 2 January: a weekday before loading")
        settings = "/odoo/action-crm.crm_config_settings_action"
        self.start_tour(settings, "odoo_sales_followup_production_calendar", login="admin")
        with freeze_time("2026-01-02 09:00:00"):
            self.assertEqual(self._chain_due(0), date(2026, 1, 12), "after the New Year holidays")
        self.assertTrue(self._global_leaves().filtered(lambda leave: leave.name == "New Year Holidays"))
