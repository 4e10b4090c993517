from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged

from ..common_chains import FRIDAY, ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainDoneOnItsLine(ChainCommon):
    """*Done* acts on the step its line showed, as the salesperson who clicks it."""

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
                        {"name": "No answer", "action": "repeat", "delay": 1, "max_repeat": 2},
                        {"name": "Proposal requested", "action": "stage", "stage_id": cls.stage_proposal.id},
                        {"name": "Not interested", "action": "lost"},
                    ],
                },
                {"name": "Meeting", "delay": 3},
            ],
        )
        cls.call_step, cls.meeting_step = cls.chain.step_ids.sorted()
        cls.reached, cls.no_answer, cls.proposal, cls.not_interested = cls.call_step.outcome_ids.sorted()

    def test_done_opens_the_window_of_the_lines_step(self):
        run = self.chain._start(self._opportunity())
        call = run.activity_id
        action = self._click_done(run, self.call_step, call, user=self.salesman)
        self.assertEqual(
            action["context"],
            {"default_run_id": run.id, "default_step_id": self.call_step.id, "default_activity_ref": call.id},
        )
        wizard = self._done_wizard(run, self.reached, user=self.salesman)
        self.assertRecordValues(wizard, [{"step_id": self.call_step.id, "activity_ref": call.id}])
        wizard.action_done()
        self.assertRecordValues(run, [{"step_id": self.meeting_step.id, "state": "running"}])
        self.assertRecordValues(
            run.line_ids, [{"step_id": self.call_step.id, "activity_ref": call.id, "user_id": self.salesman.id}]
        )

    def test_done_on_a_line_behind_the_chain_says_who_did_the_step(self):
        lead = self._opportunity()
        run = self.chain._start(lead)
        call = run.activity_id
        # the call is marked done in the chatter by Anna; the tab still shows it
        call.with_user(self.salesman).action_feedback(feedback="Reached the buyer")
        meeting = run.activity_id
        self.assertEqual(meeting.summary, "Meeting")
        action = self._click_done(run, self.call_step, call, user=self.salesman)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            "The step “Call” was already marked done by Anna Salesman on 11/20/2026. The chain “Chain manual: "
            "Acme: 10 consulting days” is now at the step “Meeting”, due on 11/23/2026, assigned to Anna Salesman.",
        )
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertFalse(self.env["followup.chain.done.wizard"].search([]), "no window for the meeting")
        self.assertRecordValues(run, [{"step_id": self.meeting_step.id, "activity_id": meeting.id}])
        self.assertEqual(len(run.line_ids), 1)

    def test_done_on_a_line_of_a_finished_chain(self):
        run = self.chain._start(self._opportunity())
        call = run.activity_id
        run.with_user(self.salesman).action_stop()
        action = self._click_done(run, self.call_step, call, user=self.salesman)
        self.assertEqual(
            action["params"]["message"],
            "The step “Call” is no longer open. The chain “Chain manual: Acme: 10 consulting days” has no open "
            "step: its status is Stopped.",
        )

    def test_done_without_the_lines_step_is_refused(self):
        run = self.chain._start(self._opportunity())
        for context in ({}, {"followup_done_step_id": "1", "followup_done_activity_id": [run.activity_id.id]}):
            with self._refused(UserError, "Mark the step done from the chain's line"):
                run.with_user(self.salesman).with_context(**context).action_open_done_wizard()
        self.assertRecordValues(run, [{"step_id": self.call_step.id, "state": "running"}])
        self.assertFalse(run.line_ids)

    def test_done_with_a_step_of_another_chain_names_nothing_of_it(self):
        run = self.chain._start(self._opportunity())
        secret = self._chain("manual", [{"name": "Secret step"}], name="Other chain")
        for step_id in (secret.step_ids.id, 999999999):
            action = (
                run.with_user(self.salesman)
                .with_context(followup_done_step_id=step_id, followup_done_activity_id=run.activity_id.id)
                .action_open_done_wizard()
            )
            self.assertEqual(
                action["params"]["message"],
                "This step is no longer open. The chain “Chain manual: Acme: 10 consulting days” is now at the step "
                "“Call”, due on 11/20/2026, assigned to Anna Salesman.",
            )
        self.assertRecordValues(run, [{"step_id": self.call_step.id, "state": "running"}])

    def test_a_forged_wizard_for_the_next_step_is_refused(self):
        run = self.chain._start(self._opportunity())
        call = run.activity_id
        Wizard = self.env["followup.chain.done.wizard"].with_user(self.salesman)
        wizard = Wizard.create({"run_id": run.id, "step_id": self.meeting_step.id, "activity_ref": call.id})
        with self._refused(UserError, "The step “Meeting” is no longer open"):
            wizard.action_done()
        self.assertRecordValues(run, [{"step_id": self.call_step.id, "activity_id": call.id}])

    def test_the_window_says_what_the_outcome_will_do(self):
        lead = self._opportunity()
        run = self.chain._start(lead)
        wizard = self._done_wizard(run, user=self.salesman)
        self.assertFalse(wizard.outcome_effect, "nothing to say before an outcome is chosen")
        expected = {
            self.reached: "The next step is “Meeting”.",
            self.no_answer: "This outcome will plan the step again. Delay (business days): 1. Repetition: 1 of 2.",
            self.proposal: "This outcome will move the opportunity to the stage “Proposal”. The next step is "
            "“Meeting”.",
            self.not_interested: "This outcome will mark the opportunity lost (reason: Not interested) and end "
            "the chain.",
        }
        for outcome, effect in expected.items():
            wizard.outcome_id = outcome
            self.assertEqual(wizard.outcome_effect, effect)
        wizard.action_done()
        self.assertRecordValues(lead, [{"active": False, "lost_reason_id": self.not_interested_reason.id}])
        self.assertEqual(run.state, "done")


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainLostReason(ChainCommon):
    def test_the_shipped_not_interested_carries_its_reason(self):
        outcome = self.env.ref("odoo_sales_followup.chain_proposal_followup_outcome_not_interested")
        self.assertRecordValues(outcome, [{"action": "lost", "lost_reason_id": self.not_interested_reason.id}])
        self.assertEqual(self.not_interested_reason.name, "Not interested")
        chain = outcome.chain_id
        chain.action_unarchive()
        lead = self._opportunity()
        order = self._quotation(lead)
        run = chain.with_user(self.manager)._start(order.with_user(self.manager))
        self._done(run, outcome, user=self.salesman)
        self.assertRecordValues(lead, [{"active": False, "lost_reason_id": self.not_interested_reason.id}])

    def test_an_outcome_that_loses_the_deal_needs_a_reason(self):
        chain = self._chain("manual", [{"name": "Call", "outcomes": [{"name": "Reached"}]}])
        step = chain.step_ids
        with self._refused(
            ValidationError,
            "The outcome “Gone” of the step “Call” \\(chain “Chain manual”\\) marks the opportunity lost: "
            "choose its lost reason.",
        ):
            self.env["followup.chain.outcome"].create({"step_id": step.id, "name": "Gone", "action": "lost"})
        with self._refused(ValidationError, "marks the opportunity lost: choose its lost reason"):
            step.outcome_ids.write({"action": "lost"})
        self.assertRecordValues(step.outcome_ids, [{"name": "Reached", "action": "next"}])


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainStartByHand(ChainCommon):
    """*Start a chain* offers only what can start by hand on this record, and says why not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._opportunity(cls)
        cls.by_hand = cls._chain(cls, "manual", [{"name": "Call"}], name="Long negotiation")
        cls.on_event = cls._chain(cls, "won", [{"name": "Thank the customer"}], name="Thanks")
        cls.on_invoices = cls._chain(cls, "manual", [{"name": "Remind"}], name="Invoice reminder")
        cls.on_invoices.res_model = "account.move"
        cls.running = cls._chain(cls, "manual", [{"name": "Check in"}], name="Check-in")
        cls.running._start(cls.lead)
        other_team = cls.env["crm.team"].create({"name": "Projects"})
        cls.other_team = cls._chain(cls, "manual", [{"name": "Call"}], name="Projects only", team_ids=other_team.ids)
        cls._chain(cls, "manual", [{"name": "Call"}], name="Old cadence").action_archive()

    def _wizard(self, chain=None):
        action = self.lead.with_user(self.salesman).action_start_followup_chain()
        Wizard = self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"])
        if chain is None:
            return Wizard.create({"chain_id": self.running.id})
        return Wizard.create({"chain_id": chain.id})

    def test_only_chains_that_can_start_here_are_offered(self):
        self.assertEqual(self._wizard().available_chain_ids, self.by_hand)
        self._wizard(self.by_hand).action_start()
        self.assertFalse(self._wizard().available_chain_ids, "it runs here now")
        self.assertRecordValues(self._runs(self.lead), [{"chain_id": self.running.id}, {"chain_id": self.by_hand.id}])

    def test_a_chain_not_offered_is_refused_with_its_reason(self):
        cases = [
            (self.on_event, "The chain “Thanks” starts by itself \\(trigger: Opportunity won\\): it cannot be "),
            (self.running, "The chain “Check-in” already runs on “Acme: 10 consulting days”: stop it there first"),
            (self.on_invoices, "runs on Customer invoice records, not on Opportunity records"),
            (self.other_team, "The chain “Projects only” did not start: the sales team, tags, stage, amount"),
        ]
        for chain, message in cases:
            with self._refused(UserError, message):
                self._wizard(chain).action_start()
        self.assertRecordValues(self._runs(self.lead), [{"chain_id": self.running.id, "state": "running"}])


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestShippedChains(TransactionCase):
    def test_one_shipped_chain_starts_by_hand(self):
        chain = self.env.ref("odoo_sales_followup.chain_long_negotiation")
        self.assertRecordValues(chain, [{"active": True, "trigger": "manual", "res_model": "crm.lead"}])
        self.assertEqual(len(chain.step_ids), 3)
