from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansValidation(SalesPlanCommon):
    def test_period_ending_before_it_starts_is_refused(self):
        with self._refused(ValidationError, r"Anna Salesman: .* ends on .*, before it starts on"):
            self._plan(date_from=self.month_to, date_to=self.month_from)
        self.assertFalse(self.env["crm.sales.plan"].search([("user_id", "=", self.salesman.id)]))

    def test_negative_target_is_refused(self):
        plan = self._plan(target_revenue=1000.0)
        with self._refused(ValidationError, r"Anna Salesman: .* negative target Revenue \(plan\) \(-5.0\)"):
            plan.target_revenue = -5.0
        self.assertEqual(plan.target_revenue, 1000.0)
        with self._refused(ValidationError, r"negative target Calls \(plan\) \(-1\)"):
            self._plan(user=self.colleague, target_calls=-1)

    def test_overlapping_plans_are_refused(self):
        plan = self._plan(target_revenue=1000.0)
        with self._refused(ValidationError, r"Anna Salesman: .* overlaps the plan Anna Salesman"):
            self._plan(date_from=self.month_to, date_to=self.month_to)
        with self._refused(ValidationError, r"overlaps the plan Anna Salesman"):
            self._plan()
        # A quarter may hold the month; another salesperson's month is no overlap.
        from ..odoo_sales_followup.tools.plans import quarter_bounds

        quarter_from, quarter_to = quarter_bounds(self.today)
        quarter = self._plan(date_from=quarter_from, date_to=quarter_to)
        colleague = self._plan(user=self.colleague)
        self.assertEqual((plan.period_kind, quarter.period_kind, colleague.period_kind), ("month", "quarter", "month"))

    def test_figures_are_not_writable(self):
        plan = self._plan(target_revenue=1000.0).with_user(self.leader)
        with self._refused(UserError, r"The field Revenue of sales plans is computed from sales data"):
            plan.write({"actual_revenue": 999999.0})
        with self._refused(UserError, r"The field Forecast of sales plans is computed from sales data"):
            plan.with_context(install_mode=True).write({"forecast_revenue": 1.0})
        with self._refused(UserError, r"The field New customers of sales plans is computed"):
            self.env["crm.sales.plan"].with_user(self.leader).create(
                {
                    "user_id": self.colleague.id,
                    "team_id": self.team.id,
                    "date_from": self.month_from,
                    "date_to": self.month_to,
                    "actual_new_customers": 50,
                }
            )
        self.assertEqual((plan.actual_revenue, plan.forecast_revenue), (0.0, 0.0))


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansAccess(SalesPlanCommon):
    def test_salesperson_reads_own_plan_only_and_cannot_edit_it(self):
        own = self._plan(target_revenue=1000.0)
        colleague = self._plan(user=self.colleague, target_revenue=2000.0)
        Plan = self.env["crm.sales.plan"].with_user(self.salesman)
        self.assertEqual(Plan.search([]), own)
        with self._refused(AccessError, r"Sales plan"):
            colleague.with_user(self.salesman).read(["target_revenue"])
        with self._refused(AccessError, r"Sales plan"):
            own.with_user(self.salesman).write({"target_revenue": 1.0})
        self.assertEqual(own.target_revenue, 1000.0)

    def test_team_leader_enters_the_team_plans(self):
        own = self._plan(target_revenue=1000.0)
        outsider = self._plan(user=self.manager, team_id=False, target_revenue=5.0)
        Plan = self.env["crm.sales.plan"].with_user(self.leader)
        self.assertEqual(Plan.search([]), own)
        own.with_user(self.leader).write({"target_revenue": 1500.0})
        self.assertEqual(own.target_revenue, 1500.0)
        with self._refused(AccessError, r"Sales plan"):
            outsider.with_user(self.leader).write({"target_revenue": 1.0})
        self.assertEqual(outsider.target_revenue, 5.0)

    def test_sales_head_sees_all_plans_of_their_companies(self):
        own = self._plan()
        other_company = self.env["res.company"].create({"name": "Other company"})
        self.colleague.company_ids |= other_company  # a plan's salesperson works for its company
        stranger = self._plan(user=self.colleague, team_id=False, company_id=other_company.id)
        Plan = self.env["crm.sales.plan"].with_user(self.manager)
        self.assertEqual(Plan.search([("id", "in", (own | stranger).ids)]), own)
        self.manager.company_ids |= other_company
        self.assertEqual(
            Plan.with_context(allowed_company_ids=[self.company.id, other_company.id]).search(
                [("id", "in", (own | stranger).ids)]
            ),
            own | stranger,
        )

    def test_salesperson_neither_opens_a_team_period_nor_refreshes_a_colleague_plan(self):
        colleague = self._plan(user=self.colleague, target_revenue=2000.0)
        with self._refused(AccessError, r"Team sales plan"):
            self.env["crm.sales.plan.period"].with_user(self.salesman).create({"team_id": self.team.id})
        self.assertFalse(self.env["crm.sales.plan.period"].search([("team_id", "=", self.team.id)]))
        actuals_date = colleague.actuals_date
        with self._refused(AccessError, r"Sales plan"):
            colleague.with_user(self.salesman).action_refresh_actuals()
        self.assertEqual(colleague.actuals_date, actuals_date)
