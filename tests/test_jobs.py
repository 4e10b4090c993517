from datetime import datetime
from unittest.mock import patch

import psycopg2.errors

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.odoo_sales_followup.odoo_sales_followup.models import jobs
from odoo.addons.odoo_sales_followup.odoo_sales_followup.models.plans.crm_sales_plan import CrmSalesPlan

from .common_plans import SalesPlanCommon

JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


@tagged("post_install", "-at_install", "sales_followup_jobs")
class TestJobRunner(SalesPlanCommon):
    """The batch runner every scheduled job goes through, seen through the hourly
    refresh of the plans' figures: one plan failing, a batch meeting a conflict."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("odoo_sales_followup.plan_batch_size", "10")

    def setUp(self):
        super().setUp()
        self.anna_plan = self._plan(target_revenue=4000.0)
        self.carl_plan = self._plan(user=self.colleague, target_revenue=4000.0)
        self.lena_plan = self._plan(user=self.leader, target_revenue=4000.0)
        self.plans = self.anna_plan | self.carl_plan | self.lena_plan
        self.env.flush_all()
        self._order(self.acme, self.month_from).user_id = self.salesman  # 1,000 for Anna
        self._order(self.globex, self.month_from).user_id = self.colleague  # 1,000 for Carl
        self.env.flush_all()

    def _failing_for(self, plan, error):
        """``_get_actual_figures`` raising ``error`` whenever it is asked for ``plan``."""
        original = CrmSalesPlan._get_actual_figures

        def failing(plans, today):
            if plan in plans:
                raise error
            return original(plans, today)

        return patch.object(CrmSalesPlan, "_get_actual_figures", failing)

    def test_a_failing_plan_is_reported_and_the_others_refreshed(self):
        with (
            self._failing_for(self.carl_plan, RuntimeError("the exchange rates are gone")),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self.env["crm.sales.plan"]._cron_refresh_actuals()
        self.assertEqual(self.plans.mapped("actual_revenue"), [1000.0, 0.0, 0.0], "Carl's plan is left out")
        self.assertEqual(len(logs.records), 1)
        self.assertIn(
            f"Sales plan figures in {self.company.name} failed for crm.sales.plan({self.carl_plan.id},)", logs.output[0]
        )
        notice = self.env["mail.message"].search([("subject", "=", "Sales plan figures not refreshed")])
        self.assertEqual(len(notice), 1)
        self.assertIn(self.manager.partner_id, notice.partner_ids)
        self.assertIn("The figures of 1 of", notice.body)
        self.assertIn("the exchange rates are gone", notice.body)
        # The next run does what is left.
        self.env["crm.sales.plan"]._cron_refresh_actuals()
        self.assertEqual(self.plans.mapped("actual_revenue"), [1000.0, 1000.0, 0.0])

    def test_a_conflict_on_a_batch_is_retried(self):
        original = CrmSalesPlan._get_actual_figures
        calls = []

        def conflicting_once(plans, today):
            calls.append(plans)
            if len(calls) == 1:
                raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")
            return original(plans, today)

        with patch.object(CrmSalesPlan, "_get_actual_figures", conflicting_once):
            self.env["crm.sales.plan"]._cron_refresh_actuals()
        self.assertEqual(len(calls), 2, "the batch, then the batch again")
        self.assertEqual(self.plans.mapped("actual_revenue"), [1000.0, 1000.0, 0.0])
        self.assertFalse(self.env["mail.message"].search([("subject", "=", "Sales plan figures not refreshed")]))

    def test_a_lasting_conflict_fails_its_plan_only(self):
        error = psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")
        with self._failing_for(self.anna_plan, error), self.assertLogs(JOBS_LOGGER, "ERROR") as logs:
            self.env["crm.sales.plan"]._cron_refresh_actuals()
        self.assertEqual(self.plans.mapped("actual_revenue"), [0.0, 1000.0, 0.0])
        self.assertEqual(len(logs.records), 1)
        notice = self.env["mail.message"].search([("subject", "=", "Sales plan figures not refreshed")])
        self.assertIn("could not serialize access", notice.body)

    def test_unchanged_figures_are_not_written_again(self):
        Plan = self.env["crm.sales.plan"]
        Plan._cron_refresh_actuals()
        self.assertEqual(self.anna_plan.actual_revenue, 1000.0)
        earlier = datetime(2020, 1, 1, 8, 0)
        self._store(self.plans, actuals_date=earlier)
        Plan._cron_refresh_actuals()
        self.assertEqual(self.plans.mapped("actuals_date"), [earlier] * 3, "the same figures: nothing written")
        self._order(self.acme, self.month_from).user_id = self.salesman
        Plan._cron_refresh_actuals()
        self.assertEqual(self.anna_plan.actual_revenue, 2000.0)
        self.assertEqual(self.anna_plan.progress_revenue, 50.0)
        self.assertGreater(self.anna_plan.actuals_date, earlier, "Anna's figures changed: their date too")
        self.assertEqual((self.carl_plan | self.lena_plan).mapped("actuals_date"), [earlier] * 2)


@tagged("post_install", "-at_install", "sales_followup_jobs")
class TestJobRunnerBasics(SalesPlanCommon):
    def test_batches_and_failing_units_of_a_list(self):
        """Units of several models; a failing one in a batch of three: the two others done."""
        done = []

        def work(batch):
            if self.globex in batch:
                raise ValueError("Globex is broken")
            done.extend(batch)

        with mute_logger(JOBS_LOGGER):
            result = jobs.run_batches(
                self.env, [self.acme, self.globex, self.salesman], work, job_name="Test", batch_size=3
            )
        self.assertEqual(done, [self.acme, self.salesman])
        self.assertEqual((result.done, result.failed), (2, [self.globex]))
        self.assertEqual(result.problems, {self.env.company: "Globex is broken"})
