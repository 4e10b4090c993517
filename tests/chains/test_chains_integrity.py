from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from ..common_chains import FRIDAY, ChainCommon

MODULE = "odoo_sales_followup"


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainRunIntegrity(ChainCommon):
    """A salesperson over RPC: the fields of a run are the engine's, a run follows its document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = cls._chain(cls, "manual", [{"name": "Call"}, {"name": "Meeting", "delay": 3}])
        cls.lead = cls._opportunity(cls)
        cls.anna_run = cls.chain._start(cls.lead)
        cls.theirs = cls._opportunity(cls, name="Colin's deal", user_id=cls.colleague.id)

    def _snapshot(self, run):
        return run.read(["chain_id", "res_model", "res_id", "lead_id", "state", "step_id", "activity_id"])

    def test_engine_fields_are_refused_to_users(self):
        other_chain = self._chain("manual", [{"name": "Other call"}], name="Other")
        forged = {
            "res_id": self.theirs.id,
            "res_model": "account.move",
            "lead_id": self.theirs.id,
            "chain_id": other_chain.id,
            "step_id": other_chain.step_ids.id,
            "repeat_count": 7,
            "stop_reason": "won",
            "user_id": self.colleague.id,
            "activity_id": False,
            "partner_id": self.globex.id,
            "team_id": False,
            "company_id": False,
            "date_start": date(2020, 1, 1),
            "date_end": date(2020, 1, 2),
            "state": "done",
        }
        before = self._snapshot(self.anna_run)
        for user in (self.salesman, self.manager, self.admin):
            for field, value in forged.items():
                with self._refused(AccessError, "is set by the chain itself"):
                    self.anna_run.with_user(user).write({field: value})
        self.assertEqual(self._snapshot(self.anna_run), before)
        self.assertFalse(self.theirs.activity_ids, "no activity planted on a deal of someone else")

    def test_the_error_names_the_field(self):
        with self._refused(AccessError, "The field “Opportunity” of a running chain is set by the chain itself"):
            self.anna_run.with_user(self.salesman).write({"lead_id": self.theirs.id})

    def test_runs_are_not_created_by_users(self):
        for user in (self.salesman, self.admin):
            with self._refused(AccessError, "is set by the chain itself"):
                self.Run.with_user(user).create(
                    {"chain_id": self.chain.id, "res_model": "crm.lead", "res_id": self.theirs.id}
                )
        self.assertFalse(self._runs(self.theirs))

    def test_the_opportunity_does_not_take_runs_through_its_lines(self):
        mine = self._opportunity(name="Another deal of mine")
        with self._refused(AccessError, "is set by the chain itself"):
            mine.with_user(self.salesman).write({"followup_run_ids": [Command.link(self.anna_run.id)]})
        with self._refused(AccessError, "is set by the chain itself"):
            self.lead.with_user(self.salesman).write({"followup_run_ids": [Command.unlink(self.anna_run.id)]})
        self.assertEqual(self.anna_run.lead_id, self.lead)

    def test_a_run_follows_its_document(self):
        self.assertEqual(self.Run.with_user(self.salesman).search([("chain_id", "=", self.chain.id)]), self.anna_run)
        # the deal goes to Colin: Anna, who started the run (its salesperson), no longer sees it
        self.lead.user_id = self.colleague
        self.assertEqual(self.anna_run.user_id, self.salesman)
        Run = self.Run.with_user(self.salesman)
        self.assertFalse(Run.search([("chain_id", "=", self.chain.id)]))
        self.assertEqual(Run.search_count([]), 0)
        with self._refused(AccessError, "doesn't have 'read' access to:\n- Running activity chain"):
            self.anna_run.with_user(self.salesman).read(["state"])
        self.assertFalse(self.env["followup.chain.run.line"].with_user(self.salesman).search([]))
        refusal = f"they run on documents you may not read \\(Lead/Opportunity, ids {self.lead.id}\\)"
        for action in ("action_pause", "action_stop", "action_open_done_wizard"):
            with self._refused(AccessError, refusal):
                getattr(self.anna_run.with_user(self.salesman), action)()
        self.assertRecordValues(self.anna_run, [{"state": "running", "step_id": self.chain.step_ids[0].id}])
        self.assertEqual(self.Run.with_user(self.colleague).search([("chain_id", "=", self.chain.id)]), self.anna_run)

    def test_history_follows_the_run(self):
        self._done(self.anna_run)
        line = self.anna_run.line_ids
        self.assertEqual(self.env["followup.chain.run.line"].with_user(self.salesman).search([]), line)
        self.lead.user_id = self.colleague
        with self._refused(AccessError, "doesn't have 'read' access to:\n- Activity chain history"):
            line.with_user(self.salesman).read(["name"])
        with self._refused(AccessError, "recorded by the chain itself"):
            line.with_user(self.admin).write({"user_id": self.admin.id})
        self.assertEqual(line.user_id, self.env.user)

    def test_pause_resume_stop_need_the_document(self):
        run = self.anna_run.with_user(self.salesman)
        run.action_pause()
        self.assertRecordValues(self.anna_run, [{"state": "paused", "activity_id": False}])
        self.lead.user_id = self.colleague
        with self._refused(AccessError, "they run on documents you may not read"):
            run.action_resume()
        self.assertRecordValues(self.anna_run, [{"state": "paused", "activity_id": False}])
        self.assertFalse(self.lead.activity_ids)


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainContextKeys(ChainCommon):
    """No context key a client sends changes what the chain does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.chain = cls._chain(
            cls,
            "manual",
            [
                {
                    "name": "Call",
                    "outcomes": [
                        {"name": "Reached", "action": "next"},
                        {"name": "Not interested", "action": "lost", "lost_reason_id": cls.lost_reason.id},
                    ],
                },
                {"name": "Meeting", "delay": 3},
            ],
        )
        cls.call_step, cls.meeting_step = cls.chain.step_ids.sorted()
        cls.reached, cls.not_interested = cls.call_step.outcome_ids.sorted()

    def test_deleting_the_activity_stops_the_chain_whatever_the_context(self):
        for context in ({"followup_keep_runs": True}, {"followup_stop_reason": "won"}):
            lead = self._opportunity(name=f"Deal {sorted(context)[0]}")
            run = self.chain._start(lead)
            run.activity_id.with_user(self.salesman).with_context(**context).unlink()
            self.assertRecordValues(
                run, [{"state": "stopped", "stop_reason": "activity_deleted", "activity_id": False}]
            )
            self.assertFalse(lead.activity_ids)

    def test_the_outcome_does_not_come_from_the_context(self):
        lead = self._opportunity()
        run = self.chain._start(lead)
        run.activity_id.with_user(self.salesman).with_context(
            followup_outcome_id=self.not_interested.id
        ).action_feedback()
        self.assertTrue(lead.active, "the first outcome applies: the deal is not lost")
        self.assertRecordValues(run, [{"state": "running", "step_id": self.meeting_step.id}])
        self.assertEqual(run.line_ids.outcome_id, self.reached)

    def test_a_lost_opportunity_stops_its_chains_as_lost(self):
        leads = self._opportunity(name="Lost by the button") | self._opportunity(name="Archived by a write")
        runs = self.chain._start(leads)
        leads[0].with_user(self.salesman).action_set_lost()
        leads[1].with_user(self.salesman).write({"active": False})
        self.assertRecordValues(
            runs.sorted("id"),
            [
                {"state": "stopped", "stop_reason": "lost", "activity_id": False},
                {"state": "stopped", "stop_reason": "lost", "activity_id": False},
            ],
        )

    def test_a_lost_chain_goes_on_and_ends_when_its_activity_goes(self):
        lost_chain = self._chain("lost", [{"name": "Ask why we lost", "delay": 1}], name="Why lost")
        lead = self._opportunity()
        lead.action_set_lost()
        run = self._runs(lead)
        self.assertRecordValues(run, [{"chain_id": lost_chain.id, "state": "running"}])
        self.assertEqual(run.activity_id.summary, "Ask why we lost")
        # archived again by a write: Odoo removes the activities of archived records, the chain ends
        lead.write({"active": False, "lost_reason_id": self.lost_reason.id})
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "activity_deleted"}])

    def test_done_records_the_outcome_for_its_run_and_step(self):
        lead = self._opportunity()
        run = self.chain._start(lead)
        self._done(run, self.not_interested, user=self.salesman)
        self.assertRecordValues(lead, [{"active": False, "lost_reason_id": self.lost_reason.id}])
        self.assertRecordValues(run, [{"state": "done", "stop_reason": False}])
        line = {"step_id": self.call_step.id, "outcome_id": self.not_interested.id, "user_id": self.salesman.id}
        self.assertRecordValues(run.line_ids, [line])

    def test_an_outcome_of_another_step_is_refused(self):
        other = self._chain("manual", [{"name": "Other call", "outcomes": [{"name": "Lost", "action": "lost"}]}])
        lead = self._opportunity()
        run = self.chain._start(lead)
        activity = run.activity_id
        wizard = self._done_wizard(run, other.step_ids.outcome_ids, user=self.salesman)
        with self._refused(UserError, "The outcome “Lost” belongs to the step “Other call”, not to the step “Call”"):
            wizard.action_done()
        self.assertTrue(lead.active)
        self.assertRecordValues(run, [{"state": "running", "step_id": self.call_step.id, "activity_id": activity.id}])
        self.assertFalse(run.line_ids)

    def test_a_window_behind_the_chain_is_refused(self):
        lead = self._opportunity()
        run = self.chain._start(lead)
        wizard = self._done_wizard(run, self.not_interested, user=self.salesman)
        # meanwhile the call is marked done from the chatter: the chain is at the meeting now
        run.activity_id.action_feedback()
        with self._refused(
            UserError,
            "The step “Call” was already marked done by OdooBot on 11/20/2026. The chain “Chain manual: Acme: "
            "10 consulting days” is now at the step “Meeting”, due on 11/23/2026, assigned to Anna Salesman.",
        ):
            wizard.action_done()
        self.assertTrue(lead.active, "the outcome chosen for the call is not applied to the meeting")
        self.assertEqual(len(run.line_ids), 1)
        self.assertRecordValues(run, [{"state": "running", "step_id": self.meeting_step.id}])
        wizard = self._done_wizard(run, user=self.salesman)
        run.action_pause()
        with self._refused(UserError, "is no longer open. The chain .* has no open step: its status is Paused."):
            wizard.action_done()


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainStartWizard(ChainCommon):
    """ "Start a chain" refuses what it cannot start, with a message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = cls._chain(cls, "manual", [{"name": "Call"}])
        cls.lead = cls._opportunity(cls)

    def _start_by_hand(self, chain, res_model, res_ids, user=None):
        wizard = self.env["followup.chain.start.wizard"].with_user(user or self.salesman)
        return wizard.create({"chain_id": chain.id, "res_model": res_model, "res_ids": res_ids}).action_start()

    def test_starts_on_the_salespersons_opportunity(self):
        self.assertEqual(
            self._start_by_hand(self.chain, "crm.lead", self.lead.ids), {"type": "ir.actions.act_window_close"}
        )
        self.assertRecordValues(self._runs(self.lead), [{"chain_id": self.chain.id, "state": "running"}])

    def test_refusals(self):
        archived = self._chain("manual", [{"name": "Old call"}], name="Old cadence")
        archived.action_archive()
        invoice_chain = self._chain("invoice_posted", [{"name": "Confirm receipt"}], name="Invoice cadence")
        empty = self.Chain.create({"name": "Empty cadence", "trigger": "manual"})
        theirs = self._opportunity(name="Colin's deal", user_id=self.colleague.id)
        cases = [
            (archived, "crm.lead", self.lead.ids, UserError, "The chain “Old cadence” is archived"),
            (
                invoice_chain,
                "crm.lead",
                self.lead.ids,
                UserError,
                "The chain “Invoice cadence” runs on Customer invoice records, not on Opportunity records",
            ),
            (self.chain, "res.partner", self.acme.ids, UserError, "Chains do not run on “res.partner”"),
            (self.chain, "no.such.model", [1], UserError, "Chains do not run on “no.such.model”"),
            (self.chain, "crm.lead", [999999999], UserError, "The Opportunity records 999999999 do not exist"),
            (self.chain, "crm.lead", "abc", UserError, "“abc” is not a list of record ids"),
            (self.chain, "crm.lead", [0], UserError, "“\\[0\\]” is not a list of record ids"),
            (self.chain, "crm.lead", [], UserError, "“False” is not a list of record ids"),
            (self.chain, False, self.lead.ids, UserError, "Chains do not run on “False”"),
            (self.chain, "crm.lead", theirs.ids, AccessError, f"You may not edit the Opportunity records {theirs.id}"),
            (empty, "crm.lead", self.lead.ids, UserError, "The chain “Empty cadence” has no steps yet"),
        ]
        for chain, res_model, res_ids, exception, message in cases:
            with self._refused(exception, message):
                self._start_by_hand(chain, res_model, res_ids)
        self.assertFalse(self._runs(self.lead) | self._runs(theirs))
        self.assertFalse(self.lead.activity_ids | theirs.activity_ids)


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainOutcomeRights(ChainCommon):
    """What a step's outcome does to the opportunity, it does with the rights of who did the step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gated = cls.env["crm.stage"].create(
            {
                "name": "Contract",
                "sequence": 4,
                "required_criterion_ids": [
                    Command.link(cls.env.ref("odoo_sales_followup.criterion_contract_signed").id)
                ],
            }
        )

    def _stage_chain(self, stage, responsible="salesperson", user=None):
        return self._chain(
            "manual",
            [
                {
                    "name": "Call",
                    "responsible": responsible,
                    "user_id": user.id if user else False,
                    "outcomes": [{"name": "Go on", "action": "stage", "stage_id": stage.id}],
                },
                {"name": "Meeting", "delay": 3},
            ],
        )

    def test_a_gate_refuses_the_move_the_chain_goes_on(self):
        chain = self._stage_chain(self.gated)
        lead = self._opportunity()
        run = chain._start(lead)
        self._done(run, chain.step_ids[0].outcome_ids, user=self.salesman)
        self.assertEqual(lead.stage_id, self.stage_new, "the gate refused the stage")
        self.assertRecordValues(run, [{"state": "running", "step_id": chain.step_ids[1].id}])
        self.assertEqual(run.activity_id.summary, "Meeting")
        self.assertEqual(run.line_ids.name, "Call")
        message = "The step “Call” of the chain “Chain manual” is done, but “Acme: 10 consulting days” was not moved "
        # the note is on the deal: the refusal names it, once
        noted = "The step “Call” of the chain “Chain manual” is done, but the opportunity was not moved to the stage "
        note = lead.message_ids.filtered(lambda msg: noted in msg.body and "Contract signed" in msg.body)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.body.count("Acme: 10 consulting days"), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        notifications = self._notifications(self.salesman)
        self.assertEqual(len(notifications), 1)
        self.assertEqual(notifications[0]["type"], "warning")
        self.assertIn(message + "to the stage “Contract”", notifications[0]["message"])

    def test_the_assignee_moves_only_what_they_may_move(self):
        # Colin is given the call on Anna's deal; he may mark his activity done, not move her deal
        chain = self._stage_chain(self.stage_proposal, responsible="user", user=self.colleague)
        lead = self._opportunity()
        run = chain._start(lead)
        self.assertEqual(run.activity_id.user_id, self.colleague)
        run.activity_id.with_user(self.colleague).action_feedback(feedback="Reached")
        self.assertEqual(lead.stage_id, self.stage_new)
        self.assertRecordValues(run, [{"state": "running", "step_id": chain.step_ids[1].id}])
        self.assertRecordValues(
            run.line_ids, [{"user_id": self.colleague.id, "outcome_id": chain.step_ids[0].outcome_ids.id}]
        )
        notifications = self._notifications(self.colleague)
        self.assertEqual(len(notifications), 1)
        self.assertIn("was not moved to the stage “Proposal”", notifications[0]["message"])
        self.assertFalse(self._notifications(self.salesman))
        self.assertEqual(len(lead.message_ids.filtered(lambda msg: "was not moved" in msg.body)), 1)

    def test_the_salesperson_moves_their_own_deal(self):
        chain = self._stage_chain(self.stage_proposal)
        lead = self._opportunity()
        run = chain._start(lead)
        self._done(run, chain.step_ids[0].outcome_ids, user=self.salesman)
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertFalse(self._notifications(self.salesman))

    def test_lost_refused_to_the_assignee(self):
        chain = self._chain(
            "manual",
            [
                {
                    "name": "Call",
                    "responsible": "user",
                    "user_id": self.colleague.id,
                    "outcomes": [{"name": "Not interested", "action": "lost"}],
                }
            ],
        )
        lead = self._opportunity()
        run = chain._start(lead)
        run.activity_id.with_user(self.colleague).action_feedback()
        self.assertTrue(lead.active)
        self.assertRecordValues(run, [{"state": "done"}])
        self.assertIn("was not marked lost", self._notifications(self.colleague)[0]["message"])

    def test_no_superuser_records_are_returned(self):
        sent = self._chain("quotation_sent", [{"name": "Call about the proposal"}], name="Proposal")
        manual = self._chain("manual", [{"name": "Call"}], name="By hand")
        Chain = self.Chain.with_user(self.salesman)
        runs = Chain._start_chains("quotation_sent", self._quotation(self._opportunity(name="First")))
        started = Chain.browse(manual.id)._start(self._opportunity(name="Second").with_user(self.salesman))
        created = self.Run.with_user(self.salesman)._create_runs([(manual, self._opportunity(name="Third"))])
        for records, chain in ((runs, sent), (started, manual), (created, manual)):
            self.assertRecordValues(records, [{"chain_id": chain.id, "state": "running"}])
            self.assertFalse(records.env.su)
            self.assertEqual(records.env.uid, self.salesman.id)
        # as Resume does: the paused run plans its activity again
        created.action_pause()
        created.sudo().write({"state": "running"})
        activities = created._schedule(FRIDAY)
        self.assertRecordValues(activities, [{"summary": "Call", "user_id": self.salesman.id}])
        self.assertFalse(activities.env.su)
