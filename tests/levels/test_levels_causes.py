from freezegun import freeze_time

from odoo import Command
from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.hooks import post_init_hook
from ...odoo_sales_followup.tools import level_change_cause
from ..common import RelationshipLevelCommon, load_russian


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelChangeCauseRule(BaseCase):
    """Which of a transaction's events moved the level."""

    def test_the_event_that_explains_the_move(self):
        order, lead, cancelled = ("sale.order", 1), ("crm.lead", 2), ("sale.order", 3)
        cases = [
            ("new", "active", [("order_confirmed", order), ("lead", lead)], ("order_confirmed", order)),
            ("potential", "dormant", [("order_confirmed", order), ("lead", lead)], ("order_confirmed", order)),
            ("dormant", "active", [("lead", lead), ("order_confirmed", order)], ("order_confirmed", order)),
            ("active", "dormant", [("lead", lead)], ("scheduled", None)),
            ("active", "dormant", [("scheduled", None)], ("scheduled", None)),
            (
                "active",
                "dormant",
                [("order_confirmed", order), ("order_cancelled", cancelled)],
                ("order_cancelled", cancelled),
            ),
            ("active", "new", [("lead", lead), ("order_cancelled", cancelled)], ("order_cancelled", cancelled)),
            ("potential", "prospect", [("order_changed", order), ("lead", lead)], ("lead", lead)),
            ("prospect", "potential", [("lead", None)], ("lead", None)),
            ("potential", "active", [("initial", None)], ("initial", None)),
            ("new", "dormant", [("recompute", None)], ("recompute", None)),
        ]
        for level_from, level_to, events, cause in cases:
            self.assertEqual(level_change_cause(level_from, level_to, events), cause, (level_from, level_to, events))


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelChangeCauses(RelationshipLevelCommon):
    """The level history names the event that moved the level, not the latest one."""

    def _confirmed_order(self, partner):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        return order

    def test_the_purchase_not_the_repeat_sale_makes_active(self):
        self._order(self.acme, self._days_ago(20))
        order = self._confirmed_order(self.acme)
        # The after-sale call opens a repeat sale in the same transaction.
        self.env["crm.lead"].create({"name": "Repeat sale: Acme", "type": "opportunity", "partner_id": self.acme.id})
        self._end_transaction()
        change = self._changes(self.acme)[-1]
        self.assertRecordValues(
            change, [{"level_from": "new", "level_to": "active", "event": "order_confirmed", "origin_ref": order}]
        )

    def test_time_not_the_call_back_makes_dormant(self):
        self._order(self.acme, self._days_ago(40))
        self._order(self.acme, self._days_ago(20))
        self.assertEqual(self.acme.relationship_level, "active")
        with freeze_time(self._days_ago(-60)):
            # The daily job has not run yet; a call-back opened for the customer recomputes it.
            self.env["crm.lead"].create(
                {"name": "Reactivation: Acme", "type": "opportunity", "partner_id": self.acme.id}
            )
            self._end_transaction()
        change = self._changes(self.acme)[-1]
        self.assertRecordValues(change, [{"level_from": "active", "level_to": "dormant", "event": "scheduled"}])
        self.assertFalse(change.origin_ref, "the passing of time has no document")

    def test_a_cancellation_moves_back(self):
        self._order(self.acme, self._days_ago(20))
        order = self._order(self.acme, self._days_ago(5))
        order._action_cancel()
        self.env["crm.lead"].create({"name": "Acme: why cancel?", "partner_id": self.acme.id})
        self._end_transaction()
        self.assertRecordValues(
            self._changes(self.acme)[-1],
            [{"level_from": "active", "level_to": "new", "event": "order_cancelled", "origin_ref": order}],
        )

    def test_an_activity_done_names_what_put_them_in_contact(self):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.globex.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "user_id": self.salesman.id,
            }
        )
        activity.action_feedback("Interested")
        self._end_transaction()
        self.assertRecordValues(
            self._changes(self.globex),
            [{"level_from": "potential", "level_to": "prospect", "event": "activity_done", "origin_ref": self.globex}],
        )

    def test_installation_on_a_database_with_history(self):
        self._order(self.acme, self._days_ago(20))
        self._order(self.acme, self._days_ago(5))
        # As the database was before the addon: no level, no history.
        self._store(self.acme | self.anna | self.boris, relationship_level="potential", purchase_count=0)
        self._changes(self.acme).unlink()
        messages = self.acme.message_ids
        post_init_hook(self.env)
        self.assertRecordValues(
            self._changes(self.acme), [{"level_from": "potential", "level_to": "active", "event": "initial"}]
        )
        self.acme.invalidate_recordset(["message_ids"])
        self.assertEqual(self.acme.message_ids, messages, "the installation leaves no chatter note")

    def test_chatter_note_in_the_salesperson_language(self):
        load_russian(self.env)
        self.salesman.lang = "ru_RU"  # Acme's salesperson
        self._order(self.acme, self._days_ago(3))
        note = self.acme.message_ids.filtered(lambda message: "→" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Уровень взаимоотношений: Потенциальный клиент → Новый клиент (Заказ подтверждён)", note.body)
        self._order(self.globex, self._days_ago(3))  # no salesperson: the partner's language
        note = self.globex.message_ids.filtered(lambda message: "→" in (message.body or ""))
        self.assertIn("Relationship level: Potential customer → New customer (Order confirmed)", note.body)

    def test_customers_by_level_in_funnel_order(self):
        self._order(self.acme, self._days_ago(3))
        groups = self.env["res.partner"].read_group(
            [("id", "in", (self.acme | self.globex).ids)], ["relationship_level"], ["relationship_level"]
        )
        self.assertEqual(
            [(group["relationship_level"], group["relationship_level_count"]) for group in groups],
            [("potential", 1), ("prospect", 0), ("new", 1), ("active", 0), ("dormant", 0)],
        )
