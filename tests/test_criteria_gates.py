from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaGates(SuccessCriteriaCommon):
    def _confirm_and_prepay(self, deal, amount=300.0):
        order = self._quotation(deal)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, amount)
        return invoice

    def test_gated_stage_refused_by_write_then_allowed(self):
        deal = self._deal()
        with self._refused(
            UserError,
            r'"Acme ERP rollout" cannot move to stage "Payment receipt": '
            r"missing Proposal accepted, Prepayment received",
        ):
            deal.with_user(self.salesman).stage_id = self.stage_payment
        self.assertEqual(deal.stage_id, self.stage_new)

        deal.with_user(self.salesman).stage_id = self.stage_proposal  # no gate there
        self._confirm_and_prepay(deal)
        deal.with_user(self.salesman).stage_id = self.stage_payment
        self.assertEqual(deal.stage_id, self.stage_payment)

    def test_facts_of_the_same_transaction_open_the_gate(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 100.0, "journal_id": self.bank_journal.id}
        )._create_payments()
        # no commit in between: the confirmation and the payment still count
        deal.stage_id = self.stage_payment
        self.assertEqual(deal.stage_id, self.stage_payment)

    def test_gated_stage_refused_by_drag_and_drop(self):
        deal = self._deal()
        # what the kanban view sends when a card is dropped in another column
        with self._refused(UserError, "missing Proposal accepted"):
            deal.with_user(self.salesman).web_save({"stage_id": self.stage_payment.id}, specification={})
        self.assertEqual(deal.stage_id, self.stage_new)

    def test_gated_stage_refused_on_import(self):
        result = (
            self.env["crm.lead"]
            .with_user(self.manager)
            .load(
                ["name", "type", "team_id/id", "stage_id/id"],
                [["Imported deal", "opportunity", self._xmlid(self.team), self._xmlid(self.stage_payment)]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn("missing Proposal accepted, Prepayment received", result["messages"][0]["message"])

    def test_won_refused_per_team(self):
        deal = self._deal()
        self._confirm_and_prepay(deal, amount=1000.0)
        with self._refused(UserError, r'"Acme ERP rollout" cannot be marked won: missing Acceptance act'):
            deal.with_user(self.salesman).action_set_won()
        self.assertFalse(deal.stage_id.is_won)

        other_team = self.env["crm.team"].create({"name": "Retail", "member_ids": [Command.link(self.salesman.id)]})
        quick = self._deal(name="Quick sale", team_id=other_team.id, stage_id=False)
        quick.with_user(self.salesman).action_set_won()
        self.assertEqual(quick.probability, 100, "a team without won criteria wins as before")

    def test_manager_override_with_a_logged_reason(self):
        deal = self._deal()
        wizard = (
            self.env["crm.lead.criteria.override"]
            .with_user(self.manager)
            .create({"lead_id": deal.id, "stage_id": self.stage_won.id, "reason": "Director confirmed payment"})
        )
        self.assertEqual(wizard.missing_criterion_ids, self.full_payment | self.act_signed)
        wizard.action_confirm()
        self.assertEqual(deal.stage_id, self.stage_won)
        self.assertEqual(deal.probability, 100)
        note = deal.message_ids.filtered(lambda message: "Reason" in (message.body or ""))[:1]
        self.assertIn("Director confirmed payment", note.body)
        self.assertIn("Mark Manager", note.body)

    def test_salesman_cannot_bypass_the_gate(self):
        deal = self._deal()
        sneaky = deal.with_user(self.salesman).with_context(followup_criteria_override="I say so")
        with self._refused(UserError, "missing"):
            sneaky.stage_id = self.stage_payment
        with self.assertRaises(AccessError):
            self.env["crm.lead.criteria.override"].with_user(self.salesman).create(
                {"lead_id": deal.id, "stage_id": self.stage_payment.id, "reason": "I say so"}
            )
        with self.assertRaises(AccessError):
            self.stage_payment.with_user(self.salesman).required_criterion_ids = False

    def test_team_can_forbid_overrides(self):
        self.team.criteria_override = False
        deal = self._deal()
        with self._refused(UserError, "missing") as error:
            deal.with_user(self.manager).with_context(followup_criteria_override="urgent").action_set_won()
        self.assertNotIn("Override criteria", str(error.exception))

    def test_criterion_in_use_is_archived_not_deleted(self):
        self._deal()
        with self._refused(UserError, "archive them instead: Acceptance act signed, Full payment"):
            (self.act_signed | self.full_payment).unlink()
        unused = self.env["crm.success.criterion"].create({"name": "Warranty registered"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_gate_with_a_criterion_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Sister company"})
        foreign = self.env["crm.success.criterion"].create({"name": "Sister audit", "company_id": other_company.id})
        self.team.company_id = self.company
        with self._refused(ValidationError, "cannot require the criteria of another company: Sister audit"):
            self.stage_payment.required_criterion_ids = [Command.link(foreign.id)]
        with self._refused(ValidationError, "cannot use the criteria of another company: Sister audit"):
            self.team.won_criterion_ids = [Command.link(foreign.id)]

    def _xmlid(self, record):
        return record.get_external_id()[record.id] or record.export_data(["id"])["datas"][0][0]


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestAfterSaleCare(SuccessCriteriaCommon):
    def _win(self, deal):
        deal.with_user(self.manager).with_context(followup_criteria_override="test").action_set_won()

    def test_after_sale_call_planned_when_won(self):
        deal = self._deal()
        self._win(deal)
        call = deal.activity_ids
        self.assertEqual(call.activity_type_id, self.after_sale_type)
        self.assertEqual(call.user_id, self.salesman, "the deal's salesperson calls")
        self.assertEqual(call.date_deadline, fields.Date.add(fields.Date.context_today(deal), days=14))
        self.assertIn("Does the customer use what we delivered?", call.note)
        self.assertEqual(deal.after_sale_call_date, fields.Date.context_today(deal))

        call.action_feedback(feedback="All fine")
        deal.action_set_lost()
        deal.toggle_active()
        self._win(deal)
        self.assertFalse(deal.activity_ids, "planned once per deal, not each time it is won again")

    def test_no_call_when_the_company_plans_none(self):
        self.company.after_sale_trigger = "none"
        deal = self._deal()
        self._win(deal)
        self.assertFalse(deal.activity_ids)

    def test_after_sale_call_opens_a_repeat_sale(self):
        self.company.after_sale_delay_days = 7
        deal = self._deal()
        self._win(deal)
        self.assertEqual(deal.activity_ids.date_deadline, fields.Date.add(fields.Date.context_today(deal), days=7))
        action = deal.with_user(self.salesman).action_new_repeat_sale()
        repeat = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(repeat.origin_lead_id, deal)
        self.assertEqual((repeat.partner_id, repeat.user_id, repeat.team_id), (self.acme, self.salesman, self.team))
        self.assertEqual(repeat.name, "Repeat sale: Acme ERP rollout")
        self.assertFalse(deal.activity_ids, "the after-sale call is done")
        self.assertIn("Repeat sale opened", deal.message_ids.mapped("body")[0] + deal.message_ids.mapped("body")[1])
        self.assertEqual(deal.repeat_sale_count, 1)
        self.assertIn(repeat, self.env["crm.lead"].search([("origin_lead_id", "!=", False)]))

    def test_settings_refuse_a_negative_delay(self):
        with self._refused(ValidationError, "cannot be negative"):
            self.company.after_sale_delay_days = -1


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaAccess(SuccessCriteriaCommon):
    def test_only_sales_administrators_manage_the_catalogue(self):
        Criterion = self.env["crm.success.criterion"]
        self.assertTrue(Criterion.with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            Criterion.with_user(self.salesman).create({"name": "Paid twice"})
        Criterion.with_user(self.manager).create({"name": "Paid twice"})

    def test_salesman_sees_the_checklists_of_own_deals_only(self):
        mine = self._deal()
        theirs = self.env["crm.lead"].create(
            {"name": "Someone else's", "type": "opportunity", "team_id": self.team.id, "user_id": self.manager.id}
        )
        Line = self.env["crm.lead.criterion"]
        both = [("lead_id", "in", (mine | theirs).ids)]
        self.assertEqual(Line.with_user(self.salesman).search(both).lead_id, mine)
        self.assertEqual(Line.with_user(self.manager).search(both).lead_id, mine | theirs)
