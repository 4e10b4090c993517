from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from ..common_chains import FRIDAY, ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainTemplateValidation(ChainCommon):
    """What a template may hold is checked on create, write and delete, with a message that
    names the chain, the step and the value."""

    def test_a_step_needs_an_activity_type(self):
        message = "The step “Call” of the chain “Calls” needs an activity type"
        with self._refused(ValidationError, message):
            self.Chain.create({"name": "Calls", "trigger": "manual", "step_ids": [Command.create({"name": "Call"})]})
        chain = self._chain("manual", [{"name": "Call"}], name="Calls")
        with self._refused(ValidationError, "The step “Email” of the chain “Calls” needs an activity type"):
            self.env["followup.chain.step"].create({"chain_id": chain.id, "name": "Email"})
        with self._refused(ValidationError, message):
            chain.step_ids.write({"activity_type_id": False})
        self.assertRecordValues(chain.step_ids, [{"name": "Call", "activity_type_id": self.call.id}])

    def test_delays_and_repetitions_have_bounds(self):
        chain = self._chain("manual", [{"name": "Call", "outcomes": [{"name": "No answer", "action": "repeat"}]}])
        step, outcome = chain.step_ids, chain.step_ids.outcome_ids
        step_delay = "“Delay” of Call is 10000000: it must be from 0 to 3650"
        outcome_delay = "“Repeat after” of No answer is 10000000: it must be from 0 to 3650"
        refusals = [
            (step, {"delay": 10_000_000}, step_delay),
            (step, {"delay": -1}, "is -1: it must be from 0 to 3650"),
            (outcome, {"delay": 10_000_000}, outcome_delay),
            (outcome, {"delay": -2}, "“Repeat after” of No answer is -2:"),
            (outcome, {"max_repeat": 0}, "“Repeat up to” is 0, it must be from 1 to 100"),
            (outcome, {"max_repeat": 101}, "“Repeat up to” of No answer is 101: it must be from 0 to 100"),
            (
                outcome,
                {"action": "next", "max_repeat": -1},
                "“Repeat up to” of No answer is -1: it must be from 0 to 100",
            ),
        ]
        for record, values, message in refusals:
            with self._refused(ValidationError, message):
                record.write(values)
        with self._refused(ValidationError, "is 10000000: it must be from 0 to 3650"):
            self._chain("manual", [{"name": "Call", "delay": 10_000_000}], name="Typo")
        self.assertRecordValues(step, [{"delay": 0}])
        self.assertRecordValues(outcome, [{"action": "repeat", "delay": 1, "max_repeat": 3}])
        # the longest delay still gives a due date
        step.delay = 3650
        run = chain._start(self._opportunity())
        self.assertEqual(run.activity_id.date_deadline, FRIDAY + timedelta(days=3650))

    def test_the_only_exit_of_a_loop_cannot_be_deleted(self):
        chain = self._chain(
            "manual", [{"name": "Call", "outcomes": [{"name": "No answer"}, {"name": "Reached", "action": "end"}]}]
        )
        step = chain.step_ids
        no_answer, reached = step.outcome_ids.sorted()
        no_answer.write({"action": "jump", "jump_step_id": step.id})
        message = (
            "The outcome “Reached” cannot be deleted: without it the chain “Chain manual” never ends from the "
            "step “Call”"
        )
        with self._refused(UserError, message):
            reached.unlink()
        with self._refused(UserError, message):
            step.write({"outcome_ids": [Command.delete(reached.id)]})
        self.assertEqual(step.outcome_ids, no_answer | reached)
        # the loop itself can go
        no_answer.unlink()
        self.assertEqual(step.outcome_ids, reached)

    def test_a_jump_target_stays_in_its_chain(self):
        other = self._chain("manual", [{"name": "Other call"}], name="Other")
        chain = self._chain(
            "manual",
            [{"name": "Call", "outcomes": [{"name": "Wants a meeting"}, {"name": "Reached"}]}, {"name": "Meeting"}],
        )
        call, meeting = chain.step_ids.sorted()
        call.outcome_ids[0].write({"action": "jump", "jump_step_id": meeting.id})
        with self._refused(
            UserError,
            "The step “Meeting” belongs to the chain “Chain manual”: it cannot move to the chain “Other”",
        ):
            meeting.write({"chain_id": other.id})
        with self._refused(
            UserError,
            "The outcome “Wants a meeting” of the step “Call” jumps to the step “Meeting” of the chain “Chain manual”",
        ):
            meeting.unlink()
        self.assertEqual(chain.step_ids, call | meeting)
        self.assertEqual(other.step_ids.name, "Other call")
        # a run at the call jumps to the meeting of its own chain
        run = chain._start(self._opportunity())
        self._done(run, call.outcome_ids[0])
        self.assertRecordValues(run, [{"chain_id": chain.id, "step_id": meeting.id}])
        # a copy jumps to its own meeting
        copy = chain.copy()
        copy_call, copy_meeting = copy.step_ids.sorted()
        self.assertRecordValues(
            copy_call.outcome_ids.sorted(),
            [
                {"name": "Wants a meeting", "action": "jump", "jump_step_id": copy_meeting.id},
                {"name": "Reached", "action": "next", "jump_step_id": False},
            ],
        )


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainMultiCompany(ChainCommon):
    """A chain, its steps and its outcomes belong to their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch, cls.branch_admin = cls._branch()
        cls.branch_team = cls.env["crm.team"].create({"name": "Branch sales", "company_id": cls.branch.id})
        cls.branch_stage = cls.env["crm.stage"].create({"name": "Branch proposal", "team_id": cls.branch_team.id})
        cls.chain = cls._chain(
            cls,
            "manual",
            [{"name": "Call", "outcomes": [{"name": "Reached"}]}],
            name="Main company calls",
            company_id=cls.company.id,
        )

    def test_another_company_does_not_see_the_chain(self):
        user = self.branch_admin
        self.assertFalse(self.Chain.with_user(user).search([("id", "=", self.chain.id)]))
        self.assertFalse(self.env["followup.chain.step"].with_user(user).search([("chain_id", "=", self.chain.id)]))
        Outcome = self.env["followup.chain.outcome"].with_user(user)
        self.assertFalse(Outcome.search([("id", "=", self.chain.step_ids.outcome_ids.id)]))
        for records in (self.chain, self.chain.step_ids, self.chain.step_ids.outcome_ids):
            with self._refused(AccessError, "doesn't have 'read' access"):
                records.with_user(user).read(["name"])
        self.assertRecordValues(self.chain.step_ids, [{"company_id": self.company.id}])
        self.assertRecordValues(self.chain.step_ids.outcome_ids, [{"company_id": self.company.id}])
        shared = self._chain("manual", [{"name": "Shared call"}], name="Everyone's calls")
        self.assertEqual(self.Chain.with_user(user).search([("id", "in", (self.chain | shared).ids)]), shared)

    def test_a_chain_uses_its_companys_teams_stages_and_users(self):
        step, outcome = self.chain.step_ids, self.chain.step_ids.outcome_ids
        refusals = [
            (self.chain, {"team_ids": [Command.link(self.branch_team.id)]}),
            (self.chain, {"stage_ids": [Command.link(self.branch_stage.id)]}),
            (self.chain, {"trigger": "stage", "trigger_stage_id": self.branch_stage.id}),
            (step, {"responsible": "user", "user_id": self.branch_admin.id}),
            (outcome, {"action": "stage", "stage_id": self.branch_stage.id}),
        ]
        for record, values in refusals:
            with self._refused(UserError, "belongs to another company"):
                record.write(values)
        self.assertRecordValues(self.chain, [{"trigger": "manual", "team_ids": [], "stage_ids": []}])
        # the branch's own chain may use them
        branch_chain = self._chain(
            "stage",
            [{"name": "Call", "responsible": "user", "user_id": self.branch_admin.id}],
            name="Branch calls",
            company_id=self.branch.id,
            trigger_stage_id=self.branch_stage.id,
            team_ids=[Command.link(self.branch_team.id)],
        )
        self.assertRecordValues(
            branch_chain.step_ids, [{"company_id": self.branch.id, "user_id": self.branch_admin.id}]
        )

    def test_moving_a_chain_to_another_company_moves_its_steps(self):
        self.chain.step_ids.write({"responsible": "user", "user_id": self.salesman.id})
        with self._refused(UserError, "belongs to another company"):
            self.chain.company_id = self.branch
        self.assertRecordValues(self.chain.step_ids, [{"company_id": self.company.id}])

    def test_a_chain_that_ran_in_another_company_is_not_deleted(self):
        shared = self._chain("manual", [{"name": "Call"}], name="Everyone's calls")
        lead = self._opportunity(name="Branch deal", company_id=self.branch.id, team_id=False, user_id=False)
        run = shared._start(lead)
        self.assertRecordValues(run, [{"company_id": self.branch.id, "state": "running"}])
        with self._refused(UserError, "The chain “Everyone's calls” has already run: archive it instead"):
            shared.with_user(self.admin).unlink()
        self.assertTrue(shared.exists())
