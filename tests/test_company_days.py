from datetime import date, datetime

from odoo.tests import BaseCase, Form, freeze_time, tagged

from ..odoo_sales_followup.tools.company_days import day_bounds, day_start, local_day, zone, zone_name
from .common_plans import SalesPlanCommon

#: 23:30 UTC on 30 November: 09:30 on 1 December in Vladivostok (UTC+10, no summer time).
LATE_IN_UTC = "2026-11-30 23:30:00"


@tagged("post_install", "-at_install", "sales_followup_levels", "sales_followup_plans")
class TestCompanyDaysTools(BaseCase):
    def test_the_local_day_of_a_moment(self):
        moment = datetime(2026, 11, 30, 23, 30)
        self.assertEqual(local_day(moment, "Asia/Vladivostok"), date(2026, 12, 1))
        self.assertEqual(local_day(moment, "Europe/Kaliningrad"), date(2026, 12, 1))
        self.assertEqual(local_day(datetime(2026, 11, 30, 21, 30), "Europe/Kaliningrad"), date(2026, 11, 30))
        self.assertEqual(local_day(moment, "UTC"), date(2026, 11, 30))

    def test_the_bounds_of_local_days_in_utc(self):
        self.assertEqual(day_start(date(2026, 12, 1), "Asia/Vladivostok"), datetime(2026, 11, 30, 14))
        self.assertEqual(
            day_bounds(date(2026, 7, 1), date(2026, 7, 31), "Europe/Kaliningrad"),
            (datetime(2026, 6, 30, 22), datetime(2026, 7, 31, 22)),
        )

    def test_an_unknown_time_zone_is_utc(self):
        self.assertEqual(local_day(datetime(2026, 11, 30, 23, 30), "Mars/Olympus_Mons"), date(2026, 11, 30))
        self.assertEqual(day_start(date(2026, 12, 1), False), datetime(2026, 12, 1))
        self.assertEqual(zone_name("Mars/Olympus_Mons"), "UTC")
        self.assertEqual(zone_name(None), "UTC")
        self.assertEqual(zone_name("Asia/Vladivostok"), "Asia/Vladivostok")
        self.assertEqual(str(zone("Asia/Vladivostok")), "Asia/Vladivostok")


@tagged("post_install", "-at_install", "sales_followup_levels", "sales_followup_plans")
class TestCompanyDays(SalesPlanCommon):
    """The company works in Vladivostok; it is 09:30 on 1 December there, still 30 November in UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Vladivostok"
        cls.acme.user_id = cls.salesman

    @freeze_time(LATE_IN_UTC)
    def test_levels_date_a_purchase_by_the_company_day(self):
        self.assertEqual(self.company._get_followup_today(), date(2026, 12, 1))
        self._order(self.acme)  # confirmed now
        self.assertEqual((self.acme.purchase_count, self.acme.last_purchase_date), (1, date(2026, 12, 1)))
        # A day ahead of the company's today still counts (22:00 on 2 December there)...
        self._order(self.acme, date(2026, 12, 2))
        self.assertEqual((self.acme.purchase_count, self.acme.last_purchase_date), (2, date(2026, 12, 2)))
        # ... two days ahead is a typing error.
        self._order(self.acme, date(2026, 12, 3))
        self.assertEqual((self.acme.purchase_count, self.acme.last_purchase_date), (2, date(2026, 12, 2)))

    @freeze_time(LATE_IN_UTC)
    def test_an_order_of_the_company_day_counts_in_its_month_plan(self):
        november = self._plan(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), target_revenue=1000.0)
        december = self._plan(date_from=date(2026, 12, 1), date_to=date(2026, 12, 31), target_revenue=1000.0)
        self._order(self.acme)  # confirmed now: 1 December in the company
        (november | december)._refresh_actuals()
        self.assertEqual(november.actual_revenue, 0.0)
        self.assertEqual(december.actual_revenue, 1000.0)
        # The current period is December: *My plan* opens it.
        action = self.env["crm.sales.plan"].with_user(self.salesman).action_open_my_plan()
        self.assertEqual(action.get("res_id"), december.id)

    @freeze_time(LATE_IN_UTC)
    def test_my_day_today_is_the_company_day(self):
        lead = self._opportunity()
        due_today = self._activity(lead, date(2026, 12, 1), summary="Call on the 1st")
        overdue = self._activity(lead, date(2026, 11, 30), summary="Call on the 30th")
        tomorrow = self._activity(lead, date(2026, 12, 2), summary="Call on the 2nd")
        lines = self.env["crm.followup.my.day"].search([("activity_id", "in", (due_today | overdue | tomorrow).ids)])
        self.assertEqual({line.activity_id: line.kind for line in lines}, {due_today: "today", overdue: "overdue"})

    @freeze_time(LATE_IN_UTC)
    def test_the_daily_digest_covers_yesterday_of_the_company(self):
        self.salesman.followup_digest_daily = True
        late = self._opportunity(name="Won late on the 30th")  # 22:00 on 30 November there
        early = self._opportunity(name="Won early on the 1st")  # 00:30 on 1 December there
        (late | early).write({"stage_id": self.stage_won.id})
        self._store(late, date_closed=datetime(2026, 11, 30, 12))
        self._store(early, date_closed=datetime(2026, 11, 30, 14, 30))
        digest = (
            self.env["crm.followup.digest"]._cron_send("daily").filtered(lambda digest: digest.user_id == self.salesman)
        )
        self.assertEqual((digest.date_from, digest.date_to), (date(2026, 11, 30), date(2026, 11, 30)))
        self.assertEqual(digest.mail_id.subject, "Daily sales digest: 11/30/2026")
        self.assertIn("Won late on the 30th", digest.mail_id.body_html)
        self.assertNotIn("Won early on the 1st", digest.mail_id.body_html)

    def test_settings_show_the_time_zone_of_the_working_calendar(self):
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.followup_tz, "Asia/Vladivostok")
        self.assertEqual(settings.followup_calendar_id, self.company.resource_calendar_id)
        settings.followup_tz = "Europe/Kaliningrad"
        settings.save().execute()
        self.assertEqual(self.company.resource_calendar_id.tz, "Europe/Kaliningrad")
        self.assertEqual(self.company._get_followup_tz(), "Europe/Kaliningrad")
