from unittest.mock import patch

import psycopg2
import psycopg2.errors

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ...odoo_sales_followup.models.criteria import crm_lead
from ..common_criteria import SuccessCriteriaCommon

FULL_PAYMENT_AUTOMATIC = (
    r'"Full payment received" is met automatically once the invoices of its orders are paid in full, '
    r"and unmet when its documents no longer show it: it cannot be ticked or unticked by hand\. "
    r"A sales administrator can confirm it by hand, giving a reason\."
)
MISSING_TO_WIN = (
    r'^"Acme ERP rollout" cannot be marked won yet\. Still missing: Acceptance act signed; Full payment received\.'
)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaForgery(SuccessCriteriaCommon):
    """What a hostile RPC client tried: the context it sends is its own."""

    def _assert_untouched(self, lines):
        for line in lines:
            self.assertEqual(
                (line.is_met, line.met_date, line.met_user_id, line.met_origin or False, line.met_reason),
                (False, False, self.env["res.users"], False, False),
                f"{line.criterion_id.name} is left as it was",
            )

    def test_forged_met_lines_do_not_win_the_deal(self):
        deal = self._deal()
        invoice = self._invoice(self.acme, self._days_ago(3))
        lines = self._line(deal, self.act_signed) | self._line(deal, self.full_payment)
        forged = {"is_met": True, "met_origin": f"account.move,{invoice.id}", "met_user_id": self.admin.id}
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.name):
                with self._refused(AccessError, r'^"Met by" is recorded by Odoo when a success criterion is met'):
                    lines.with_user(user).with_context(followup_criteria_auto=True).write(forged)
                self._assert_untouched(lines)
                with self._refused(UserError, MISSING_TO_WIN):
                    deal.with_user(user).with_context(followup_criteria_auto=True).action_set_won()
                self.assertEqual((deal.stage_id, deal.probability < 100), (self.stage_new, True))
        self.assertFalse(deal.message_ids.filtered(lambda message: "met by" in (message.body or "")))

    def test_each_recorded_field_is_refused(self):
        deal = self._deal()
        line = self._line(deal, self.positive_review)
        for field, value, label in (
            ("met_date", "2026-01-01 10:00:00", "Met on"),
            ("met_user_id", self.admin.id, "Met by"),
            ("met_origin", f"sale.order,{self._quotation(deal).id}", "Met by document"),
            ("met_reason", "I say so", "Confirmed by hand because"),
        ):
            with self.subTest(field=field):
                with self._refused(AccessError, rf'^"{label}" is recorded by Odoo .*\(Positive review\)\.$'):
                    line.with_user(self.salesman).write({"is_met": True, field: value})
                self._assert_untouched(line)

    def test_old_override_context_no_longer_moves_a_deal(self):
        deal = self._deal()
        context = {"followup_criteria_override": "I say so"}
        for user, override in ((self.salesman, True), (self.manager, True), (self.manager, False)):
            self.team.criteria_override = override
            with self.subTest(user=user.name, team_allows_overrides=override):
                with self._refused(UserError, MISSING_TO_WIN):
                    deal.with_user(user).with_context(**context).action_set_won()
                refused = r'cannot move to stage "Payment receipt" yet\. Still missing: Proposal accepted'
                with self._refused(UserError, refused):
                    deal.with_user(user).with_context(**context).write({"stage_id": self.stage_payment.id})
                self.assertEqual(deal.stage_id, self.stage_new)
        self.assertFalse(deal.message_ids.filtered(lambda message: "Reason" in (message.body or "")))

    def test_reticking_a_met_line_keeps_who_met_it(self):
        deal = self._deal()
        line = self._tick(deal, self.positive_review)
        met_date = line.met_date
        line.with_user(self.manager).write({"is_met": True, "fact_date": "2026-11-20"})
        self.assertEqual((line.met_user_id, line.met_date), (self.salesman, met_date))
        self.assertEqual(str(line.fact_date), "2026-11-20", "the other values are written")

    def test_forged_values_refused_on_create(self):
        deal = self._deal()
        self._line(deal, self.positive_review).unlink()
        Line = self.env["crm.lead.criterion"].with_user(self.salesman)
        values = {"lead_id": deal.id, "criterion_id": self.positive_review.id}
        with self._refused(AccessError, r'^"Met by" is recorded by Odoo'):
            Line.create({**values, "is_met": True, "met_user_id": self.admin.id})
        invoice = self._invoice(self.acme, self._days_ago(1))
        with self._refused(AccessError, r'^"Met by document" is recorded by Odoo'):
            Line.with_context(default_met_origin=f"account.move,{invoice.id}").create(values)
        self.assertFalse(self._line(deal, self.positive_review))
        line = Line.with_context(default_is_met=True).create(values)
        self.assertEqual((line.is_met, line.met_user_id), (True, self.salesman), "a default is a value like any")


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestAutomaticCriteriaByHand(SuccessCriteriaCommon):
    """Automatic criteria are set and unset by their facts; a Sales administrator vouches for
    a fact Odoo cannot see, with a reason, until a later document says otherwise."""

    def test_automatic_criterion_cannot_be_ticked_by_hand(self):
        deal = self._deal()
        line = self._line(deal, self.full_payment)
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.name), self._refused(UserError, FULL_PAYMENT_AUTOMATIC):
                line.with_user(user).write({"is_met": True})
        self.assertEqual((line.is_met, line.met_user_id), (False, self.env["res.users"]))

        self._line(deal, self.proposal_accepted).unlink()
        with self._refused(
            UserError,
            r'^"Proposal accepted" is met automatically once a quotation of the opportunity is confirmed or signed '
            r"online, ",
        ):
            self.env["crm.lead.criterion"].with_user(self.salesman).create(
                {"lead_id": deal.id, "criterion_id": self.proposal_accepted.id, "is_met": True}
            )
        with self._refused(UserError, r'^"Prepayment received" is met automatically once an invoice of its orders'):
            self._deal(
                name="Ticked on creation",
                criterion_line_ids=[Command.create({"criterion_id": self.prepayment.id, "is_met": True})],
            )
        self.assertFalse(self._met(deal))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Ticked on creation")]))

    def test_automatic_criterion_met_by_documents_cannot_be_unticked(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.action_confirm()
        self._end_transaction()
        line = self._line(deal, self.proposal_accepted)
        with self._refused(UserError, r'^"Proposal accepted" is met automatically'):
            line.with_user(self.salesman).write({"is_met": False})
        self.assertEqual((line.is_met, line.met_origin), (True, order))

    def test_sales_administrator_confirms_by_hand_with_a_logged_reason(self):
        deal = self._deal()
        line = self._confirm_by_hand(deal, self.full_payment, reason="  Paid in cash at the office  ")
        self.assertEqual(
            (line.is_met, line.met_user_id, line.met_origin or False, line.met_reason),
            (True, self.manager, False, "Paid in cash at the office"),
        )
        self.assertTrue(line.met_date)
        self.assertEqual(
            self._criteria_note(deal),
            "<ul><li>Full payment received: confirmed by hand by Mark Manager. "
            "Reason: Paid in cash at the office</li></ul>",
        )
        self.assertEqual(self._met(deal), self.full_payment)

    def test_confirm_by_hand_refusals(self):
        deal = self._deal()
        Wizard = self.env["crm.lead.criterion.confirm"]
        prepayment = self._line(deal, self.prepayment)
        with self._refused(AccessError, "You are not allowed to create"):
            Wizard.with_user(self.salesman).create({"line_id": prepayment.id, "reason": "I say so"})
        cases = [
            (prepayment, "   ", r"^Give the reason why the criterion is met although its documents do not show it\.$"),
            (prepayment, "x" * 2001, r"^The reason is too long \(characters: 2001, at most 2000\): shorten it\.$"),
            (
                self._line(deal, self.positive_review),
                "Said so",
                r'^"Positive review" on "Acme ERP rollout" is met by hand: tick it on the opportunity\.$',
            ),
        ]
        for line, reason, message in cases:
            with self.subTest(message=message), self._refused(UserError, message):
                Wizard.with_user(self.manager).create({"line_id": line.id, "reason": reason}).action_confirm()
        with self._refused(UserError, r"^Criterion: 999999999 is not an existing record\.$"):
            Wizard.with_user(self.manager).create({"line_id": 999999999, "reason": "Paid"})
        with self._refused(UserError, r"^Choose the success criterion to confirm by hand\.$"):
            Wizard.with_user(self.manager).create({"reason": "Paid"}).action_confirm()

        self._confirm_by_hand(deal, self.prepayment)
        with self._refused(UserError, r'^"Prepayment received" on "Acme ERP rollout" is already met\.$'):
            self._confirm_by_hand(deal, self.prepayment)

        self.team.criteria_override = False
        with self._refused(
            UserError,
            r'^Sales team "Projects" does not allow overriding its criteria: "Full payment received" on '
            r'"Acme ERP rollout" is met by its documents only\.$',
        ):
            self._confirm_by_hand(deal, self.full_payment)
        self.assertEqual(self._met(deal), self.prepayment)

    def test_a_later_document_event_unmeets_a_criterion_confirmed_by_hand(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.action_confirm()
        self._end_transaction()
        self._confirm_by_hand(deal, self.full_payment)
        other_team = self.env["crm.team"].create({"name": "Retail"})
        deal.team_id = other_team
        self._end_transaction()
        self.assertEqual(
            self._met(deal), self.proposal_accepted | self.full_payment, "an event of the deal itself is no fact"
        )

        order._action_cancel()
        self._end_transaction()
        self.assertFalse(self._met(deal), "the cancelled order shows neither")
        line = self._line(deal, self.full_payment)
        self.assertEqual((line.met_user_id, line.met_reason, line.met_date), (self.env["res.users"], False, False))
        self.assertEqual(
            self._criteria_note(deal),
            "<ul><li>Proposal accepted: no longer met, the documents no longer show it</li>"
            "<li>Full payment received: no longer met, the documents no longer show it</li></ul>",
        )

    def test_a_deleted_quotation_no_longer_meets_the_proposal(self):
        deal = self._deal()
        order = self._quotation(deal)
        order.write({"signed_by": "Anna Acme", "signed_on": "2026-11-20 10:00:00"})
        self._end_transaction()
        line = self._line(deal, self.proposal_accepted)
        self.assertEqual(line.met_origin, order)
        order.unlink()
        self._end_transaction()
        self.assertEqual((line.is_met, line.met_origin or False), (False, False))


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaLines(SuccessCriteriaCommon):
    """A line belongs to one opportunity and one criterion, for good."""

    def test_line_cannot_move_to_another_deal_or_criterion(self):
        deal = self._deal()
        theirs = self._opportunity(name="Someone else's", user_id=self.manager.id)
        line = self._tick(deal, self.positive_review)
        for user in (self.salesman, self.manager):
            with self.subTest(user=user.name):
                with self._refused(
                    UserError,
                    r'^The Opportunity of "Positive review" on "Acme ERP rollout" is fixed once the line is created',
                ):
                    line.with_user(user).write({"lead_id": theirs.id})
                with self._refused(
                    UserError, r'^The Criterion of "Positive review" on "Acme ERP rollout" is fixed once the line'
                ):
                    line.with_user(user).write({"criterion_id": self.recommendation.id})
        self.assertEqual((line.lead_id, line.criterion_id, line.is_met), (deal, self.positive_review, True))
        self.assertEqual(theirs.criteria_met_count, 0)

    def test_line_on_a_deal_the_user_cannot_edit(self):
        theirs = self._opportunity(name="Someone else's", user_id=self.manager.id)
        self._line(theirs, self.positive_review).unlink()
        with self._refused(
            AccessError, r"(?s)top-secret records.*'write' access to:\n- Lead/Opportunity \(crm\.lead\)"
        ):
            self.env["crm.lead.criterion"].with_user(self.salesman).create(
                {"lead_id": theirs.id, "criterion_id": self.positive_review.id}
            )
        self.assertFalse(self._line(theirs, self.positive_review))

    def test_criterion_of_another_company_cannot_be_listed(self):
        sister = self.env["res.company"].create({"name": "Sister company"})
        foreign = self.env["crm.success.criterion"].create({"name": "Sister audit", "company_id": sister.id})
        deal = self._deal()
        message = (
            r'^Success criterion "Sister audit" belongs to Sister company and cannot be listed on '
            r'"Acme ERP rollout", an opportunity of another company\.$'
        )
        for Line in (self.env["crm.lead.criterion"].with_user(self.manager), self.env["crm.lead.criterion"].sudo()):
            with self.subTest(superuser=Line.env.su), self._refused(UserError, message):
                Line.create({"lead_id": deal.id, "criterion_id": foreign.id})
        self.assertNotIn(foreign, deal.criterion_line_ids.criterion_id)

    def test_line_needs_an_existing_deal_and_criterion(self):
        Line = self.env["crm.lead.criterion"].with_user(self.manager)
        deal = self._deal()
        with self._refused(UserError, r"^A success criterion line needs an existing opportunity, not 999999999\.$"):
            Line.create({"lead_id": 999999999, "criterion_id": self.positive_review.id})
        with self._refused(UserError, r"^A success criterion line needs an opportunity\.$"):
            Line.create({"criterion_id": self.positive_review.id})
        with self._refused(
            UserError, r'^A success criterion line of "Acme ERP rollout" needs an existing criterion, not abc\.$'
        ):
            Line.create({"lead_id": deal.id, "criterion_id": "abc"})
        self.assertEqual(deal.criteria_count, 8)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaInputs(SuccessCriteriaCommon):
    """Input that once reached PostgreSQL, or Python's own errors, gets a message."""

    def test_criterion_name_description_and_sequence_bounds(self):
        Criterion = self.env["crm.success.criterion"].with_user(self.manager)
        criterion = Criterion.create({"name": "Warranty registered"})
        long_name = "x" * 10000
        for call in (lambda: Criterion.create({"name": long_name}), lambda: criterion.write({"name": long_name})):
            with self._refused(
                ValidationError,
                r'^The name of a success criterion is too long \("x{40}\.\.\.", characters: 10000, at most 200\): '
                r"shorten it\.$",
            ):
                call()
        with self._refused(
            ValidationError, r"^The description of a success criterion is too long \(characters: 5001, at most 5000\)"
        ):
            criterion.write({"description": "y" * 5001})
        with self._refused(
            ValidationError,
            r"^The sequence of a success criterion must be between -2147483647 and 2147483647, not 10000000000\.$",
        ):
            criterion.write({"sequence": 10**10})
        criterion.write({"name": "n" * 200, "description": "d" * 5000, "sequence": 2147483647})
        self.assertEqual((len(criterion.name), criterion.sequence), (200, 2147483647))
        self.assertEqual(Criterion.search_count([("name", "=", long_name)]), 0)

    def test_stage_or_team_that_does_not_exist(self):
        deal = self._deal()
        for vals, message in (
            ({"stage_id": 999999999}, r"^Stage: 999999999 is not an existing record\.$"),
            ({"stage_id": "abc"}, r"^Stage: abc is not an existing record\.$"),
            ({"team_id": 999999999}, r"^Sales Team: 999999999 is not an existing record\.$"),
        ):
            with self.subTest(vals=vals), self._refused(UserError, message):
                deal.with_user(self.salesman).write(vals)
            with self.subTest(vals=vals, create=True), self._refused(UserError, message):
                self._deal(name="Created wrong", **vals)
        self.assertEqual((deal.stage_id, deal.team_id), (self.stage_new, self.team))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Created wrong")]))

    def test_override_wizard_without_its_values(self):
        deal = self._deal()
        Wizard = self.env["crm.lead.criteria.override"].with_user(self.manager)
        cases = [
            ({"lead_id": deal.id, "reason": "Urgent"}, r'^Choose the stage to move "Acme ERP rollout" to\.$'),
            ({"stage_id": self.stage_won.id, "reason": "Urgent"}, r"^Choose the opportunity to move\.$"),
            (
                {"lead_id": deal.id, "stage_id": self.stage_won.id},
                r"^Give the reason why the deal moves on without its criteria\.$",
            ),
            (
                {"lead_id": deal.id, "stage_id": self.stage_won.id, "reason": " \n "},
                r"^Give the reason why the deal moves on without its criteria\.$",
            ),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self._refused(UserError, message):
                Wizard.create(vals).action_confirm()
        with self._refused(UserError, r"^Move to: 999999999 is not an existing record\.$"):
            Wizard.create({"lead_id": deal.id, "stage_id": 999999999, "reason": "Urgent"})
        self.assertEqual(deal.stage_id, self.stage_new)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaDatabaseErrors(SuccessCriteriaCommon):
    """The update before commit logs a rule's own error, and lets the database's go through."""

    def test_database_errors_propagate_for_odoo_to_retry(self):
        for error in (
            psycopg2.errors.SerializationFailure("could not serialize access"),
            psycopg2.errors.DeadlockDetected("deadlock detected"),
            psycopg2.OperationalError("server closed the connection unexpectedly"),
            psycopg2.errors.UniqueViolation("duplicate key value"),
        ):
            deal = self._deal(name=f"Deal {type(error).__name__}")
            order = self._quotation(deal)
            self._end_transaction()
            broken = patch.object(type(self.env["crm.lead"]), "_get_criteria_facts", side_effect=error)
            with self.subTest(error=type(error).__name__), broken, self.assertNoLogs(crm_lead._logger.name, "ERROR"):
                with self.assertRaises(type(error)) as caught:
                    order.action_confirm()
                    self._end_transaction()
                self.assertIs(caught.exception, error)
            self.assertEqual((order.state, self._met(deal)), ("draft", self.env["crm.success.criterion"]))

    def test_a_rules_own_errors_are_logged(self):
        for error in (RuntimeError("unexpected fact"), KeyError("rule"), UserError("rule refused")):
            deal = self._deal(name=f"Deal {type(error).__name__}")
            order = self._quotation(deal)
            self._end_transaction()
            later = []
            broken = patch.object(type(self.env["crm.lead"]), "_get_criteria_facts", side_effect=error)
            with self.subTest(error=type(error).__name__), broken:
                with self.assertLogs(crm_lead._logger.name, "ERROR") as logs:
                    order.action_confirm()
                    # before-commit work of another capability, queued after the criteria's
                    self.env.cr.precommit.add(lambda later=later: later.append("done"))
                    self._end_transaction()
                self.assertEqual(len(logs.output), 1)
                self.assertIn(f"Success criteria of opportunities [{deal.id}] could not be updated", logs.output[0])
            self.assertEqual((order.state, self._met(deal)), ("sale", self.env["crm.success.criterion"]))
            self.assertEqual(later, ["done"], "the other capabilities' work is not dropped with the rule's")
