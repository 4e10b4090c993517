from odoo.tests import HttpCase, tagged

from ..common_chains import ChainCommon, ListeningCommon


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


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestQuotationChainTour(HttpCase, ChainCommon):
    def test_send_a_quotation_do_the_first_step_and_confirm_it(self):
        chain = self.env.ref("odoo_sales_followup.chain_proposal_followup")
        chain.action_unarchive()
        # the document layout is set: Send by email goes straight to the email
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        self.acme.email = "buyer@acme.example.com"
        lead = self._opportunity()
        order = self._quotation(lead)
        self.start_tour(f"/odoo/sales/{order.id}", "odoo_sales_followup_quotation_chain", login="osf_salesman")
        run = lead.followup_run_ids
        self.assertRecordValues(
            run, [{"chain_id": chain.id, "res_id": order.id, "state": "stopped", "stop_reason": "confirmed"}]
        )
        self.assertEqual(run.line_ids.mapped("name"), ["Call about the proposal"])
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestListeningChainTour(HttpCase, ListeningCommon):
    def test_a_processed_reply_shows_on_the_deal(self):
        chain = self._waiting_chain()
        lead = self._opportunity()
        run = chain._start(lead)
        sent = self._send_to_customer(lead)
        self._process_reply(sent, "Anna Acme <anna@acme.example.com>")
        self.start_tour(f"/odoo/crm/{lead.id}", "odoo_sales_followup_listening_chain", login="osf_salesman")
        self.assertEqual(run.activity_id.summary, "Call about the answer")
