from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

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
        # 10 of 31 days lived: 1,000 so far makes 3,100 at this pace, plus 500 of pipeline.
        self.assertEqual(elapsed_days(start, end, self._d(2026, 12, 10)), (10, 31))
        self.assertAlmostEqual(forecast(1000.0, 500.0, start, end, self._d(2026, 12, 10)), 3600.0)
        # Before the period: the pipeline alone; after it: the actual.
        self.assertEqual(forecast(0.0, 500.0, start, end, self._d(2026, 11, 30)), 500.0)
        self.assertEqual(forecast(1200.0, 500.0, start, end, self._d(2027, 1, 2)), 1200.0)

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

    def test_forecast_adds_the_weighted_pipeline(self):
        plan = self._plan(target_revenue=100000.0)
        self._order(self.acme, self.month_from)
        deadline = max(self.today, self.month_from)
        self._opportunity(expected_revenue=10000.0, probability=30.0, date_deadline=deadline)
        self._opportunity(expected_revenue=5000.0, probability=50.0, date_deadline=self.month_to + timedelta(days=1))
        self._opportunity(expected_revenue=8000.0, probability=40.0, date_deadline=deadline, user_id=self.colleague.id)
        plan._refresh_actuals()
        elapsed, total = elapsed_days(self.month_from, self.month_to, self.today)
        self.assertEqual(plan.actual_revenue, 1000.0)
        self.assertEqual(plan.pipeline_revenue, 3000.0)
        self.assertAlmostEqual(plan.forecast_revenue, 1000.0 * total / elapsed + 3000.0, places=2)
        self.assertAlmostEqual(plan.revenue_gap, 100000.0 - plan.forecast_revenue, places=2)
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
