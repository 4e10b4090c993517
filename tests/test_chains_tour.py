from odoo.tests import HttpCase, tagged

from .common_chains import ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestChainTour(HttpCase, ChainCommon):
    def test_call_done_with_an_outcome_plans_the_next_activity(self):
        chain = self._chain(
            "manual",
            [
                {
                    "name": "Call about the proposal",
                    "outcomes": [
                        {"name": "Reached", "action": "next"},
                        {"name": "No answer", "action": "repeat", "delay": 1, "max_repeat": 3},
                    ],
                },
                {"name": "Send the contract", "activity_type_id": self.todo.id, "delay": 1},
                {"name": "Meeting", "activity_type_id": self.todo.id, "delay": 2},
                {"name": "Follow-up call", "activity_type_id": self.todo.id, "delay": 3},
            ],
        )
        lead = self._opportunity()
        run = chain._start(lead)
        self.start_tour(f"/odoo/crm/{lead.id}", "odoo_sales_followup_chain_outcome", login="osf_salesman")
        # the call with its outcome, the contract in the chatter, the meeting in "another tab";
        # the Done clicked on the meeting's stale line did nothing
        self.assertEqual(run.step_id.name, "Follow-up call")
        self.assertEqual(run.line_ids.mapped("name"), ["Call about the proposal", "Send the contract", "Meeting"])
        self.assertEqual(run.line_ids[0].outcome_id.name, "Reached")
        self.assertEqual(run.line_ids.user_id, self.salesman)
        self.assertEqual(run.activity_id.summary, "Follow-up call")
