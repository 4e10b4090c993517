from unittest.mock import patch

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ...odoo_sales_followup.models.chains.followup_chain import FollowupChain
from ..common_chains import FRIDAY, ChainCommon

JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainOverdueJob(ChainCommon):
    """The daily job that starts the chains of overdue invoices, company by company, in batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch, cls.branch_admin = cls._branch(accounting=True)
        cls.chain = cls._chain(cls, "invoice_overdue", [{"name": "Call about the overdue invoice"}])

    def _set_batch_size(self, value):
        self.env["ir.config_parameter"].set_param("odoo_sales_followup.chain_batch_size", value)

    def _started(self, invoices):
        return [len(self._runs(invoice)) for invoice in invoices]

    def test_batches_of_every_size(self):
        invoices = [self._overdue_invoice(self.acme) for _index in range(3)]
        invoices.append(self._overdue_invoice(self.globex, company=self.branch))
        self._set_batch_size("1")
        self.Chain._cron_start_overdue_chains()
        self.assertEqual(self._started(invoices), [1, 1, 1, 1])
        self.assertEqual(self._runs(invoices[3]).company_id, self.branch)

    def test_invalid_batch_sizes_fall_back_to_the_default(self):
        for value in ("0", "-1", "abc"):
            invoice = self._overdue_invoice(self.acme)
            self._set_batch_size(value)
            with mute_logger(JOBS_LOGGER):
                self.Chain._cron_start_overdue_chains()
            self.assertEqual(self._started([invoice]), [1], f"batch size {value!r}")

    def test_a_failing_company_is_reported_and_the_others_go_on(self):
        ours = self._overdue_invoice(self.acme)
        theirs = self._overdue_invoice(self.globex, company=self.branch)
        start = FollowupChain._start

        def failing_in_the_branch(chains, records):
            if records.company_id == self.branch:
                raise RuntimeError("the calendar of the branch is broken")
            return start(chains, records)

        with (
            patch.object(FollowupChain, "_start", failing_in_the_branch),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self.Chain._cron_start_overdue_chains()
        self.assertEqual(self._started([ours, theirs]), [1, 0])
        self.assertEqual(len(logs.records), 1)
        self.assertIn(f"Overdue-invoice chains in Branch B failed for account.move({theirs.id},)", logs.output[0])
        notice = self.env["mail.message"].search([("subject", "=", "Activity chains of overdue invoices not started")])
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.partner_ids, self.branch_admin.partner_id)
        self.assertIn(
            "failed in Branch B: the calendar of the branch is broken. Overdue invoices not processed: 1 of 1.",
            notice.body,
        )
        # the next run goes on where it stopped
        self.Chain._cron_start_overdue_chains()
        self.assertEqual(self._started([ours, theirs]), [1, 1])


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainQueryCounts(ChainCommon):
    """Lists and batches of runs cost the same queries for 2 runs as for 20."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = cls._chain(
            cls,
            "manual",
            [
                {
                    "name": "Call",
                    "outcomes": [
                        {"name": "Reached", "action": "next"},
                        {"name": "No answer", "action": "repeat", "delay": 1, "max_repeat": 3},
                    ],
                },
                {"name": "Meeting", "delay": 3},
            ],
        )
        cls.reached, cls.no_answer = cls.chain.step_ids.sorted()[0].outcome_ids.sorted()

    def _started_runs(self, count):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Deal {index}",
                    "type": "opportunity",
                    "partner_id": self.acme.id,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "stage_id": self.stage_new.id,
                }
                for index in range(count)
            ]
        )
        runs = self.chain._start(leads)
        self.assertEqual(len(runs), count)
        self._end_transaction()  # what the commit would do first (levels, criteria) is not measured
        self.env.invalidate_all()
        return runs

    def _done(self, runs):
        return {run: (run.activity_id.summary, run.activity_id.date_deadline, run.activity_id.id) for run in runs}

    def test_display_names_of_a_list_of_runs(self):
        self._started_runs(1).with_user(self.salesman).mapped("display_name")  # warms the caches
        for count in (2, 20):
            runs = self._started_runs(count).with_user(self.salesman)
            with self.assertQueryCount(4):
                names = runs.mapped("display_name")
            self.assertEqual(names[0], f"Chain manual: Deal {0}")

    def test_marking_chain_steps_done(self):
        self._started_runs(1)._advance({})  # warms the caches
        for count in (2, 20):
            runs = self._started_runs(count)
            done = self._done(runs)
            self.env.invalidate_all()
            with self.assertQueryCount(22):  # +1: whether the documents still exist
                runs._advance(done)
            self.assertEqual(set(runs.step_id.mapped("name")), {"Meeting"})
            self.assertEqual(len(runs.line_ids), count)

    def test_repeating_chain_steps(self):
        self._started_runs(1)._advance({}, self.no_answer)  # warms the caches
        for count in (2, 20):
            runs = self._started_runs(count)
            done = self._done(runs)
            self.env.invalidate_all()
            # +1: whether the documents still exist; +1: the calendar's moved working days
            with self.assertQueryCount(25):
                runs._advance(done, self.no_answer)
            self.assertEqual(runs.mapped("repeat_count"), [1] * count)

    def test_stopping_the_chains_of_won_opportunities(self):
        Run = self.env["followup.chain.run"]
        warm = self._started_runs(1)
        warm.lead_id.stage_id = self.stage_won
        for count in (2, 20):
            runs = self._started_runs(count)
            leads = runs.lead_id
            # the opportunities are won behind the engine's back: only the stop is measured
            self.env.cr.execute(
                "UPDATE crm_lead SET stage_id = %s WHERE id IN %s", (self.stage_won.id, tuple(leads.ids))
            )
            self.env.invalidate_all()
            with self.assertQueryCount(16):  # +1: whether the documents still exist
                Run._stop_on_records(leads)
            self.assertEqual(set(runs.mapped("stop_reason")), {"won"})
