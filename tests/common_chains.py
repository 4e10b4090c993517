from datetime import date, datetime

from odoo import Command

from .common import RelationshipLevelCommon

#: Friday 20 November 2026; Monday the 23rd is a holiday of the company's calendar.
FRIDAY = date(2026, 11, 20)
HOLIDAY = date(2026, 11, 23)


class ChainCommon(RelationshipLevelCommon):
    """The sales world of the levels, plus what chains need.

    calendar: Monday to Friday, Monday 23 November 2026 a public holiday
    team "Direct sales": leader Mark Manager, member Anna Salesman
    stages: New -> Proposal -> Won (is_won)
    the shipped chains are archived; each test builds or reactivates its own
    """

    opportunity_defaults = {"expected_revenue": 10000}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["followup.chain"].search([]).action_archive()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.attendance_ids.filtered(lambda att: int(att.dayofweek) > 4).unlink()
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime.combine(HOLIDAY, datetime.min.time()),
                "date_to": datetime.combine(HOLIDAY, datetime.max.time().replace(microsecond=0)),
            }
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Direct sales",
                "user_id": cls.manager.id,
                "member_ids": [Command.link(cls.salesman.id)],
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "New", "sequence": 1})
        cls.stage_proposal = Stage.create({"name": "Proposal", "sequence": 2})
        cls.stage_won = Stage.create({"name": "Won", "sequence": 3, "is_won": True})
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.Chain = cls.env["followup.chain"]
        cls.Run = cls.env["followup.chain.run"]

    def _chain(self, trigger="manual", steps=None, **values):
        """A chain with ``steps``: dicts of step values, each optionally with ``outcomes``."""
        step_commands = []
        for sequence, step in enumerate(steps or [{"name": "Call"}], start=1):
            step = dict(step)
            outcomes = step.pop("outcomes", [])
            step.setdefault("activity_type_id", self.call.id)
            step.setdefault("sequence", sequence * 10)
            step["outcome_ids"] = [
                Command.create(dict(outcome, sequence=index)) for index, outcome in enumerate(outcomes, start=1)
            ]
            step_commands.append(Command.create(step))
        return self.Chain.create(
            {"name": values.pop("name", f"Chain {trigger}"), "trigger": trigger, "step_ids": step_commands, **values}
        )

    def _runs(self, record):
        return self.Run.search([("res_model", "=", record._name), ("res_id", "=", record.id)], order="id")

    def _done(self, run, outcome=None, feedback=False):
        """Mark the run's current activity done, as the chain's Done button does."""
        activity = run.activity_id
        self.assertTrue(activity, "the run has an open activity")
        wizard = self.env["followup.chain.done.wizard"].create(
            {"run_id": run.id, "outcome_id": outcome.id if outcome else False, "feedback": feedback}
        )
        wizard.action_done()
        return activity
