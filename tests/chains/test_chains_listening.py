from datetime import timedelta
from uuid import uuid4

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_date

from ..common_chains import FRIDAY, ListeningCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
class TestChainListening(ListeningCommon):
    def test_reply_by_the_gateway_ends_the_waiting_step(self):
        chain = self._waiting_chain()
        lead = self._opportunity()
        run = chain._start(lead)
        waiting = run.activity_id
        sent = self._send_to_customer(lead)
        self._process_reply(sent, "Anna Acme <anna@acme.example.com>")
        self.assertRecordValues(run, [{"state": "running", "step_id": chain.step_ids[1].id}])
        self.assertFalse(waiting.exists(), "the waiting activity is done")
        self.assertRecordValues(run.activity_id, [{"summary": "Call about the answer", "user_id": self.salesman.id}])
        reply = lead.message_ids.filtered(lambda message: message.subject == "Re: Our proposal")
        self.assertEqual(len(reply), 1)
        line = self._line(run)
        self.assertRecordValues(
            line,
            [
                {
                    "name": "Wait for the answer",
                    "outcome_id": chain.step_ids[0].outcome_ids[0].id,
                    "user_id": False,
                    "event_model": "mail.message",
                    "event_res_id": reply.id,
                    "event_name": "Email from Anna Acme: “Re: Our proposal”",
                }
            ],
        )
        # the deal's chatter says the step was done, and why
        done = lead.message_ids.filtered(lambda message: message.subtype_id == self.env.ref("mail.mt_activities"))
        self.assertIn("Customer replied: Email from Anna Acme", done[:1].body)
        # the history's link opens the deal the reply is on, for the salesperson
        action = line.with_user(self.salesman).action_open_event()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", lead.id))

    def test_a_colleague_of_the_customer_replies_on_the_quotation(self):
        chain = self._waiting_chain()
        lead = self._opportunity()
        order = self._quotation(lead)
        run = chain._start(lead)
        sent = self._send_to_customer(order)
        self._process_reply(sent, "Boris Acme <boris@acme.example.com>", subject="Re: Quotation")
        self.assertEqual(run.step_id, chain.step_ids[1])
        self.assertEqual(self._line(run).event_name, "Email from Boris Acme: “Re: Quotation”")

    def test_strangers_notes_and_outgoing_messages_end_nothing(self):
        chain = self._waiting_chain(stop_on_reply=False)
        lead = self._opportunity()
        other_deal = self._opportunity(name="Acme: another deal")
        run = chain._start(lead)
        waiting = run.activity_id
        sent = self._send_to_customer(lead)
        # an address nobody knows, and a contact of another customer
        self._process_reply(sent, "Eve <eve@unknown.example.com>")
        self._process_reply(sent, "Gina Globex <gina@globex.example.com>")
        # the customer's reply on another deal is not this deal's answer
        other_sent = self._send_to_customer(other_deal)
        self._process_reply(other_sent, "Anna Acme <anna@acme.example.com>", subject="Re: the other deal")
        # the salesperson's own email, a note, and a note written in the customer's name
        self._send_to_customer(lead)
        note, forwarded = "Called them", "Forwarded internally"
        lead.with_user(self.salesman).message_post(body=note, subtype_xmlid="mail.mt_note")
        lead.message_post(body=forwarded, author_id=self.anna.id, message_type="email", subtype_xmlid="mail.mt_note")
        self._end_transaction()
        self.assertRecordValues(run, [{"state": "running", "step_id": chain.step_ids[0].id, "activity_id": waiting.id}])
        self.assertFalse(run.line_ids)
        # a customer's message ends only the steps that wait for a reply
        payment_chain = self._waiting_chain(events=("payment",), name="Payment only")
        payment_run = payment_chain._start(lead)
        self._process_reply(sent, "Anna Acme <anna@acme.example.com>", subject="Re: again")
        self.assertEqual(run.step_id, chain.step_ids[1])
        self.assertEqual(payment_run.step_id, payment_chain.step_ids[0])

    def test_the_reply_moves_the_deal_with_the_salesperson_rights(self):
        chain = self._waiting_chain(first={"action": "stage", "stage_id": self.stage_proposal.id})
        lead = self._opportunity()
        run = chain._start(lead)
        sent = self._send_to_customer(lead)
        self._process_reply(sent, "Anna Acme <anna@acme.example.com>")
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertEqual(lead.write_uid, self.salesman, "moved as the step's assignee, not as the mail gateway")
        self.assertEqual(run.step_id, chain.step_ids[1])

    def test_stop_when_the_customer_replies(self):
        chain = self._chain(
            "manual",
            [{"name": "Call about the proposal", "delay": 2}, {"name": "Last call", "delay": 5}],
            stop_on_reply=True,
        )
        lead = self._opportunity()
        run = chain._start(lead)
        activity = run.activity_id
        sent = self._send_to_customer(lead)
        self._process_reply(sent, "Anna Acme <anna@acme.example.com>", subject="Re: Call me")
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "replied", "activity_id": False}])
        self.assertFalse(activity.exists())
        self.assertRecordValues(
            run.line_ids,
            [
                {
                    "name": "Call about the proposal",
                    "outcome_id": False,
                    "event_name": "Email from Anna Acme: “Re: Call me”",
                }
            ],
        )

    def test_the_email_that_creates_the_deal_is_no_reply(self):
        self._chain("opportunity_created", [{"name": "Call the new customer", "delay": 1}], stop_on_reply=True)
        raw = "\r\n".join(
            [
                "From: Anna Acme <anna@acme.example.com>",
                "To: sales@company.example.com",
                "Subject: We need 10 consulting days",
                f"Message-ID: <{uuid4()}@mail.example.com>",
                'Content-Type: text/plain; charset="utf-8"',
                "",
                "Could you send us a proposal?",
                "",
            ]
        )
        lead_id = (
            self.env["crm.lead"]
            .sudo()
            .message_process("crm.lead", raw.encode(), custom_values={"type": "opportunity", "team_id": self.team.id})
        )
        self._end_transaction()
        lead = self.env["crm.lead"].browse(lead_id)
        self.assertRecordValues(self._runs(lead), [{"state": "running"}])

    def test_payment_ends_the_step_that_waits_for_it(self):
        chain = self._waiting_chain(events=("payment", "no_answer"))
        lead = self._opportunity()
        order = self._quotation(lead)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._end_transaction()
        run = chain._start(lead)
        self._pay(invoice, 400.0)
        self.assertEqual(run.step_id, chain.step_ids[0], "a partial payment is no payment")
        payment = self._pay(invoice, invoice.amount_residual)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(run.step_id, chain.step_ids[1])
        self.assertRecordValues(
            self._line(run),
            [
                {
                    "outcome_id": chain.step_ids[0].outcome_ids[0].id,
                    "event_model": "account.payment",
                    "event_res_id": payment.id,
                    "event_name": f"Payment {payment.name} of invoice {invoice.name}",
                }
            ],
        )

    def test_the_invoice_chain_records_the_payment_then_stops(self):
        chain = self._chain(
            "manual",
            [
                {
                    "name": "Wait for the payment",
                    "delay": 10,
                    "outcomes": [{"name": "Paid", "action": "next", "customer_event": "payment"}],
                },
                {"name": "Thank the customer", "delay": 1},
            ],
            res_model="account.move",
        )
        invoice = self._invoice(self.acme, FRIDAY)
        run = chain._start(invoice)
        self._pay(invoice, invoice.amount_residual)
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "paid"}])
        self.assertEqual(run.line_ids.outcome_id.name, "Paid")

    def test_signature_ends_the_step_that_waits_for_it(self):
        chain = self._waiting_chain(events=("signature", "no_answer"))
        lead = self._opportunity()
        run = chain._start(lead)
        contract = (
            self.env["followup.contract"]
            .sudo()
            .create(
                {
                    "name": "C-0042",
                    "lead_id": lead.id,
                    "company_id": self.company.id,
                    "partner_id": self.acme.id,
                    "state": "sent",
                }
            )
        )
        contract.with_user(self.salesman)._mark_signed(b"%PDF-1.4 signed scan", "signed.pdf")
        self.assertEqual(run.step_id, chain.step_ids[1])
        self.assertRecordValues(
            self._line(run),
            [{"event_model": "followup.contract", "event_res_id": contract.id, "event_name": "C-0042 signed"}],
        )

    def test_no_answer_by_the_due_date(self):
        chain = self._waiting_chain()
        no_answer = chain.step_ids[0].outcome_ids.filtered(lambda outcome: outcome.customer_event == "no_answer")
        without = self._waiting_chain(events=("reply",), name="Without a no-answer outcome")
        lead = self._opportunity()
        run, run_without = chain._start(lead), without._start(lead)
        today = self.company._get_followup_today()
        yesterday = today - timedelta(days=1)
        (run.activity_id | run_without.activity_id).sudo().date_deadline = today
        self.Run._cron_end_unanswered_steps()
        self.assertEqual(run.step_id, chain.step_ids[0], "the customer may answer until the end of the due date")
        (run.activity_id | run_without.activity_id).sudo().date_deadline = yesterday
        self.Run._cron_end_unanswered_steps()
        self.assertEqual(run.step_id, chain.step_ids[1])
        self.assertRecordValues(
            self._line(run),
            [
                {
                    "outcome_id": no_answer.id,
                    "user_id": False,
                    "event_model": False,
                    "event_name": f"No reply by {format_date(self.env, yesterday)}",
                }
            ],
        )
        self.assertEqual(run_without.step_id, without.step_ids[0], "the salesperson decides without that outcome")
        # the next run finds nothing more to do
        self.Run._cron_end_unanswered_steps()
        self.assertEqual(len(run.line_ids), 1)

    def test_the_shipped_chain_waits_for_the_answer_to_the_offer(self):
        chain = self.env.ref("odoo_sales_followup.chain_offer_answer")
        chain.action_unarchive()
        lead, silent = self._opportunity(), self._opportunity(name="Acme: silent")
        run, silent_run = chain._start(lead | silent).sorted(lambda run: run.res_id != lead.id)
        self.assertEqual(run.activity_id.summary, "Wait for the answer to the offer")
        self._process_reply(self._send_to_customer(lead), "Anna Acme <anna@acme.example.com>")
        self.assertEqual(run.activity_id.summary, "Agree on the next step")
        silent_run.activity_id.sudo().date_deadline = self.company._get_followup_today() - timedelta(days=1)
        self.Run._cron_end_unanswered_steps()
        self.assertEqual(silent_run.activity_id.summary, "Call: no answer to the offer")
        self.assertEqual(self._line(silent_run).outcome_id.name, "No reply")

    def test_one_outcome_per_customer_event(self):
        with self._refused(ValidationError, "several outcomes given when “Customer replied”"):
            self._waiting_chain(events=("reply", "reply"))
        chain = self._waiting_chain()
        self.assertTrue(chain.step_ids[0].is_waiting)
        self.assertFalse(chain.step_ids[1].is_waiting)
        chain.step_ids[0].outcome_ids.write({"customer_event": False})
        self.assertFalse(chain.step_ids[0].is_waiting)
        chain.step_ids[0].write({"outcome_ids": [Command.create({"name": "Signed", "customer_event": "signature"})]})
        self.assertTrue(chain.step_ids[0].is_waiting)
