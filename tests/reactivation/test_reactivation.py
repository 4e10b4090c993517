from contextlib import closing
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command, fields, sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, Form, tagged, users
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from ...odoo_sales_followup.tools import ReactivationAssigner, reactivation_priority
from ..common import load_russian
from ..common_reactivation import ReactivationCommon


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationRules(BaseCase):
    """Priority and assignment alone, as the head of sales reads them."""

    def test_priority_grows_with_value_and_lateness(self):
        self.assertEqual(reactivation_priority(500, 1000, 50, 30), "0", "small and barely late")
        self.assertEqual(reactivation_priority(1500, 1000, 50, 30), "1", "worth more than the average order")
        self.assertEqual(reactivation_priority(500, 1000, 60, 30), "1", "twice the interval without a purchase")
        self.assertEqual(reactivation_priority(500, 1000, 120, 30), "2", "four times the interval")
        self.assertEqual(reactivation_priority(1500, 1000, 400, 30), "3")
        self.assertEqual(reactivation_priority(0, 0, 50, 0), "0", "no history, no interval: lowest")

    def test_salesperson_rule_keeps_the_member_then_balances(self):
        assigner = ReactivationAssigner([1, 2], "salesperson", 0, {}, {1: 3})
        self.assertEqual(assigner.assign(1), 1, "the customer's own salesperson, a member")
        self.assertEqual(assigner.assign(99), 2, "not a member: the least loaded member")

    def test_round_robin_goes_on_after_the_last_assignee(self):
        assigner = ReactivationAssigner([1, 2, 3], "round_robin", 0, {}, {}, last_user=2)
        self.assertEqual([assigner.assign() for _i in range(4)], [3, 1, 2, 3])

    def test_least_open(self):
        assigner = ReactivationAssigner([1, 2], "least_open", 0, {}, {1: 2})
        self.assertEqual([assigner.assign() for _i in range(4)], [2, 2, 1, 2])

    def test_capacity_per_week(self):
        assigner = ReactivationAssigner([1, 2], "round_robin", 2, {1: 1}, {})
        self.assertEqual([assigner.assign() for _i in range(4)], [1, 2, 2, None])
        self.assertTrue(assigner.full)
        self.assertIsNone(ReactivationAssigner([1], "salesperson", 1, {1: 1}, {}).assign(1), "full: nobody")


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationScan(ReactivationCommon):
    def test_scan_flags_overdue_customers_only(self):
        result = self._scan()
        leads = self._reactivation_leads()
        self.assertEqual(leads.partner_id, self.dairy | self.big, "not due, no history, one purchase, excluded: none")
        self.assertEqual(result, {"created": 2, "left": 0})
        dairy_lead = leads.filtered(lambda lead: lead.partner_id == self.dairy)
        self.assertRecordValues(
            dairy_lead,
            [
                {
                    "name": "Reactivation: Dormant Dairy",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "stage_id": self.stage_to_call.id,
                    "company_id": self.rcompany.id,
                    "expected_revenue": 1000.0,
                    "reactivation_interval_days": 30,
                    "reactivation_days_overdue": 40,
                    "reactivation_open": True,
                }
            ],
        )
        self.assertIn("40 days overdue", dairy_lead.description)
        self.assertIn("Call script", dairy_lead.description)
        big_lead = leads - dairy_lead
        self.assertEqual(big_lead.expected_revenue, 5000.0, "the average of its orders")
        # Big Buyer: above the company's average order (34,000 / 22), 8 intervals late;
        # Dormant Dairy: below it, 2.3 intervals late.
        self.assertEqual((big_lead.priority, dairy_lead.priority), ("3", "1"), "bigger and later: called first")
        # The least loaded member, most overdue first: Carl calls Big Buyer, then Cleo Dormant Dairy.
        self.assertEqual((big_lead.user_id, dairy_lead.user_id), (self.carl, self.cleo))
        # Each opportunity has its first call, for its assignee, with the script.
        call_type = self.env.ref("odoo_sales_followup.mail_activity_type_reactivation_call")
        for lead in leads:
            self.assertRecordValues(lead.activity_ids, [{"activity_type_id": call_type.id, "user_id": lead.user_id.id}])
            self.assertIn("Call script", lead.activity_ids.note)

    def test_assignees_get_one_summary_not_one_email_each(self):
        self.rcompany.reactivation_assignment = "round_robin"
        self.rcompany.reactivation_min_purchases = 1  # Once Only too: three customers, two callers
        self._scan()
        leads = self._reactivation_leads()
        self.assertEqual(len(leads), 3)
        # Round-robin, most overdue first: Big Buyer and Dormant Dairy to Carl, Once Only to Cleo.
        for caller, count in ((self.carl, 2), (self.cleo, 1)):
            self.assertEqual(len(leads.filtered(lambda lead, c=caller: lead.user_id == c)), count)
            messages = self.env["mail.message"].search([("partner_ids", "in", caller.partner_id.ids)])
            self.assertEqual(len(messages), 1, "one summary, no 'assigned to you' per opportunity or call")
            self.assertEqual(messages.subject, f"Customers to call back: {count}")
        self.assertFalse(leads.message_ids.filtered(lambda m: m.message_type != "notification"), "no tracking noise")

    def test_one_purchase_customer_when_the_minimum_allows(self):
        self.rcompany.reactivation_min_purchases = 1
        self._scan()
        lead = self._reactivation_leads(partner_id=self.once.id)
        self.assertEqual(lead.reactivation_interval_days, 30, "the company's default interval")
        self.assertEqual(lead.reactivation_days_overdue, 70)

    def test_rerun_adds_nobody_twice(self):
        self._scan()
        self.assertEqual(self._scan(), {"created": 0, "left": 0})
        self.assertEqual(len(self._reactivation_leads()), 2)

    def test_excluded_tag_set_in_settings(self):
        self.rcompany.reactivation_excluded_category_ids = False
        self._scan()
        self.assertIn(self.tagged, self._reactivation_leads().partner_id)

    def test_customer_buying_again_is_reactivated(self):
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        order = self._order(self.dairy)
        self.assertRecordValues(lead, [{"stage_id": self.stage_won.id, "reactivation_open": False, "active": True}])
        self.assertFalse(
            self.env.ref("odoo_sales_followup.crm_team_reactivation").use_success_criteria,
            "the shipped reactivation team keeps its calls free of a deal checklist",
        )
        self.assertTrue(lead.message_ids.filtered(lambda m: order.name in m.body), "the order is in the chatter")
        self._scan()
        self.assertEqual(len(self._reactivation_leads(partner_id=self.dairy.id)), 1, "buys again: not dormant")

    def test_buying_again_never_fails_when_winning_needs_criteria(self):
        self.team.won_criterion_ids = self.env.ref("odoo_sales_followup.criterion_full_payment")
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        order = self._order(self.dairy)
        self.assertEqual(order.state, "sale", "the confirmation goes through")
        self.assertTrue(lead.reactivation_open, "not paid yet: the opportunity cannot be won")
        self.assertTrue(lead.message_ids.filtered(lambda m: "stays open" in m.body and "Full payment" in m.body))

    def test_reactivation_calls_chain_takes_over_the_calls(self):
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        run = lead.followup_run_ids
        self.assertEqual(run.chain_id, self.env.ref("odoo_sales_followup.chain_reactivation_calls"))
        self.assertEqual(run.activity_id.user_id, lead.user_id, "the caller the scan assigned")
        self.assertEqual(len(lead.activity_ids), 1, "the chain's call, not a second one")

        ref = self.env.ref
        Done = self.env["followup.chain.done.wizard"]
        no_answer = ref("odoo_sales_followup.chain_reactivation_calls_outcome_no_answer")
        # Done acts on the step and activity its line shows
        line = {"run_id": run.id, "step_id": run.step_id.id, "activity_ref": run.activity_id.id}
        Done.create({**line, "outcome_id": no_answer.id}).action_done()
        call_type = ref("odoo_sales_followup.mail_activity_type_reactivation_call")
        self.assertEqual(run.activity_id.activity_type_id, call_type)
        self.assertGreater(run.activity_id.date_deadline, lead.company_id._get_followup_today(), "called again later")

        competitor = ref("odoo_sales_followup.chain_reactivation_calls_outcome_competitor")
        line = {"run_id": run.id, "step_id": run.step_id.id, "activity_ref": run.activity_id.id}
        Done.create({**line, "outcome_id": competitor.id}).action_done()
        self.assertRecordValues(lead, [{"active": False, "lost_reason_id": self.churn_competitor.id}])

    def test_without_the_chain_a_single_call(self):
        self.env.ref("odoo_sales_followup.chain_reactivation_calls").active = False
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        self.assertFalse(lead.followup_run_ids)
        self.assertEqual(lead.activity_ids.summary, "Reactivation call")

    def test_lost_needs_a_churn_reason(self):
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        with self.assertRaisesRegex(UserError, "churn reason"):
            lead.action_set_lost()
        not_churn = self.env["crm.lost.reason"].create({"name": "Duplicate"})
        with self.assertRaisesRegex(UserError, "churn reason"):
            lead.action_set_lost(lost_reason_id=not_churn.id)
        wizard = Form(self.env["crm.lead.lost"].with_context(default_lead_ids=lead.ids))
        wizard.lost_reason_id = self.churn_competitor
        wizard.save().action_lost_reason_apply()
        self.assertRecordValues(
            lead, [{"active": False, "lost_reason_id": self.churn_competitor.id, "stage_id": self.stage_lost.id}]
        )
        self._scan()
        self.assertEqual(lead, self._reactivation_leads(partner_id=self.dairy.id), "one call-back per dormant spell")

    def test_preview_writes_nothing_then_runs(self):
        models = ("crm.lead", "mail.activity", "mail.message", "mail.mail")
        counts = {model: self.env[model].search_count([]) for model in models}
        wizard = Form(self.env["reactivation.scan.wizard"].with_user(self.manager)).save()
        self.assertEqual(wizard.candidate_count, 2)
        self.assertEqual(
            [(line.partner_id, line.days_overdue) for line in wizard.line_ids], [(self.big, 210), (self.dairy, 40)]
        )
        self.assertEqual(
            [(line.partner_id, line.user_id) for line in wizard.line_ids],
            [(self.big, self.carl), (self.dairy, self.cleo)],
        )
        self.assertEqual(counts, {model: self.env[model].search_count([]) for model in models}, "a dry run")
        action = wizard.action_run()
        self.assertEqual(action["params"]["message"], "Customers added to the Call-back pipeline: 2.")
        self.assertEqual(len(self._reactivation_leads()), 2)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationAssignment(ReactivationCommon):
    def test_salesperson_rule(self):
        self.rcompany.reactivation_assignment = "salesperson"
        self.dairy.user_id = self.cleo
        self.big.user_id = self.salesman  # not a member: the least loaded member
        self._scan()
        self.assertEqual(self._reactivation_leads(partner_id=self.dairy.id).user_id, self.cleo)
        self.assertEqual(self._reactivation_leads(partner_id=self.big.id).user_id, self.carl)

    def test_round_robin(self):
        self.rcompany.write({"reactivation_assignment": "round_robin", "reactivation_min_purchases": 1})
        self._scan()
        leads = self._reactivation_leads().sorted("reactivation_days_overdue", reverse=True)
        self.assertEqual(
            [lead.user_id.login for lead in leads],
            ["osf_carl", "osf_cleo", "osf_carl"],
            "most overdue first, in turn",
        )

    def test_least_open_counts_open_opportunities(self):
        self.env["crm.lead"].create(
            [
                {"name": f"Earlier call-back {i}", "partner_id": self.steady.id, "user_id": self.carl.id}
                for i in range(2)
            ]
        ).write({"is_reactivation": True, "company_id": self.rcompany.id, "team_id": self.team.id, "active": False})
        self.env["crm.lead"].create(
            {"name": "Open call-back", "partner_id": self.quiet.id, "user_id": self.carl.id, "is_reactivation": True}
        )
        self._scan()
        self.assertEqual(self._reactivation_leads(partner_id=self.big.id).user_id, self.cleo, "Carl has one open")
        self.assertEqual(self._reactivation_leads(partner_id=self.dairy.id).user_id, self.carl, "one each: in order")

    def test_weekly_capacity(self):
        self.rcompany.write({"reactivation_weekly_capacity": 1, "reactivation_min_purchases": 1})
        result = self._scan()
        self.assertEqual(result, {"created": 2, "left": 1})
        self.assertEqual(self._reactivation_leads().user_id, self.carl | self.cleo, "one each this week")
        self.assertEqual(self._scan(), {"created": 0, "left": 1}, "full until next week")

    def test_never_to_an_archived_user(self):
        self.cleo.action_archive()
        self._scan()
        self.assertEqual(self._reactivation_leads().user_id, self.carl)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationSafety(ReactivationCommon):
    def test_interrupted_scan_resumes_without_duplicates(self):
        self.env["ir.config_parameter"].set_param("odoo_sales_followup.reactivation_batch_size", 1)
        Team = type(self.team)
        original = Team._reactivation_plan_first_calls
        batches = []

        def killed_in_second_batch(team, leads):
            batches.append(leads.partner_id)
            if len(batches) == 2:
                raise RuntimeError("worker killed")
            return original(team, leads)

        # Not assertRaises: its savepoint would also undo the first batch, which a commit keeps.
        with patch.object(Team, "_reactivation_plan_first_calls", killed_in_second_batch):
            try:
                self._scan()
            except RuntimeError as error:
                self.assertEqual(str(error), "worker killed")
            else:
                self.fail("the scan should have been interrupted")
        self.env.invalidate_all()
        self.assertEqual(self._reactivation_leads().partner_id, batches[0], "the first batch is kept")
        self.assertFalse(
            self.env["crm.lead"].search([("partner_id", "=", batches[1].id), ("is_reactivation", "=", True)]),
            "nothing half-created of the interrupted batch",
        )
        self.assertEqual(self._scan(), {"created": 1, "left": 0})
        leads = self._reactivation_leads()
        self.assertEqual(leads.partner_id, self.dairy | self.big)
        self.assertEqual(len(leads.activity_ids), 2)

    def test_concurrent_scan_waits_its_turn(self):
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other_worker:
            other_worker.execute(
                "SELECT pg_advisory_xact_lock(hashtext('odoo_sales_followup.reactivation_scan'), %s)",
                [self.rcompany.id],
            )
            with self.assertRaisesRegex(UserError, "already running"):
                self._scan()
            self.assertFalse(self._reactivation_leads())
            other_worker.rollback()
        self.assertEqual(self._scan()["created"], 2)

    def test_database_refuses_a_second_open_opportunity(self):
        self._scan()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["crm.lead"].create(
                {
                    "name": "Duplicate",
                    "partner_id": self.dairy.id,
                    "company_id": self.rcompany.id,
                    "is_reactivation": True,
                }
            )

    def test_reopening_a_second_opportunity_is_refused_clearly(self):
        self._scan()
        first = self._reactivation_leads(partner_id=self.dairy.id)
        first.action_set_lost(lost_reason_id=self.churn_competitor.id)
        second = self.env["crm.lead"].create(
            {"name": "Again", "partner_id": self.dairy.id, "company_id": self.rcompany.id, "is_reactivation": True}
        )
        with self.assertRaises(UserError) as refused:
            first.toggle_active()
        self.assertIn("An open reactivation opportunity already exists for Dormant Dairy", str(refused.exception))
        second.action_set_lost(lost_reason_id=self.churn_competitor.id)
        first.toggle_active()
        self.assertTrue(first.reactivation_open)

    def test_invalid_settings(self):
        self.team.crm_team_member_ids.action_archive()
        with self.assertRaisesRegex(UserError, "no active member"):
            self._scan()
        with self.assertRaisesRegex(ValidationError, "“Calls per member per week” of .* is -1: it must be from 0"):
            self.rcompany.reactivation_weekly_capacity = -1
        with self.assertRaisesRegex(ValidationError, "tolerance"):
            self.rcompany.level_dormant_tolerance = 0.5

    def test_scheduled_scan(self):
        self.main_company.reactivation_team_id = False  # only this world's company
        # Another worker scanning this company: the scheduled run leaves it to finish.
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other_worker:
            other_worker.execute(
                "SELECT pg_try_advisory_xact_lock(hashtext('odoo_sales_followup.reactivation_scan'), %s)",
                [self.rcompany.id],
            )
            self.assertTrue(other_worker.fetchone()[0])
            self.env["crm.team"]._cron_reactivation_scan()
            self.assertFalse(self._reactivation_leads())
            other_worker.rollback()
        self.env["crm.team"]._cron_reactivation_scan()
        self.assertEqual(self._reactivation_leads().partner_id, self.dairy | self.big)

    def test_scheduled_scan_reports_a_team_without_members(self):
        self.team.crm_team_member_ids.action_archive()
        logger = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"
        self.main_company.reactivation_team_id = False  # only this world's company
        with self.assertLogs(logger, "ERROR") as logs:
            self.env["crm.team"]._cron_reactivation_scan()
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            [
                f"Reactivation scan in Callback Co skipped res.company({self.rcompany.id},): "
                "The reactivation team Call-back has no active member "
                "to call the customers: add members to the team."
            ],
        )
        notice = self.env["mail.message"].search([("partner_ids", "in", self.admin.partner_id.ids)])
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.subject, "Reactivation scan skipped")
        self.assertEqual(
            notice.partner_ids, (self.manager | self.admin).partner_id, "Callback Co's Sales administrators"
        )
        self.assertFalse(self._reactivation_leads())


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationAccess(ReactivationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team._action_reactivation_scan()

    def test_team_members_see_their_pipeline_other_salesmen_do_not(self):
        all_leads = self.env.ref("sales_team.group_sale_salesman_all_leads")
        (self.carl | self.cleo).groups_id = [Command.link(all_leads.id)]
        seller = mail_new_test_user(
            self.env,
            login="osf_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.rcompany.id,
            company_ids=[Command.set(self.rcompany.ids)],
        )
        # The whole pipeline of the reactivation team is the team's: Carl's deal of another team is not.
        direct = self.env["crm.team"].create({"name": "Direct sales", "company_id": self.rcompany.id})
        deal = self.env["crm.lead"].create(
            {"name": "New deal", "user_id": self.carl.id, "team_id": direct.id, "type": "opportunity"}
        )
        Lead = self.env["crm.lead"]
        pipeline = self._reactivation_leads()
        self.assertEqual(len(pipeline), 2)
        self.assertEqual(Lead.with_user(self.carl).search([("is_reactivation", "=", True)]), pipeline)
        self.assertEqual(Lead.with_user(self.cleo).search([("is_reactivation", "=", True)]), pipeline)
        self.assertFalse(Lead.with_user(seller).search([("is_reactivation", "=", True)]), "not in the team")
        self.assertEqual(Lead.with_user(seller).search([("id", "in", (pipeline | deal).ids)]), deal)
        self.assertEqual(Lead.with_user(self.manager).search([("is_reactivation", "=", True)]), pipeline)

    @users("osf_salesman")
    def test_salesman_cannot_run_the_scan(self):
        with self.assertRaises(AccessError):
            self.env["crm.team"].action_reactivation_scan()

    def test_other_company_is_not_scanned(self):
        main_customer = self.env["res.partner"].create(
            {"name": "Main Co customer", "is_company": True, "company_id": self.main_company.id}
        )
        self.env["sale.order"].with_company(self.main_company).create(
            [
                {
                    "partner_id": main_customer.id,
                    "state": "sale",
                    "date_order": fields.Datetime.to_datetime(self._days_ago(days)),
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for days in (130, 100, 70)
            ]
        )
        self._end_transaction()
        self.assertEqual(main_customer.purchase_count, 3)
        self._scan()
        self.assertNotIn(main_customer, self._reactivation_leads().partner_id)

    def test_report_tells_flagged_reached_reactivated_and_churn(self):
        dairy_lead = self._reactivation_leads(partner_id=self.dairy.id)
        big_lead = self._reactivation_leads(partner_id=self.big.id)
        big_lead.action_set_lost(lost_reason_id=self.churn_competitor.id)
        self._order(self.dairy)
        self.env.flush_all()
        Report = self.env["crm.reactivation.report"].with_user(self.manager)
        totals = Report._read_group(
            [("company_id", "=", self.rcompany.id)],
            [],
            ["flagged_count:sum", "reached_count:sum", "reactivated_count:sum", "revenue_after:sum"],
        )[0]
        self.assertEqual(totals, (2, 2, 1, 1000.0))
        churn = Report._read_group([("lost_count", "=", 1)], ["lost_reason_id"], ["__count"])
        self.assertEqual(churn, [(self.churn_competitor, 1)])
        self.assertEqual(dairy_lead.stage_id, self.stage_won)
        mine = self.env["crm.reactivation.report"].with_user(self.carl).search([])
        self.assertEqual(mine.user_id, self.carl)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationDemo(ReactivationCommon):
    def test_demo_tells_the_reactivation_story(self):
        module = self.env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])
        self.assertTrue(module.demo, "the demo tests need the addon installed with its demo data")
        Lead = self.env["crm.lead"].with_context(active_test=False)
        for xmlid in ("demo_partner_harbor", "demo_partner_vektor"):
            lead = Lead.search([("partner_id", "=", self.env.ref(f"odoo_sales_followup.{xmlid}").id)])
            lead = lead.filtered("is_reactivation")
            self.assertTrue(lead.reactivation_open, xmlid)
            self.assertTrue(lead.activity_ids)
        lakeside = self.env.ref("odoo_sales_followup.demo_lead_lakeside_reactivation")
        self.assertEqual(lakeside.lost_reason_id, self.churn_competitor)

    def test_russian_labels(self):
        load_russian(self.env)
        Reason = self.env["crm.lost.reason"].with_context(lang="ru_RU")
        self.assertEqual(Reason._fields["is_churn_reason"]._description_string(Reason.env), "Причина ухода клиента")
        self.assertEqual(self.churn_competitor.with_context(lang="ru_RU").name, "Ушёл к конкуренту")
