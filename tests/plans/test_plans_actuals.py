from ast import literal_eval
from datetime import date, datetime, timedelta

from odoo.tests import BaseCase, freeze_time, tagged

from ...odoo_sales_followup.tools.plans import (
    digest_period,
    elapsed_days,
    forecast,
    period_bounds,
    period_kind,
    previous_period_start,
)
from ..common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansTools(BaseCase):
    def test_periods(self):
        self.assertEqual(period_bounds("month", self._d(2026, 2, 10)), (self._d(2026, 2, 1), self._d(2026, 2, 28)))
        self.assertEqual(period_bounds("quarter", self._d(2026, 11, 5)), (self._d(2026, 10, 1), self._d(2026, 12, 31)))
        self.assertEqual(previous_period_start("quarter", self._d(2026, 1, 1)), self._d(2025, 10, 1))
        self.assertEqual(previous_period_start("month", self._d(2026, 3, 1)), self._d(2026, 2, 1))
        self.assertEqual(period_kind(self._d(2026, 4, 1), self._d(2026, 6, 30)), "quarter")
        self.assertEqual(period_kind(self._d(2026, 4, 1), self._d(2026, 4, 30)), "month")
        self.assertEqual(period_kind(self._d(2026, 4, 2), self._d(2026, 4, 30)), "custom")

    def test_forecast_arithmetic(self):
        start, end = self._d(2026, 12, 1), self._d(2026, 12, 31)
        self.assertEqual(elapsed_days(start, end, self._d(2026, 12, 10)), (10, 31))
        # Before the period: the pipeline alone; after it: the actual.
        self.assertEqual(forecast(0.0, 500.0, start, end, self._d(2026, 11, 30)), 500.0)
        self.assertEqual(forecast(1200.0, 500.0, start, end, self._d(2027, 1, 2)), 1200.0)

    def test_forecast_early_in_the_period_is_what_is_closed_and_the_pipeline(self):
        """The issue's case: 22,753 booked on the 2nd made a forecast of 362,497 (one day's
        pace extended to 31 days, plus the pipeline)."""
        start, end = self._d(2026, 12, 1), self._d(2026, 12, 31)
        day_2 = self._d(2026, 12, 2)
        self.assertEqual(forecast(22753.0, 0.0, start, end, day_2), 22753.0)
        self.assertEqual(forecast(22753.0, 10000.0, start, end, day_2), 32753.0)
        # The 15th of 31 days: still less than half the period.
        self.assertEqual(forecast(15000.0, 1000.0, start, end, self._d(2026, 12, 15)), 16000.0)

    def test_forecast_from_mid_period_counts_the_pace_or_the_pipeline_never_both(self):
        start, end = self._d(2026, 12, 1), self._d(2026, 12, 31)
        day_16 = self._d(2026, 12, 16)
        # 16,000 in 16 days: 15,000 more at this pace in the 15 days left; the pipeline of
        # 5,000 is part of what the pace predicts, not added to it.
        self.assertEqual(forecast(16000.0, 5000.0, start, end, day_16), 31000.0)
        # A pipeline larger than the pace: the pipeline counts.
        self.assertEqual(forecast(16000.0, 20000.0, start, end, day_16), 36000.0)
        # No pipeline: the pace alone.
        self.assertAlmostEqual(forecast(2000.0, 0.0, start, end, self._d(2026, 12, 20)), 3100.0)

    def test_forecast_on_the_last_day_and_with_the_pipeline_only(self):
        start, end = self._d(2026, 12, 1), self._d(2026, 12, 31)
        # The last day: no day left for a pace; what is closed and what is due today.
        self.assertEqual(forecast(30000.0, 2000.0, start, end, end), 32000.0)
        self.assertEqual(forecast(30000.0, 0.0, start, end, end), 30000.0)
        # Nothing closed yet: the pipeline, early or late.
        self.assertEqual(forecast(0.0, 500.0, start, end, self._d(2026, 12, 2)), 500.0)
        self.assertEqual(forecast(0.0, 500.0, start, end, self._d(2026, 12, 25)), 500.0)
        # Nothing closed, nothing in the pipeline.
        self.assertEqual(forecast(0.0, 0.0, start, end, self._d(2026, 12, 25)), 0.0)

    def test_digest_periods(self):
        tuesday = self._d(2026, 12, 1)
        self.assertEqual(digest_period("daily", tuesday), (self._d(2026, 11, 30), self._d(2026, 11, 30)))
        self.assertEqual(digest_period("weekly", tuesday), (self._d(2026, 11, 23), self._d(2026, 11, 29)))
        self.assertEqual(digest_period("monthly", tuesday), (self._d(2026, 11, 1), self._d(2026, 11, 30)))

    @staticmethod
    def _d(year, month, day):
        return date(year, month, day)


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansActuals(SalesPlanCommon):
    def test_customers_from_levels_and_history(self):
        plan = self._plan(target_active_customers=4, target_new_customers=2, target_prospects=3)
        self._store(self.acme | self.globex, relationship_level="active", user_id=self.salesman.id)
        self._store(self.initech, relationship_level="active", user_id=self.colleague.id)
        self._level_change(self.globex, "prospect", "new", self.month_from)
        self._level_change(self.initech, "prospect", "new", self.month_from)
        self._level_change(self.initech, "prospect", "new", self.month_from, salesperson=self.colleague)
        self._level_change(self.acme, "potential", "prospect", self.month_from)
        self._level_change(self.globex, "new", "prospect", self.month_from)  # not from potential
        self._level_change(self.anna.parent_id, "potential", "prospect", self.month_from - timedelta(days=1))
        plan._refresh_actuals()
        self.assertEqual(plan.actual_active_customers, 2)
        self.assertEqual(plan.actual_new_customers, 2)
        self.assertEqual(plan.actual_prospects, 1)
        self.assertEqual(plan.progress_active_customers, 50.0)
        self.assertEqual(plan.progress_new_customers, 100.0)

    def test_revenue_from_orders_or_invoices(self):
        plan = self._plan(target_revenue=4000.0)
        self.acme.user_id = self.salesman
        self._order(self.acme, self.month_from)  # 1,000 confirmed, the salesman's
        self._order(self.acme, self.month_from, confirm=False)  # a quotation: not revenue
        self._order(self.acme, self.month_from - timedelta(days=1))  # before the period
        invoice = self._invoice(self.globex, self.month_from)
        invoice.invoice_user_id = self.salesman
        plan._refresh_actuals()
        self.assertEqual(plan.actual_revenue, 1000.0)
        self.assertEqual(plan.progress_revenue, 25.0)
        self.company.plan_revenue_source = "invoice"
        plan._refresh_actuals()
        # The order's invoice is not posted; the invoice of 500 is.
        self.assertEqual(plan.actual_revenue, 500.0)

    def test_activities_done_by_type(self):
        plan = self._plan(target_activities=4, target_calls=2)
        lead = self._opportunity()
        self._activity_done(lead, "mail.mail_activity_data_call", self.month_from)
        self._activity_done(lead, "mail.mail_activity_data_call", self.month_to)
        self._activity_done(lead, "mail.mail_activity_data_meeting", self.month_from)
        self._activity_done(lead, "mail.mail_activity_data_todo", self.month_from)
        self._activity_done(lead, "mail.mail_activity_data_call", self.month_from, user=self.colleague)
        self._activity_done(lead, "mail.mail_activity_data_call", self.month_to + timedelta(days=1))
        plan._refresh_actuals()
        self.assertEqual(
            (plan.actual_activities, plan.actual_calls, plan.actual_meetings, plan.progress_activities),
            (4, 2, 1, 100.0),
        )

    @freeze_time("2026-12-02 12:00:00")
    def test_forecast_adds_the_weighted_pipeline_due_in_the_period(self):
        """On the 2nd of the month: what is closed plus the weighted pipeline due in the
        month, not one day's pace extended to the month."""
        plan = self.env["crm.sales.plan"].create(
            {
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "date_from": date(2026, 12, 1),
                "date_to": date(2026, 12, 31),
                "target_revenue": 100000.0,
            }
        )
        self.acme.user_id = self.salesman
        self._order(self.acme, date(2026, 12, 1))
        self._opportunity(expected_revenue=10000.0, probability=30.0, date_deadline=date(2026, 12, 20))
        self._opportunity(expected_revenue=5000.0, probability=50.0, date_deadline=date(2027, 1, 5))
        self._opportunity(
            expected_revenue=8000.0, probability=40.0, date_deadline=date(2026, 12, 20), user_id=self.colleague.id
        )
        plan._refresh_actuals()
        self.assertEqual(plan.actual_revenue, 1000.0)
        self.assertEqual(plan.pipeline_revenue, 3000.0)
        # Not 1,000 * 31 / 2 + 3,000 = 18,500.
        self.assertEqual(plan.forecast_revenue, 4000.0)
        self.assertEqual(plan.revenue_gap, 96000.0)
        self.assertIn("To close the revenue gap", plan.gap_summary)

    def test_one_query_per_figure_whatever_the_number_of_plans(self):
        users = self.salesman | self.colleague | self.leader | self.manager | self.admin
        plans = self.env["crm.sales.plan"].create(
            [{"user_id": user.id, "date_from": self.month_from, "date_to": self.month_to} for user in users]
        )
        self.env.flush_all()
        queries_one = self._count_queries(plans[:1])
        queries_five = self._count_queries(plans)
        self.assertEqual(queries_five, queries_one)

    def _count_queries(self, plans):
        self.env.invalidate_all()
        plans = plans.browse(plans.ids)
        plans.mapped("user_id.partner_id")
        plans.company_id.mapped("plan_revenue_source")
        before = self.cr.sql_log_count
        plans._refresh_actuals()
        return self.cr.sql_log_count - before


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansFiguresWhenOpened(SalesPlanCommon):
    """The figures a person opens are current: the plans' screens refresh what they read."""

    def setUp(self):
        super().setUp()
        self.plan = self._plan(target_revenue=10000.0)
        self.plan._refresh_actuals()
        self.assertEqual(self.plan.actual_revenue, 0.0)
        self.acme.user_id = self.salesman
        self._order(self.acme)  # 1,000 confirmed now, after the last refresh

    def _screen(self, xmlid, user):
        """The plans as the action ``xmlid``'s screens read them for ``user``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = literal_eval(action["context"])
        return self.env["crm.sales.plan"].with_user(user).with_context(**context)

    def test_plan_against_actual_list_pivot_graph_and_form(self):
        plans = self._screen("odoo_sales_followup.action_crm_sales_plan", self.leader)
        domain = [("user_id", "=", self.salesman.id)]
        rows = plans.web_search_read(domain, {"actual_revenue": {}, "actuals_date": {}})["records"]
        self.assertEqual(rows[0]["actual_revenue"], 1000.0)
        self.assertTrue(rows[0]["actuals_date"], "the list says when the figures changed")
        self._order(self.acme)
        groups = plans.read_group(domain, ["actual_revenue:sum"], ["user_id"])
        self.assertEqual(groups[0]["actual_revenue"], 2000.0, "the pivot's figure is current")
        self._order(self.acme)
        groups = plans.web_read_group(domain, ["actual_revenue:sum"], ["user_id"])["groups"]
        self.assertEqual(groups[0]["actual_revenue"], 3000.0, "the graph's figure is current")
        self._order(self.acme)
        form = plans.browse(self.plan.id).web_read({"actual_revenue": {}, "forecast_revenue": {}})
        self.assertEqual(form[0]["actual_revenue"], 4000.0, "the form's figure is current")

    def test_my_plan_as_the_salesperson(self):
        action = self.env["crm.sales.plan"].with_user(self.salesman).action_open_my_plan()
        self.assertEqual(action["res_id"], self.plan.id)
        plans = self._screen("odoo_sales_followup.action_crm_sales_plan_my", self.salesman)
        form = plans.browse(action["res_id"]).web_read({"actual_revenue": {}, "progress_revenue": {}})
        self.assertEqual((form[0]["actual_revenue"], form[0]["progress_revenue"]), (1000.0, 10.0))

    def test_unchanged_figures_are_not_written_again(self):
        plans = self._screen("odoo_sales_followup.action_crm_sales_plan", self.leader)
        plans.browse(self.plan.id).web_read({"actual_revenue": {}})
        earlier = datetime(2026, 1, 1, 8, 0)
        self._store(self.plan, actuals_date=earlier)
        plans.browse(self.plan.id).web_read({"actual_revenue": {}})
        self.assertEqual(self.plan.actuals_date, earlier, "the same figures: their date stays")
