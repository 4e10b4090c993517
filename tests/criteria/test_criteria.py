from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ...odoo_sales_followup.models.criteria import crm_lead
from ..common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestSuccessCriteria(SuccessCriteriaCommon):
    def _shipped(self):
        return (
            self.proposal_accepted
            | self.contract_signed
            | self.prepayment
            | self.act_signed
            | self.full_payment
            | self.trial_finished
            | self.positive_review
            | self.recommendation
        )

    def test_checklist_of_a_new_opportunity(self):
        deal = self._deal()
        self.assertEqual(
            deal.criterion_line_ids.criterion_id, self._shipped(), "a team without its own list lists them all"
        )
        self.assertEqual((deal.criteria_count, deal.criteria_met_count, deal.criteria_progress), (8, 0, 0))

        self.team.success_criterion_ids = self.contract_signed
        deal = self._deal(name="Short deal")
        self.assertEqual(
            deal.criterion_line_ids.criterion_id,
            self.contract_signed | self.proposal_accepted | self.prepayment | self.full_payment | self.act_signed,
            "the team's checklist, plus what its stages and winning require",
        )

    def test_team_without_a_checklist_lists_only_what_it_requires(self):
        self.team.use_success_criteria = False
        deal = self._deal()
        self.assertEqual(
            deal.criterion_line_ids.criterion_id,
            self.proposal_accepted | self.prepayment | self.full_payment | self.act_signed,
            "what its stages and winning require, nothing more",
        )
        self.team.won_criterion_ids = False
        self.stage_payment.required_criterion_ids = False
        self.assertFalse(self._deal(name="Plain deal").criterion_line_ids)

    def test_lead_gets_its_checklist_when_converted(self):
        lead = self.env["crm.lead"].create({"name": "Inbound request", "type": "lead", "team_id": self.team.id})
        self.assertFalse(lead.criterion_line_ids, "leads are not deals yet")
        lead.convert_opportunity(self.acme)
        self._end_transaction()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.criterion_line_ids.criterion_id, self._shipped())

    def test_proposal_accepted_when_quotation_confirmed_and_not_when_cancelled(self):
        deal = self._deal()
        order = self._quotation(deal)
        self._end_transaction()
        self.assertFalse(self._met(deal), "a quotation sent is not an accepted proposal")

        order.action_confirm()
        self._end_transaction()
        line = self._line(deal, self.proposal_accepted)
        self.assertTrue(line.is_met)
        self.assertEqual(line.met_origin, order)
        self.assertEqual(line.met_user_id, self.env.user)
        self.assertEqual(self._criteria_note(deal), f"<ul><li>Proposal accepted: met by {order.name}</li></ul>")
        self.assertEqual(deal.criteria_met_count, 1)

        order._action_cancel()
        self._end_transaction()
        self.assertFalse(line.is_met, "the cancelled order no longer shows the proposal accepted")
        self.assertFalse(line.met_origin)
        self.assertEqual(
            self._criteria_note(deal),
            "<ul><li>Proposal accepted: no longer met, the documents no longer show it</li></ul>",
        )

    def test_proposal_accepted_when_quotation_signed_online(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.write({"signed_by": "Anna Acme", "signed_on": "2026-11-20 10:00:00"})
        self._end_transaction()
        self.assertEqual(self._met(deal), self.proposal_accepted)

    def test_prepayment_then_full_payment_then_payment_reversed(self):
        self.company.after_sale_trigger = "full_payment"
        deal = self._deal()
        order = self._quotation(deal, price=1000.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._end_transaction()
        self.assertEqual(self._met(deal), self.proposal_accepted, "an unpaid invoice is no payment")

        first = self._pay(invoice, 300.0)
        self.assertEqual(self._met(deal), self.proposal_accepted | self.prepayment)
        self.assertEqual(self._line(deal, self.prepayment).met_origin, invoice)
        self.assertFalse(deal.activity_ids, "not paid in full yet")

        self._pay(invoice, invoice.amount_residual)
        self.assertEqual(self._met(deal), self.proposal_accepted | self.prepayment | self.full_payment)
        self.assertEqual(deal.activity_ids.activity_type_id, self.after_sale_type, "after-sale call once paid")

        first.action_draft()
        self._end_transaction()
        self.assertEqual(
            self._met(deal), self.proposal_accepted | self.prepayment, "a reversed payment leaves the deal unpaid"
        )

    def test_credit_note_cancels_the_payment(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, invoice.amount_total)
        self.assertIn(self.full_payment, self._met(deal))

        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "returned"})
        )
        reversal.refund_moves()
        refund = order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        refund.action_post()
        self._pay(refund, refund.amount_total)
        self.assertEqual(self._met(deal), self.proposal_accepted, "money paid back is not received")

    def test_paid_down_payment_is_a_prepayment(self):
        deal = self._deal()
        order = self._quotation(deal, price=2000.0)
        order.action_confirm()
        self.env["sale.advance.payment.inv"].with_context(active_model="sale.order", active_ids=order.ids).create(
            {"advance_payment_method": "percentage", "amount": 30}
        ).create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self._pay(down_payment, down_payment.amount_total)
        self.assertEqual(
            self._met(deal), self.proposal_accepted | self.prepayment, "600 of 2,000 is not the full amount"
        )
        self.assertEqual(self._line(deal, self.prepayment).met_origin, down_payment)

    def test_ticking_by_hand_records_who_and_requires_evidence(self):
        deal = self._deal()
        with self._refused(ValidationError, '^"Contract signed" on "Acme ERP rollout" can only be met with a document'):
            self._tick(deal, self.contract_signed)
        attachment = self._attachment("contract.pdf")
        line = self._tick(deal, self.contract_signed, attachment_ids=[Command.set(attachment.ids)])
        self.assertEqual((line.is_met, line.met_user_id, line.met_origin or False), (True, self.salesman, False))
        self.assertTrue(line.met_date)
        self.assertEqual(self._criteria_note(deal), "<ul><li>Contract signed: met</li></ul>")

        with self._refused(ValidationError, 'can only be met with its date: fill in "Date"'):
            self._tick(deal, self.act_signed, attachment_ids=[Command.set(attachment.ids)])
        self._tick(deal, self.act_signed, attachment_ids=[Command.set(attachment.ids)], fact_date="2026-11-20")
        self.assertEqual(self._met(deal), self.contract_signed | self.act_signed)

        line.with_user(self.salesman).is_met = False
        self.assertEqual((line.met_user_id, line.met_date), (self.env["res.users"], False))
        self.assertEqual(self._criteria_note(deal), "<ul><li>Contract signed: no longer met</li></ul>")

    def test_filters_won_without_full_payment_and_missing_act(self):
        deal = self._deal()
        other = self._deal(name="Globex deal", partner_id=self.globex.id)
        Lead = self.env["crm.lead"]
        deals = [("id", "in", (deal | other).ids)]
        self.assertEqual(Lead.search([("criteria_missing_ids", "=", self.act_signed.id), *deals]), deal | other)
        attachment = self._attachment("act.pdf")
        self._tick(other, self.act_signed, attachment_ids=[Command.set(attachment.ids)], fact_date="2026-11-20")
        self.assertEqual(Lead.search([("criteria_missing_ids", "ilike", "acceptance act"), *deals]), deal)

    def test_a_failing_rule_never_fails_the_users_action(self):
        deal = self._deal()
        order = self._quotation(deal)
        broken = patch.object(
            type(self.env["crm.lead"]), "_get_criteria_facts", side_effect=RuntimeError("unexpected fact")
        )
        with broken, self.assertLogs(crm_lead._logger.name, "ERROR") as logs:
            order.action_confirm()
            self._end_transaction()
        self.assertEqual(len(logs.output), 1)
        self.assertIn(f"Success criteria of opportunities [{deal.id}] could not be updated", logs.output[0])
        self.assertEqual(order.state, "sale", "the order stays confirmed")
        self.assertFalse(self._met(deal), "the checklist keeps its consistent state")
        self.assertEqual((len(deal.criterion_line_ids), deal.criteria_count, deal.criteria_met_count), (8, 8, 0))
