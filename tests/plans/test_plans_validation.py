from datetime import date

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansValidation(SalesPlanCommon):
    def test_period_ending_before_it_starts_is_refused(self):
        with self._refused(ValidationError, r"Anna Salesman: .* ends on .*, before it starts on"):
            self._plan(date_from=self.month_to, date_to=self.month_from)
        self.assertFalse(self.env["crm.sales.plan"].search([("user_id", "=", self.salesman.id)]))

    def test_negative_target_is_refused(self):
        plan = self._plan(target_revenue=1000.0)
        with self._refused(ValidationError, r"“Revenue \(plan\)” of Anna Salesman: .* is -5.0: it must be from 0 to"):
            plan.target_revenue = -5.0
        self.assertEqual(plan.target_revenue, 1000.0)
        with self._refused(ValidationError, r"“Calls \(plan\)” of Sales plan is -1: it must be from 0 to 1000000"):
            self._plan(user=self.colleague, target_calls=-1)

    def test_dates_targets_and_reaction_time_have_bounds(self):
        """Each refused on save with the field and its range, before anything overflows."""
        Period = self.env["crm.sales.plan.period"]
        refusals = [
            (lambda: self._plan(date_from=date(9999, 12, 1), date_to=date(9999, 12, 31)), r"“From” of Sales plan is"),
            (
                lambda: Period.create({"team_id": self.team.id, "kind": "month", "date_from": date(9999, 12, 1)}),
                r"“From” of Team sales plan is .*: it must be from .*1900 to .*2999",
            ),
            (lambda: self._plan(date_from=date(1, 1, 1)), r"“From” of Sales plan is"),
            (lambda: self._plan(target_revenue=1e300), r"“Revenue \(plan\)” of Sales plan is 1e\+300: it must be"),
            (lambda: self._plan(target_calls=10**9), r"“Calls \(plan\)” of Sales plan is 1000000000"),
            (
                lambda: self.team.write({"reaction_time_hours": 2_000_000_000}),
                r"“Reaction time \(hours\)” of Plans team is 2000000000: it must be from 0 to 8784",
            ),
            (
                lambda: self._plan(date_from=date(1900, 1, 1), date_to=date(2999, 12, 31)),
                r"covers more than a year",
            ),
        ]
        for make, message in refusals:
            with self.subTest(message=message), self._refused(ValidationError, message):
                make()
        self.assertFalse(self.env["crm.sales.plan"].search([("user_id", "=", self.salesman.id)]))
        self.assertEqual(self.team.reaction_time_hours, 24)
        # The largest values still work: a year's plan does not block the next one, and the
        # longest reaction time still lets the controls read the team's leads.
        year = self._plan(date_from=date(2990, 1, 1), date_to=date(2990, 12, 31), target_revenue=10**12)
        after = self._plan(date_from=date(2991, 1, 1), date_to=date(2991, 1, 31))
        self.assertEqual((year.target_revenue, after.period_kind), (10**12, "month"))
        self.team.reaction_time_hours = 8784
        self.env["crm.lead"].search([("followup_untouched", "=", True), ("team_id", "=", self.team.id)])
        earliest = Period.create({"team_id": self.team.id, "kind": "month", "date_from": date(1900, 1, 1)})
        self.assertTrue(earliest.action_copy_previous(), "nothing before it to copy, and no error")

    def test_the_database_refuses_what_the_form_would(self):
        """An SQL import or another module's raw SQL meets the same bounds."""
        with self.assertRaises(psycopg2.errors.CheckViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE crm_team SET reaction_time_hours = 2000000000 WHERE id = %s", [self.team.id]
                )
        with self.assertRaises(psycopg2.errors.CheckViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE res_company SET level_dormant_tolerance = 0.5 WHERE id = %s", [self.company.id]
                )

    def test_overlapping_plans_are_refused(self):
        plan = self._plan(target_revenue=1000.0)
        with self._refused(ValidationError, r"Anna Salesman: .* overlaps the plan Anna Salesman"):
            self._plan(date_from=self.month_to, date_to=self.month_to)
        with self._refused(ValidationError, r"overlaps the plan Anna Salesman"):
            self._plan()
        # A quarter may hold the month; another salesperson's month is no overlap.
        from ...odoo_sales_followup.tools.plans import quarter_bounds

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
