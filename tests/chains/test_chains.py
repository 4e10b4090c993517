from datetime import date

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ..common_chains import FRIDAY, ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainTriggers(ChainCommon):
    def test_quotation_sent_starts_the_quotation_followup(self):
        chain = self.env.ref("odoo_sales_followup.chain_proposal_followup")
        chain.action_unarchive()
        lead = self._opportunity()
        order = self._quotation(lead)
        order.action_quotation_sent()
        run = self._runs(order)
        self.assertRecordValues(
            run, [{"chain_id": chain.id, "state": "running", "user_id": self.salesman.id, "lead_id": lead.id}]
        )
        # Friday + 2 business days: the weekend and Monday's holiday are skipped.
        self.assertRecordValues(
            run.activity_id,
            [
                {
                    "activity_type_id": self.call.id,
                    "summary": "Call about the proposal",
                    "date_deadline": date(2026, 11, 25),
                    "user_id": self.salesman.id,
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            ],
        )
        self.assertIn(run.activity_id, order.activity_ids)
        self.assertEqual(lead.followup_run_ids, run)

    def test_quotation_confirmed(self):
        chain = self._chain("quotation_confirmed", [{"name": "Thank the customer", "delay": 1}])
        lead = self._opportunity()
        self._quotation(lead).action_confirm()
        self.assertEqual(self._runs(lead).chain_id, chain)
        self.assertEqual(self._runs(lead).date_deadline, date(2026, 11, 21))

    def test_opportunity_created_and_stage_entered(self):
        created = self._chain("opportunity_created", [{"name": "Qualify"}])
        in_proposal = self._chain("stage", [{"name": "Follow the proposal"}], trigger_stage_id=self.stage_proposal.id)
        lead = self._opportunity()
        self.assertEqual(self._runs(lead).chain_id, created)
        lead.stage_id = self.stage_proposal
        self.assertEqual(self._runs(lead).chain_id, created | in_proposal)
        # a lead is not an opportunity: it starts when converted
        lead2 = self.env["crm.lead"].create({"name": "Inbound request", "type": "lead", "partner_id": self.globex.id})
        self.assertFalse(self._runs(lead2))
        lead2.write({"type": "opportunity"})
        self.assertEqual(self._runs(lead2).chain_id, created)

    def test_won_and_lost(self):
        won = self._chain("won", [{"name": "Ask for a review", "delay": 14}])
        lost = self._chain("lost", [{"name": "Ask why we lost", "delay": 1}])
        lead_won, lead_lost = self._opportunity(), self._opportunity(name="Lost deal")
        lead_won.stage_id = self.stage_won
        self.assertEqual(self._runs(lead_won).chain_id, won)
        lead_lost.action_set_lost()
        run = self._runs(lead_lost)
        self.assertEqual(run.chain_id, lost)
        self.assertEqual(run.state, "running")
        self.assertRecordValues(run.activity_id, [{"summary": "Ask why we lost", "date_deadline": date(2026, 11, 21)}])

    def test_invoice_posted_runs_on_the_invoice_with_its_opportunity(self):
        chain = self.env.ref("odoo_sales_followup.chain_payment_followup")
        chain.action_unarchive()
        lead = self._opportunity()
        order = self._quotation(lead)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date_due = date(2026, 12, 4)
        invoice.action_post()
        run = self._runs(invoice)
        self.assertRecordValues(
            run,
            [
                {
                    "chain_id": chain.id,
                    "lead_id": lead.id,
                    "res_id": invoice.id,
                    "res_model": "account.move",
                    "res_name": invoice.name,
                }
            ],
        )
        self.assertIn(run, lead.followup_run_ids)
        self.assertEqual(run.activity_id.date_deadline, date(2026, 11, 25))
        # the reminder is due on the due date, the escalation the next business day, to the leader
        confirmed = chain.step_ids[0].outcome_ids[0]
        self._done(run, confirmed)
        self.assertRecordValues(run.activity_id, [{"date_deadline": date(2026, 12, 4), "user_id": self.salesman.id}])
        self._done(run)
        self.assertRecordValues(run.activity_id, [{"date_deadline": date(2026, 12, 7), "user_id": self.manager.id}])
        self._done(run)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.line_ids), 3)

    def test_starting_on_many_invoices_costs_no_query_per_invoice(self):
        invoices = self.env["account.move"]
        for index in range(13):
            invoices |= self._invoice(self.acme if index % 2 else self.globex, FRIDAY)
        self._chain("invoice_posted", [{"name": "Confirm receipt", "delay": 2, "delay_unit": "business_days"}])
        counts = []
        # the first start warms Odoo's caches (models, default subtypes)
        for batch in (invoices[:1], invoices[1:3], invoices[3:]):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.Chain._start_chains("invoice_posted", batch)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(len(self.Run.search([("res_model", "=", "account.move"), ("res_id", "in", invoices.ids)])), 13)
        self.assertEqual(counts[1], counts[2], "starting on 10 invoices costs what starting on 2 does")

    def test_invoice_overdue_cron(self):
        chain = self._chain("invoice_overdue", [{"name": "Call about the overdue invoice"}])
        invoice = self._invoice(self.acme, date(2026, 10, 1))
        invoice.invoice_date_due = date(2026, 10, 31)
        not_due = self._invoice(self.acme, date(2026, 11, 19))
        self.Chain._cron_start_overdue_chains()
        self.assertEqual(self._runs(invoice).chain_id, chain)
        self.assertFalse(self._runs(not_due))
        # once per invoice: a stopped chain does not start again the next day
        self._runs(invoice).action_stop()
        self.Chain._cron_start_overdue_chains()
        self.assertEqual(len(self._runs(invoice)), 1)

    def test_started_by_hand(self):
        chain = self._chain("manual", [{"name": "Call"}, {"name": "Meeting", "delay": 7}])
        lead = self._opportunity()
        action = lead.action_start_followup_chain()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({"chain_id": chain.id})
        wizard.action_start()
        self.assertEqual(self._runs(lead).chain_id, chain)
        with self.assertRaisesRegex(UserError, "already runs"):
            Wizard = self.env[action["res_model"]].with_context(**action["context"])
            Wizard.create({"chain_id": chain.id}).action_start()

    def test_conditions(self):
        tag = self.env["crm.tag"].create({"name": "Key account"})
        chain = self._chain(
            "opportunity_created",
            [{"name": "Call"}],
            team_ids=[Command.link(self.team.id)],
            tag_ids=[Command.link(tag.id)],
            amount_min=5000,
            partner_level="prospect",
        )
        self._opportunity(name="First contact", team_id=False)
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "prospect")
        matching = self._opportunity(tag_ids=[Command.link(tag.id)])
        small = self._opportunity(tag_ids=[Command.link(tag.id)], expected_revenue=100)
        untagged = self._opportunity()
        other_team = self._opportunity(tag_ids=[Command.link(tag.id)], team_id=False)
        self.assertEqual(self._runs(matching).chain_id, chain)
        self.assertFalse(self._runs(small) | self._runs(untagged) | self._runs(other_team))

    def test_chain_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self._chain("opportunity_created", [{"name": "Call"}], company_id=other_company.id)
        lead = self._opportunity()
        self.assertFalse(self._runs(lead))
        foreign = self._opportunity(name="Foreign deal", company_id=other_company.id, team_id=False, user_id=False)
        run = self._runs(foreign)
        self.assertEqual(run.company_id, other_company)
        self.assertFalse(self.Run.with_user(self.manager).search([("id", "=", run.id)]))


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainOutcomes(ChainCommon):
    def test_no_answer_repeats_the_next_business_day_three_times(self):
        chain = self.env.ref("odoo_sales_followup.chain_proposal_followup")
        chain.action_unarchive()
        no_answer = self.env.ref("odoo_sales_followup.chain_proposal_followup_outcome_no_answer")
        run = self.Chain.browse(chain.id)._start(self._quotation(self._opportunity()))
        deadlines = []
        for _attempt in range(3):
            self._done(run, no_answer)
            deadlines.append(run.activity_id.date_deadline)
        # done on Friday each time: the next business day is Tuesday (Monday is a holiday)
        self.assertEqual(deadlines, [date(2026, 11, 24)] * 3)
        self.assertEqual(run.repeat_count, 3)
        # after the third repetition, no answer moves on to the reminder email, due on day 5
        self._done(run, no_answer)
        self.assertRecordValues(run, [{"state": "running", "repeat_count": 0}])
        self.assertEqual(run.activity_id.summary, "Reminder email about the quotation")
        self.assertEqual(run.activity_id.date_deadline, date(2026, 11, 30))
        self.assertEqual(run.line_ids.outcome_id, no_answer)
        self.assertEqual(len(run.line_ids), 4)

    def test_jump_stage_lost_end(self):
        chain = self._chain(
            "manual",
            [
                {
                    "name": "Call",
                    "outcomes": [
                        {"name": "Reached", "action": "next"},
                        {"name": "Wants a meeting", "action": "end"},
                        {"name": "Proposal requested", "action": "stage", "stage_id": self.stage_proposal.id},
                        {"name": "Not interested", "action": "lost"},
                        {"name": "Bought elsewhere", "action": "end"},
                    ],
                },
                {"name": "Send the proposal", "activity_type_id": self.todo.id},
                {"name": "Meeting", "delay": 3},
            ],
        )
        call, proposal, meeting = chain.step_ids.sorted()
        reached, jump, stage, lost, end = call.outcome_ids.sorted()
        jump.write({"action": "jump", "jump_step_id": meeting.id})
        # jump
        lead = self._opportunity()
        run = chain._start(lead)
        self._done(run, jump)
        self.assertEqual(run.step_id, meeting)
        self.assertEqual(run.activity_id.date_deadline, date(2026, 11, 23))
        # stage: moves the opportunity and goes on
        lead2 = self._opportunity(name="Second")
        run2 = chain._start(lead2)
        self._done(run2, stage)
        self.assertEqual(lead2.stage_id, self.stage_proposal)
        self.assertEqual(run2.step_id, proposal)
        self.assertEqual(run2.state, "running")
        # lost: the opportunity is lost with its reason, the chain ends
        lead3 = self._opportunity(name="Third")
        lost.lost_reason_id = self.env["crm.lost.reason"].create({"name": "Not interested"})
        run3 = chain._start(lead3)
        self._done(run3, lost)
        self.assertFalse(lead3.active)
        self.assertEqual(lead3.lost_reason_id, lost.lost_reason_id)
        self.assertEqual(run3.state, "done")
        # end
        run4 = chain._start(self._opportunity(name="Fourth"))
        self._done(run4, end)
        self.assertEqual(run4.state, "done")
        self.assertFalse(run4.activity_id)
        # next, and the first outcome when marked done outside the chain
        lead5 = self._opportunity(name="Fifth")
        run5 = chain._start(lead5)
        run5.activity_id.action_feedback(feedback="Talked to the director")
        self.assertEqual(run5.step_id, proposal)
        self.assertEqual(run5.line_ids.outcome_id, reached)
        self.assertEqual(run5.activity_id.summary, "Send the proposal")

    def test_done_wizard_asks_for_an_outcome(self):
        chain = self._chain("manual", [{"name": "Call", "outcomes": [{"name": "Reached"}]}])
        run = chain._start(self._opportunity())
        wizard = self._done_wizard(run)
        with self.assertRaisesRegex(UserError, "Choose the outcome"):
            wizard.action_done()


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainLifecycle(ChainCommon):
    def test_won_lost_and_stage_stop_the_chain(self):
        chain = self._chain("manual", [{"name": "Call"}])
        in_new = self._chain("stage", [{"name": "Qualify"}], trigger_stage_id=self.stage_new.id)
        lead = self._opportunity()
        run_stage = self._runs(lead)
        self.assertEqual(run_stage.chain_id, in_new)
        run = chain._start(lead)
        lead.stage_id = self.stage_proposal
        self.assertRecordValues(run_stage, [{"state": "stopped", "stop_reason": "stage"}])
        self.assertEqual(run.state, "running")
        activity = run.activity_id
        lead.action_set_won()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "won", "activity_id": False}])
        self.assertFalse(activity.exists())
        lead2 = self._opportunity(name="Second")
        run2 = chain._start(lead2)
        lead2.action_set_lost()
        self.assertRecordValues(run2, [{"state": "stopped", "stop_reason": "lost"}])

    def test_paid_invoice_stops_the_push_to_payment(self):
        self.env.ref("odoo_sales_followup.chain_payment_followup").action_unarchive()
        invoice = self._invoice(self.acme, FRIDAY)
        run = self._runs(invoice)
        activity = run.activity_id
        self.assertTrue(activity)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {}
        )._create_payments()
        self._end_transaction()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "paid"}])
        self.assertFalse(activity.exists())
        # a cancelled invoice stops its chain too
        invoice2 = self._invoice(self.acme, FRIDAY)
        invoice2.button_draft()
        self.assertRecordValues(self._runs(invoice2), [{"state": "stopped", "stop_reason": "cancelled"}])

    def test_one_running_instance_per_record(self):
        chain = self._chain("manual")
        lead = self._opportunity()
        run = chain._start(lead)
        self.assertFalse(chain._start(lead))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Run.create({"chain_id": chain.id, "res_model": "crm.lead", "res_id": lead.id, "lead_id": lead.id})
        # once ended, it may run again
        run.action_stop()
        again = chain._start(lead)
        self.assertRecordValues(again, [{"state": "running", "step_id": chain.step_ids.id}])
        self.assertEqual(self._runs(lead), run | again)

    def test_pause_resume_stop(self):
        chain = self._chain("manual", [{"name": "Call", "delay": 5}])
        lead = self._opportunity()
        run = chain._start(lead)
        run.action_pause()
        self.assertRecordValues(run, [{"state": "paused", "activity_id": False}])
        self.assertFalse(lead.activity_ids)
        run.action_resume()
        self.assertEqual(run.state, "running")
        # planned again for today, as the README says, not 5 days later
        self.assertEqual(run.activity_id.date_deadline, FRIDAY)
        run.action_stop()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "manual"}])
        self.assertFalse(lead.activity_ids)

    def test_archived_responsible_falls_back_to_the_salesperson(self):
        colleague = self.env["res.users"].create({"name": "Gone Colleague", "login": "osf_gone"})
        chain = self._chain("manual", [{"name": "Call", "responsible": "user", "user_id": colleague.id}])
        colleague.action_archive()
        lead = self._opportunity()
        run = chain._start(lead)
        self.assertEqual(run.activity_id.user_id, self.salesman)
        # a team without leader and a record without salesperson: the current user
        lonely = self._chain("manual", [{"name": "Escalate", "responsible": "team_leader"}], name="Lonely")
        lead2 = self._opportunity(name="Orphan", user_id=False, team_id=False)
        run2 = lonely._start(lead2)
        self.assertEqual(run2.activity_id.user_id, self.env.user)

    def test_cancelled_activity_or_deleted_record_leave_no_chain(self):
        chain = self._chain("manual", [{"name": "Call"}, {"name": "Meeting"}])
        lead = self._opportunity()
        run = chain._start(lead)
        run.activity_id.unlink()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "activity_deleted"}])
        run2 = chain._start(lead)
        self._done(run2)
        lead.unlink()
        self.assertFalse(run2.exists())
        self.assertFalse(self.env["followup.chain.run.line"].search([("run_id", "=", run2.id)]))

    def test_deleting_a_done_activity_leaves_the_chain_alone(self):
        self.call.keep_done = True
        chain = self._chain("manual", [{"name": "Call"}, {"name": "Meeting"}])
        run = chain._start(self._opportunity())
        done = self._done(run)
        self.assertFalse(done.active, "the call type keeps its done activities")
        done.unlink()
        self.assertRecordValues(run, [{"state": "running", "step_id": chain.step_ids[1].id}])
        self.assertEqual(run.activity_id.summary, "Meeting")
        self.assertEqual(run.line_ids.name, "Call")

    def test_editing_a_template_keeps_runs_consistent(self):
        chain = self._chain("manual", [{"name": "Call"}, {"name": "Meeting"}])
        call, meeting = chain.step_ids.sorted()
        run = chain._start(self._opportunity())
        with self.assertRaisesRegex(UserError, r"current step of running or paused chains \(chains: 1\)"):
            call.unlink()
        # the next step not yet reached can go; the run follows the template as it is now
        meeting.unlink()
        chain.write({"step_ids": [Command.create({"name": "Email", "activity_type_id": self.todo.id, "sequence": 50})]})
        self._done(run)
        self.assertEqual(run.activity_id.summary, "Email")
        with self.assertRaisesRegex(UserError, "archive it instead"):
            chain.unlink()


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestChainValidation(ChainCommon):
    def test_negative_delay(self):
        with self.assertRaisesRegex(ValidationError, "is -1: it must be from 0 to 3650"):
            self._chain("manual", [{"name": "Call", "delay": -1}])

    def test_step_without_activity_type(self):
        with self.assertRaisesRegex(ValidationError, "needs an activity type"):
            self._chain("manual", [{"name": "Call", "activity_type_id": False}])

    def test_loop_without_exit(self):
        chain = self._chain("manual", [{"name": "Call", "outcomes": [{"name": "No answer", "action": "next"}]}])
        step = chain.step_ids
        with self.assertRaisesRegex(ValidationError, "never ends from the step “Call”"):
            step.outcome_ids.write({"action": "jump", "jump_step_id": step.id})
        # a loop with an exit is fine
        step.write({"outcome_ids": [Command.create({"name": "Reached", "action": "end"})]})
        step.outcome_ids[0].write({"action": "jump", "jump_step_id": step.id})
        self.assertRecordValues(
            step.outcome_ids.sorted("id"),
            [{"action": "jump", "jump_step_id": step.id}, {"action": "end", "jump_step_id": False}],
        )

    def test_jump_to_another_chain(self):
        other = self._chain("manual", [{"name": "Other call"}], name="Other")
        chain = self._chain("manual", [{"name": "Call", "outcomes": [{"name": "Reached"}]}])
        with self.assertRaisesRegex(ValidationError, "another chain"):
            chain.step_ids.outcome_ids.write({"action": "jump", "jump_step_id": other.step_ids.id})

    def test_stage_trigger_needs_a_stage(self):
        with self.assertRaisesRegex(ValidationError, "choose the stage"):
            self._chain("stage")

    def test_invoice_trigger_runs_on_invoices(self):
        chain = self._chain("invoice_posted")
        self.assertEqual(chain.res_model, "account.move")
        self.assertEqual(fields.first(chain.step_ids).delay_unit, "days")
