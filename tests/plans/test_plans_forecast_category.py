from datetime import date, datetime, time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged

from ...odoo_sales_followup.tools.plans import digest_period, month_bounds
from ..common_plans import SalesPlanCommon


class ForecastCategoryCommon(SalesPlanCommon):
    """The plans' world, and the team's stages with their forecast categories:

    New (Pipeline, the default) → Proposal (Best case) → Contract sent (Commit) → Won
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.stage"]
        cls.stage_proposal = Stage.create(
            {"name": "Proposal", "sequence": 2, "team_id": cls.team.id, "forecast_category": "best_case"}
        )
        cls.stage_contract = Stage.create(
            {"name": "Contract sent", "sequence": 3, "team_id": cls.team.id, "forecast_category": "commit"}
        )

    def _tracked_categories(self, lead):
        """The forecast category changes in the deal's chatter, as (old, new) labels."""
        self.env.flush_all()
        self.env.cr.flush()
        trackings = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "crm.lead"),
                ("mail_message_id.res_id", "=", lead.id),
                ("field_id.name", "=", "forecast_category"),
            ],
            order="id",
        )
        return [(tracking.old_value_char, tracking.new_value_char) for tracking in trackings]


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestForecastCategory(ForecastCategoryCommon):
    def test_the_stage_gives_the_default(self):
        self.assertEqual(self.stage_new.forecast_category, "pipeline", "a new stage is Pipeline")
        lead = self._opportunity()
        self.assertEqual(lead.forecast_category, "pipeline")
        lead.stage_id = self.stage_proposal
        self.assertEqual(lead.forecast_category, "best_case")
        lead.stage_id = self.stage_contract
        self.assertEqual(lead.forecast_category, "commit")
        # A stage changed later applies to the deals that enter it from then on.
        self.stage_contract.forecast_category = "best_case"
        self.assertEqual(lead.forecast_category, "commit")

    def test_won_is_closed_and_lost_is_omitted_whatever_is_asked(self):
        won, lost = self._opportunity(name="Won deal"), self._opportunity(name="Lost deal")
        won.forecast_category = "commit"
        won.action_set_won()
        self.assertEqual(won.forecast_category, "closed")
        lost.action_set_lost()
        self.assertEqual(lost.forecast_category, "omitted")
        with self._refused(ValidationError, r"Won deal is won: a won opportunity is Closed"):
            won.forecast_category = "commit"
        with self._refused(ValidationError, r"Lost deal is lost"):
            lost.forecast_category = "best_case"
        with self._refused(ValidationError, r"is still open: it cannot be Closed"):
            self._opportunity(name="Open deal").forecast_category = "closed"
        # Restored, the deal takes its stage's category again; a copy of a won deal starts open.
        lost.action_unarchive()
        self.assertEqual(lost.forecast_category, "pipeline")
        self.assertEqual(won.copy().forecast_category, "pipeline")

    def test_the_salesperson_sets_it_tracked_and_a_stage_change_resets_it(self):
        # Each change in its own transaction: Odoo tracks no change of a deal created in the same one.
        lead = self._opportunity()
        self._end_transaction()
        lead.with_user(self.salesman).forecast_category = "commit"
        self.assertEqual(lead.forecast_category, "commit")
        self.assertEqual(self._tracked_categories(lead), [("Pipeline", "Commit")])
        lead.with_user(self.salesman).write({"probability": 35.0, "expected_revenue": 9000.0})
        self._end_transaction()
        self.assertEqual(lead.forecast_category, "commit", "editing the deal keeps the salesperson's choice")
        lead.with_user(self.salesman).stage_id = self.stage_proposal
        self.assertEqual(lead.forecast_category, "best_case", "another stage: its category")
        self.assertEqual(self._tracked_categories(lead), [("Pipeline", "Commit"), ("Commit", "Best case")])

    def test_the_head_overrides_a_salespersons_deal(self):
        lead = self._opportunity()
        self._end_transaction()
        lead.with_user(self.salesman).forecast_category = "commit"
        self._end_transaction()
        lead.with_user(self.leader).forecast_category = "best_case"
        self._end_transaction()
        self.assertEqual(lead.forecast_category, "best_case")
        lead.with_user(self.manager).forecast_category = "pipeline"
        self.assertEqual(lead.forecast_category, "pipeline")
        self.assertEqual(
            self._tracked_categories(lead), [("Pipeline", "Commit"), ("Commit", "Best case"), ("Best case", "Pipeline")]
        )
        tracked = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("tracking_value_ids", "!=", False)]
        )
        self.assertIn(self.leader.partner_id, tracked.author_id, "the chatter says who overrode it")

    def test_a_salesperson_does_not_change_a_colleagues_deal(self):
        lead = self._opportunity(user_id=self.colleague.id)
        with self._refused(AccessError, r"Opportunity|Lead"):
            lead.with_user(self.salesman).forecast_category = "commit"
        self.assertEqual(lead.forecast_category, "pipeline")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestForecastCategoryPlans(ForecastCategoryCommon):
    @freeze_time("2026-12-10 12:00:00")
    def test_plan_figures_per_category(self):
        plan = self.env["crm.sales.plan"].create(
            {
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "date_from": date(2026, 12, 1),
                "date_to": date(2026, 12, 31),
                "target_revenue": 100000.0,
            }
        )
        due = date(2026, 12, 20)
        self._opportunity(name="Won in December", expected_revenue=10000.0).action_set_won()
        won_before = self._opportunity(name="Won in November", expected_revenue=50000.0)
        won_before.action_set_won()
        self._store(won_before, date_closed=datetime(2026, 11, 30, 12))
        self._opportunity(expected_revenue=20000.0, stage_id=self.stage_contract.id, date_deadline=due)
        self._opportunity(expected_revenue=5000.0, date_deadline=date(2026, 12, 31)).forecast_category = "commit"
        self._opportunity(expected_revenue=8000.0, stage_id=self.stage_proposal.id, date_deadline=due)
        self._opportunity(expected_revenue=3000.0, date_deadline=due)
        # Not counted: expected after the period, overdue, a colleague's, lost.
        self._opportunity(expected_revenue=70000.0, stage_id=self.stage_contract.id, date_deadline=date(2027, 1, 5))
        self._opportunity(expected_revenue=60000.0, stage_id=self.stage_contract.id, date_deadline=date(2026, 12, 5))
        self._opportunity(
            expected_revenue=40000.0, stage_id=self.stage_contract.id, date_deadline=due, user_id=self.colleague.id
        )
        lost = self._opportunity(expected_revenue=30000.0, stage_id=self.stage_contract.id, date_deadline=due)
        lost.action_set_lost()
        plan._refresh_actuals()
        figures = (
            plan.category_closed_revenue,
            plan.category_commit_revenue,
            plan.category_best_case_revenue,
            plan.category_pipeline_revenue,
            plan.progress_commit,
        )
        self.assertEqual(figures, (10000.0, 25000.0, 8000.0, 3000.0, 35.0))
        current = plan._get_current_figures()[plan.id]
        self.assertEqual(
            (current["category_commit_revenue"], current["progress_commit"]), (25000.0, 35.0), "a digest reads the same"
        )
        # The forecast keeps its meaning: what is closed plus the weighted pipeline.
        self.assertAlmostEqual(plan.forecast_revenue, plan.actual_revenue + plan.pipeline_revenue, delta=0.01)

        # After the period: what was won stays, nothing is expected any more.
        with freeze_time("2027-01-05 12:00:00"):
            plan._refresh_actuals()
            self.assertEqual(
                (plan.category_closed_revenue, plan.category_commit_revenue, plan.category_best_case_revenue),
                (10000.0, 0.0, 0.0),
            )

    def test_an_empty_category_reads_as_pipeline(self):
        """A deal inserted by SQL without a category (an import) counts in the pipeline."""
        plan = self._plan(target_revenue=1000.0)
        lead = self._opportunity(expected_revenue=700.0, date_deadline=self.month_to)
        self._store(lead, forecast_category=None)
        plan._refresh_actuals()
        self.assertEqual((plan.category_pipeline_revenue, plan.category_commit_revenue), (700.0, 0.0))

    def test_digest_plan_lines_show_the_forecast_by_category(self):
        self.salesman.followup_digest_daily = True
        day = digest_period("daily", self.today)[1]
        month_from, month_to = month_bounds(day)
        self._plan(target_revenue=50000.0, date_from=month_from, date_to=month_to)
        self._opportunity(expected_revenue=7000.0, stage_id=self.stage_contract.id, date_deadline=month_to)
        won = self._opportunity(expected_revenue=4000.0)
        won.action_set_won()
        self._store(won, date_closed=datetime.combine(day, time(11)))
        self.env["crm.followup.digest"]._cron_send("daily")
        body = self.env["crm.followup.digest"].search([("user_id", "=", self.salesman.id)]).mail_id.body_html
        self.assertIn("by forecast category: closed", body)
        self.assertIn("4,000.00", body, "won yesterday")
        self.assertIn("7,000.00", body, "committed")
        self.assertIn("closed and committed 22%", body)


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestForecastCategoryTour(HttpCase, ForecastCategoryCommon):
    def test_salesperson_commits_a_deal_and_reads_my_plan(self):
        self._plan(target_revenue=100000.0)
        lead = self._opportunity(name="Acme: fleet telematics", expected_revenue=40000.0, date_deadline=self.month_to)
        action = self.env.ref("crm.crm_lead_action_pipeline")
        self.start_tour(
            f"/odoo/action-{action.id}/{lead.id}", "odoo_sales_followup_forecast_category", login="osf_salesman"
        )
        self.assertEqual(lead.forecast_category, "commit")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestForecastCategoryDemo(SalesPlanCommon):
    def test_marc_demo_reads_his_month_by_category(self):
        module = self.env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])
        self.assertTrue(module.demo, "the demo tests need the addon installed with its demo data")
        self.assertEqual(self.env.ref("crm.stage_lead3").forecast_category, "best_case")
        self.assertEqual(self.env.ref("odoo_sales_followup.demo_stage_projects_payment").forecast_category, "commit")
        committed = self.env.ref("odoo_sales_followup.demo_lead_plans_commit")
        self.assertEqual(committed.forecast_category, "commit", "committed although its stage says Best case")
        self.assertEqual(self.env.ref("odoo_sales_followup.demo_lead_plans_won").forecast_category, "closed")
        plan = self.env.ref("odoo_sales_followup.demo_plan_period_month").plan_ids.filtered(
            lambda plan: plan.user_id == self.env.ref("base.user_demo")
        )
        plan._refresh_actuals()
        self.assertGreaterEqual(plan.category_closed_revenue, 25000.0)
        self.assertGreaterEqual(plan.category_commit_revenue, 45000.0)
        self.assertGreaterEqual(plan.category_best_case_revenue, 30000.0)
        self.assertGreaterEqual(plan.category_pipeline_revenue, 60000.0)
        self.assertLess(plan.progress_commit, 100.0, "what he stands behind is short of his target")
