from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..common_criteria import SuccessCriteriaCommon

MISSING_GATE = r"Still missing: Proposal accepted; Prepayment received\."
MISSING_TO_WIN = (
    r'^"Acme ERP rollout" cannot be marked won yet\. Still missing: Acceptance act signed; Full payment received\.'
)
OVERRIDE_HINT = "A sales administrator can move it anyway with Override criteria, giving a reason."


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaGates(SuccessCriteriaCommon):
    def _confirm_and_prepay(self, deal, amount=300.0):
        """Confirm a quotation of ``deal`` and pay ``amount`` of its invoice (all of it when None)."""
        order = self._quotation(deal)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, invoice.amount_total if amount is None else amount)
        return invoice

    def test_gated_stage_refused_by_write_then_allowed(self):
        deal = self._deal()
        with self._refused(
            UserError,
            rf'^"Acme ERP rollout" cannot move to stage "Payment receipt" yet. {MISSING_GATE}\n{OVERRIDE_HINT}$',
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
        self.assertEqual(self._met(deal), self.proposal_accepted | self.prepayment)

    def test_gated_stage_refused_by_drag_and_drop(self):
        deal = self._deal()
        # what the kanban view sends when a card is dropped in another column
        refused = rf'^"Acme ERP rollout" cannot move to stage "Payment receipt" yet\. {MISSING_GATE}'
        with self._refused(UserError, refused):
            deal.with_user(self.salesman).web_save({"stage_id": self.stage_payment.id}, specification={})
        self.assertEqual(deal.stage_id, self.stage_new)

    def test_won_refused_per_team(self):
        deal = self._deal()
        self._confirm_and_prepay(deal, amount=None)
        self.assertEqual(self._met(deal), self.proposal_accepted | self.prepayment | self.full_payment)
        refused = r'^"Acme ERP rollout" cannot be marked won yet\. Still missing: Acceptance act signed\.\n'
        with self._refused(UserError, refused):
            deal.with_user(self.salesman).action_set_won()
        self.assertEqual((deal.stage_id, deal.probability < 100), (self.stage_new, True))

        other_team = self.env["crm.team"].create({"name": "Retail", "member_ids": [Command.link(self.salesman.id)]})
        quick = self._deal(name="Quick sale", team_id=other_team.id, stage_id=False)
        quick.with_user(self.salesman).action_set_won()
        self.assertEqual((quick.stage_id.is_won, quick.probability), (True, 100), "a team without won criteria wins")

    def test_manager_override_with_a_logged_reason(self):
        deal = self._deal()
        wizard = (
            self.env["crm.lead.criteria.override"]
            .with_user(self.manager)
            .create({"lead_id": deal.id, "stage_id": self.stage_won.id, "reason": "Director confirmed payment"})
        )
        self.assertEqual(wizard.missing_criterion_ids, self.act_signed | self.full_payment)
        wizard.action_confirm()
        self.assertEqual((deal.stage_id, deal.probability), (self.stage_won, 100))
        notes = deal.message_ids.filtered(lambda message: "Reason" in (message.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertEqual(
            notes.body,
            "<p>Moved to Won without Acceptance act signed, Full payment received by Mark Manager. "
            "Reason: Director confirmed payment</p>",
        )

    def test_salesman_cannot_bypass_the_gate(self):
        deal = self._deal()
        sneaky = deal.with_user(self.salesman).with_context(followup_criteria_override="I say so")
        with self._refused(UserError, rf'cannot move to stage "Payment receipt" yet. {MISSING_GATE}'):
            sneaky.stage_id = self.stage_payment
        with self._refused(AccessError, "You are not allowed to create"):
            self.env["crm.lead.criteria.override"].with_user(self.salesman).create(
                {"lead_id": deal.id, "stage_id": self.stage_payment.id, "reason": "I say so"}
            )
        with self._refused(AccessError, "You are not allowed to modify"):
            self.stage_payment.with_user(self.salesman).required_criterion_ids = False
        self.assertEqual(deal.stage_id, self.stage_new)
        self.assertEqual(self.stage_payment.required_criterion_ids, self.proposal_accepted | self.prepayment)

    def test_team_can_forbid_overrides(self):
        self.team.criteria_override = False
        deal = self._deal()
        with self._refused(UserError, MISSING_TO_WIN + r"$"):
            deal.with_user(self.manager).with_context(followup_criteria_override="urgent").action_set_won()
        with self._refused(
            UserError, r"^Sales team Projects does not allow moving its deals despite missing success criteria\.$"
        ):
            self._override(deal, self.stage_won, reason="urgent")
        self.assertEqual(deal.stage_id, self.stage_new)

    def test_criterion_in_use_is_archived_not_deleted(self):
        self._deal()
        with self._refused(UserError, "archive them instead: Acceptance act signed, Full payment received\\.$"):
            (self.act_signed | self.full_payment).unlink()
        self.assertEqual((self.act_signed | self.full_payment).exists(), self.act_signed | self.full_payment)
        unused = self.env["crm.success.criterion"].create({"name": "Warranty registered"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_gate_with_a_criterion_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Sister company"})
        foreign = self.env["crm.success.criterion"].create({"name": "Sister audit", "company_id": other_company.id})
        self.team.company_id = self.company
        with self._refused(ValidationError, "cannot require the criteria of another company: Sister audit\\.$"):
            self.stage_payment.required_criterion_ids = [Command.link(foreign.id)]
        with self._refused(ValidationError, "cannot use the criteria of another company: Sister audit\\.$"):
            self.team.won_criterion_ids = [Command.link(foreign.id)]
        self.assertEqual(self.team.won_criterion_ids, self.act_signed | self.full_payment)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaGatePaths(SuccessCriteriaCommon):
    """Every way into a gated stage or "won" meets the gate."""

    def _lead(self, **values):
        """A lead (not an opportunity yet) of the Projects team, sitting in "Payment receipt"."""
        return (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Inbound request",
                    "type": "lead",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.stage_payment.id,
                    **values,
                }
            )
        )

    def test_convert_wizard_into_a_gated_stage(self):
        lead = self._lead()
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman)
            .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
            .create({"name": "convert", "action": "nothing"})
        )
        with self._refused(
            UserError,
            rf'^"Inbound request" cannot become an opportunity in stage "Payment receipt" yet\. {MISSING_GATE}',
        ):
            wizard.action_apply()
        self.assertEqual((lead.type, lead.stage_id, lead.criteria_count), ("lead", self.stage_payment, 0))

    def test_convert_opportunity_and_write_type_into_a_gated_stage(self):
        lead = self._lead()
        message = rf'^"Inbound request" cannot become an opportunity in stage "Payment receipt" yet. {MISSING_GATE}'
        with self._refused(UserError, message):
            lead.with_user(self.salesman).convert_opportunity(self.acme)
        with self._refused(UserError, message):
            lead.with_user(self.salesman).write({"type": "opportunity"})
        self.assertEqual(lead.type, "lead")

        ungated = self._lead(name="Inbound call", stage_id=self.stage_proposal.id)
        ungated.with_user(self.salesman).convert_opportunity(self.acme)
        self._end_transaction()
        self.assertEqual(
            (ungated.type, ungated.stage_id, ungated.criteria_count), ("opportunity", self.stage_proposal, 8)
        )

    def test_lead_is_not_won_without_its_criteria(self):
        with self._refused(UserError, r'^"Won lead" cannot be marked won yet. Still missing: Acceptance act signed'):
            self._lead(name="Won lead", stage_id=self.stage_won.id)
        lead = self._lead(name="Plain lead", stage_id=self.stage_proposal.id)
        with self._refused(UserError, r'^"Plain lead" cannot be marked won yet. Still missing: Acceptance act signed'):
            lead.with_user(self.salesman).write({"stage_id": self.stage_won.id})
        self.assertEqual(lead.stage_id, self.stage_proposal)

    def test_create_in_a_gated_stage(self):
        message = rf'^"Acme ERP rollout" cannot be created in stage "Payment receipt" yet. {MISSING_GATE}'
        with self._refused(UserError, message):
            self._deal(stage_id=self.stage_payment.id)
        # the hole: the checklist the engine added took the caller's "default_is_met" and met every line
        Lead = self.env["crm.lead"].with_user(self.salesman).with_context(default_is_met=True)
        values = {"name": "Acme ERP rollout", "type": "opportunity", "team_id": self.team.id}
        with self._refused(UserError, message):
            Lead.create({**values, "stage_id": self.stage_payment.id})
        with self._refused(UserError, message):
            self.env["crm.lead"].with_user(self.salesman).web_save(
                {**values, "stage_id": self.stage_payment.id}, specification={}
            )
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Acme ERP rollout")]))
        deal = Lead.create({**values, "stage_id": self.stage_new.id})
        self.assertEqual((deal.criteria_count, deal.criteria_met_count), (8, 0), "defaults tick nothing")

    def test_won_deal_moved_to_a_team_whose_won_criteria_it_lacks(self):
        retail = self.env["crm.team"].create({"name": "Retail", "member_ids": [Command.link(self.salesman.id)]})
        quick = self._deal(name="Quick sale", team_id=retail.id, stage_id=False)
        quick.with_user(self.salesman).action_set_won()
        won_stage = quick.stage_id
        with self._refused(
            UserError,
            r'^"Quick sale" is won and cannot move to sales team "Projects" yet. '
            r"Still missing: Acceptance act signed; Full payment received\.",
        ):
            quick.with_user(self.salesman).write({"team_id": self.team.id})
        self.assertEqual((quick.team_id, quick.stage_id, quick.probability), (retail, won_stage, 100))

        deal = self._deal()
        self._override(deal, self.stage_won)
        deal.with_user(self.salesman).write({"team_id": retail.id})
        self.assertEqual(deal.team_id, retail, "a team without won criteria takes it")

    def test_won_buttons_refused(self):
        deal = self._deal()
        for method in ("action_set_won", "action_set_won_rainbowman"):
            with self.subTest(method=method), self._refused(UserError, MISSING_TO_WIN):
                getattr(deal.with_user(self.salesman), method)()
        self.assertEqual((deal.stage_id, deal.probability < 100, deal.active), (self.stage_new, True, True))

    def test_lost_deal_restored_into_won_meets_the_gate(self):
        deal = self._deal()
        self._override(deal, self.stage_won)
        deal.action_set_lost()
        self.assertEqual((deal.active, deal.stage_id), (False, self.stage_won))
        for call in (deal.with_user(self.salesman).action_set_won, deal.with_user(self.salesman).toggle_active):
            with self.subTest(call=call.__name__), self._refused(UserError, MISSING_TO_WIN):
                call()
        self.assertEqual(deal.active, False)

    def test_import_creating_or_moving_into_a_gated_stage(self):
        Lead = self.env["crm.lead"].with_user(self.manager)
        result = Lead.load(
            ["name", "type", "team_id/id", "stage_id/id"],
            [["Imported deal", "opportunity", self._xmlid(self.team), self._xmlid(self.stage_payment)]],
        )
        self.assertEqual(result["ids"], False)
        self.assertEqual(len(result["messages"]), 1)
        self.assertRegex(
            result["messages"][0]["message"],
            rf'^"Imported deal" cannot be created in stage "Payment receipt" yet. {MISSING_GATE}',
        )

        deal = self._deal()
        result = Lead.load(["id", "stage_id/id"], [[self._xmlid(deal), self._xmlid(self.stage_payment)]])
        self.assertEqual(result["ids"], False)
        self.assertRegex(
            result["messages"][0]["message"],
            rf'^"Acme ERP rollout" cannot move to stage "Payment receipt" yet. {MISSING_GATE}',
        )
        self.assertEqual(deal.stage_id, self.stage_new)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaAccess(SuccessCriteriaCommon):
    def test_only_sales_administrators_manage_the_catalogue(self):
        Criterion = self.env["crm.success.criterion"]
        self.assertEqual(Criterion.with_user(self.salesman).search_count([]), 8)
        with self._refused(AccessError, "You are not allowed to create"):
            Criterion.with_user(self.salesman).create({"name": "Paid twice"})
        Criterion.with_user(self.manager).create({"name": "Paid twice"})
        self.assertEqual(Criterion.search_count([("name", "=", "Paid twice")]), 1)

    def test_salesman_sees_the_checklists_of_own_deals_only(self):
        mine = self._deal()
        theirs = self.env["crm.lead"].create(
            {"name": "Someone else's", "type": "opportunity", "team_id": self.team.id, "user_id": self.manager.id}
        )
        Line = self.env["crm.lead.criterion"]
        both = [("lead_id", "in", (mine | theirs).ids)]
        self.assertEqual(Line.with_user(self.salesman).search(both).lead_id, mine)
        self.assertEqual(Line.with_user(self.manager).search(both).lead_id, mine | theirs)
        self.assertEqual(Line.with_user(self.manager).search_count(both), 16)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestWonCriteriaFollowTheDeal(SuccessCriteriaCommon):
    """What a deal's team requires to win stays with the deal when it changes team."""

    KEPT = (
        r"\nIts earlier sales team requires Acceptance act signed; Full payment received to win: "
        r"it stays required after the change of team\."
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.retail = cls.env["crm.team"].create(
            {"name": "Retail", "use_opportunities": True, "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.retail_won = cls.env["crm.stage"].create(
            {"name": "Sold", "sequence": 9, "team_id": cls.retail.id, "is_won": True}
        )

    def _pay_in_full_with_the_act(self, deal):
        order = self._quotation(deal)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, invoice.amount_total)
        self._tick(deal, self.act_signed, attachment_ids=[Command.set(self._attachment().ids)], fact_date="2026-11-20")

    def test_moved_to_a_team_without_requirements_then_won(self):
        deal = self._deal()
        deal.with_user(self.salesman).write({"team_id": self.retail.id})
        self.assertEqual(deal.team_id, self.retail)
        self.assertEqual(deal.won_criterion_kept_ids, self.act_signed | self.full_payment)
        for call in ("action_set_won", "action_set_won_rainbowman"):
            with self.subTest(call=call), self._refused(UserError, MISSING_TO_WIN + self.KEPT):
                getattr(deal.with_user(self.salesman), call)()
        with self._refused(UserError, MISSING_TO_WIN):
            deal.with_user(self.salesman).write({"stage_id": self.retail_won.id})
        self.assertFalse(deal.stage_id.is_won)

        self._pay_in_full_with_the_act(deal)
        deal.with_user(self.salesman).action_set_won()
        self.assertEqual((deal.stage_id.is_won, deal.team_id), (True, self.retail))
        self.assertFalse(deal.won_criterion_kept_ids, "met and won: nothing is kept any longer")

    def test_team_and_won_in_one_write(self):
        deal = self._deal()
        for vals in (
            {"team_id": self.retail.id, "stage_id": self.retail_won.id},
            {"team_id": self.retail.id, "stage_id": self.retail_won.id, "probability": 100},
        ):
            with self.subTest(vals=vals), self._refused(UserError, MISSING_TO_WIN + self.KEPT):
                deal.with_user(self.salesman).write(vals)
        with self._refused(UserError, MISSING_TO_WIN):
            deal.with_user(self.salesman).web_save(
                {"team_id": self.retail.id, "stage_id": self.retail_won.id}, specification={}
            )
        self.assertEqual((deal.team_id, deal.stage_id), (self.team, self.stage_new))

    def test_a_salesperson_of_another_team_takes_the_deal(self):
        """The team follows the salesperson when the write does not name it."""
        seller = mail_new_test_user(
            self.env, login="osf_retail_seller", name="Rita Retail", groups="sales_team.group_sale_salesman_all_leads"
        )
        self.retail.member_ids = [Command.link(seller.id)]
        deal = self._deal()
        deal.with_user(self.manager).write({"user_id": seller.id})
        self.assertEqual(deal.team_id, self.retail)
        with self._refused(UserError, MISSING_TO_WIN + self.KEPT):
            deal.with_user(seller).action_set_won()

    def test_kept_through_several_teams_and_overridden_with_a_logged_reason(self):
        support = self.env["crm.team"].create({"name": "Support", "member_ids": [Command.link(self.salesman.id)]})
        deal = self._deal()
        deal.with_user(self.salesman).write({"team_id": self.retail.id})
        deal.with_user(self.salesman).write({"team_id": support.id})
        self.assertEqual(deal.won_criterion_kept_ids, self.act_signed | self.full_payment)
        self.assertEqual(
            deal.criterion_line_ids.criterion_id & (self.act_signed | self.full_payment),
            self.act_signed | self.full_payment,
            "the deal still lists what it must meet",
        )

        wizard = (
            self.env["crm.lead.criteria.override"]
            .with_user(self.manager)
            .create({"lead_id": deal.id, "stage_id": self.retail_won.id, "reason": "Paid through the partner"})
        )
        self.assertEqual(wizard.missing_criterion_ids, self.act_signed | self.full_payment)
        wizard.action_confirm()
        self.assertEqual((deal.stage_id, deal.probability), (self.retail_won, 100))
        self.assertFalse(deal.won_criterion_kept_ids)
        notes = deal.message_ids.filtered(lambda message: "Reason" in (message.body or ""))
        self.assertEqual(
            notes.body,
            "<p>Moved to Sold without Acceptance act signed, Full payment received by Mark Manager. "
            "Reason: Paid through the partner</p>",
        )
        # won past its gate: moving the won deal on requires only what its new team requires
        deal.with_user(self.salesman).write({"team_id": self.retail.id})
        self.assertEqual((deal.team_id, deal.stage_id.is_won), (self.retail, True))
        self.assertFalse(deal.won_criterion_kept_ids)

    def test_nobody_sets_what_is_kept_by_hand(self):
        deal = self._deal()
        deal.with_user(self.salesman).write({"team_id": self.retail.id})
        refused = r'^"Acme ERP rollout": Still required to win cannot be set by hand\.'
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.name), self._refused(UserError, refused):
                deal.with_user(user).write({"won_criterion_kept_ids": [Command.clear()]})
        deal.with_user(self.salesman).write({"won_criterion_kept_ids": [Command.set(deal.won_criterion_kept_ids.ids)]})
        self.assertEqual(deal.won_criterion_kept_ids, self.act_signed | self.full_payment)

        Lead = self.env["crm.lead"].with_user(self.salesman)
        values = {"name": "Forged", "type": "opportunity", "team_id": self.retail.id}
        with self._refused(UserError, r'^"Forged": Still required to win cannot be set by hand\.'):
            Lead.create({**values, "won_criterion_kept_ids": [Command.set(self.recommendation.ids)]})
        with self._refused(UserError, r'^"Forged": Still required to win cannot be set by hand\.'):
            Lead.with_context(default_won_criterion_kept_ids=self.recommendation.ids).create(values)
        self.assertFalse(Lead.create(values).won_criterion_kept_ids)
