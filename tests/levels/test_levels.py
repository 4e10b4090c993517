from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ...odoo_sales_followup.models.levels.res_partner import LEVEL_FACTS
from ..common import RelationshipLevelCommon


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestRelationshipLevels(RelationshipLevelCommon):
    """Every move between levels, through real leads, orders, invoices and activities."""

    def test_potential_until_contacted(self):
        self.assertEqual(self.globex.relationship_level, "potential")
        self.assertFalse(self._changes(self.globex))

    def test_lead_makes_prospect(self):
        lead = self.env["crm.lead"].create({"name": "Globex wants consulting", "partner_id": self.globex.id})
        self.assertEqual(self.globex.relationship_level, "potential", "updated when the transaction ends")
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "prospect")
        self.assertEqual(lead.partner_relationship_level, "prospect", "the opportunity shows the customer's level")
        change = self._changes(self.globex)
        self.assertRecordValues(
            change, [{"level_from": "potential", "level_to": "prospect", "event": "lead", "origin_ref": lead}]
        )
        self.assertIn("Prospect (in contact)", self.globex.message_ids[0].body)

    def test_latest_event_of_a_transaction_is_the_cause(self):
        self.env["crm.lead"].create({"name": "Acme lead", "partner_id": self.anna.id})
        order = self._order(self.boris)
        change = self._changes(self.acme)
        self.assertEqual(len(change), 1, "one transaction, one move: potential to new")
        self.assertEqual((change.event, change.origin_ref), ("order_confirmed", order))

    def test_quotation_makes_prospect(self):
        self._order(self.globex, confirm=False)
        self.assertEqual(self.globex.relationship_level, "prospect")
        self.assertEqual(self.globex.purchase_count, 0, "a quotation is not a purchase")

    def test_deleting_the_only_contact_goes_back(self):
        lead = self.env["crm.lead"].create({"name": "Globex lead", "partner_id": self.globex.id})
        quotation = self._order(self.globex, confirm=False)
        lead.unlink()
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "prospect", "the quotation is still there")
        quotation.unlink()
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "potential")

    def test_activity_done_makes_prospect(self):
        activity = self.initech.activity_schedule("mail.mail_activity_data_call", summary="First call")
        self._end_transaction()
        self.assertEqual(self.initech.relationship_level, "potential", "a planned call is no contact yet")
        activity.action_feedback(feedback="Reached the buyer")
        self._end_transaction()
        self.assertEqual(self.initech.relationship_level, "prospect")
        self.assertEqual(self._changes(self.initech).event, "activity_done")

    def test_first_purchase_new_then_active(self):
        self._order(self.acme, self._days_ago(20))
        self.assertRecordValues(
            self.acme,
            [
                {
                    "relationship_level": "new",
                    "purchase_count": 1,
                    "first_purchase_date": self._days_ago(20),
                    "last_purchase_date": self._days_ago(20),
                    "purchase_interval_days": 30,
                    "next_purchase_date": self._days_ago(20) + timedelta(days=30),
                }
            ],
        )
        self._order(self.acme, self._days_ago(5))
        self.assertEqual(self.acme.relationship_level, "active", "two purchases reach the default threshold")
        self.assertEqual(self.acme.purchase_count, 2)
        self.assertEqual(self.acme.level_change_count, len(self._changes(self.acme)))
        self.assertEqual(self._changes(self.acme)[-1].level_to, "active")

    def test_contacts_count_for_and_show_their_company(self):
        self._order(self.anna, self._days_ago(3))
        self.assertEqual(self.acme.relationship_level, "new", "Anna's order is a purchase of Acme")
        self.assertEqual(self.anna.relationship_level, "new")
        self.assertEqual(self.boris.relationship_level, "new", "every contact shows the company's level")
        self._order(self.boris, self._days_ago(1))
        self.assertEqual(self.acme.purchase_count, 2)
        self.assertEqual(self.anna.relationship_level, "active")
        self.assertFalse(self._changes(self.anna), "history is kept on the company, not on each contact")
        carl = self.env["res.partner"].create({"name": "Carl Acme", "parent_id": self.acme.id})
        self._end_transaction()
        self.assertEqual(carl.relationship_level, "active", "a new contact shows its company's level at once")

    def test_contact_leaving_takes_its_orders(self):
        self._order(self.anna, self._days_ago(3))
        self.anna.parent_id = self.globex
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "new")
        self.assertEqual(self.acme.relationship_level, "potential", "nothing of Acme's own is left")
        self.assertEqual(self._changes(self.acme)[-1].event, "recompute")

    def test_cancelling_goes_back(self):
        first = self._order(self.acme, self._days_ago(30))
        second = self._order(self.acme, self._days_ago(2))
        self.assertEqual(self.acme.relationship_level, "active")
        second._action_cancel()
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "new")
        self.assertEqual(self._changes(self.acme)[-1].event, "order_cancelled")
        first._action_cancel()
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "prospect", "quotations were a contact")
        self.assertEqual(self.acme.purchase_count, 0)
        self.assertFalse(self.acme.last_purchase_date)

    def test_order_left_half_edited_by_an_onchange(self):
        """Odoo clears the customer of an order when the customer is blocked; the order
        is fixed before the transaction ends, so levels must not force it to the database."""
        blocked = self.env["res.partner"].create({"name": "Blocked", "sale_warn": "block", "sale_warn_msg": "No"})
        order = self._order(self.globex, confirm=False)
        order.partner_id = blocked
        order._onchange_partner_id_warning()
        self.assertFalse(order.partner_id)
        order.partner_id = self.initech
        self._end_transaction()
        self.assertEqual(self.initech.relationship_level, "prospect")
        self.assertEqual(self.globex.relationship_level, "potential", "its only quotation moved away")

    def test_redating_an_order(self):
        order = self._order(self.acme, self._days_ago(10))
        self.assertEqual(self.acme.relationship_level, "new")
        order.date_order = order.date_order - timedelta(days=90)
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "dormant", "100 days is past 30 x 1.5")
        self.assertEqual(self._changes(self.acme)[-1].event, "order_changed")
        order.date_order = order.date_order + timedelta(days=95)
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "new")

    def test_invoice_without_order(self):
        invoice = self._invoice(self.globex, self._days_ago(4))
        self.assertEqual(self.globex.relationship_level, "new")
        self.assertEqual(self._changes(self.globex).origin_ref, invoice)
        invoice.button_draft()
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "potential", "a draft invoice is no purchase")
        invoice.action_post()
        invoice.button_cancel()
        self._end_transaction()
        self.assertEqual(self.globex.relationship_level, "potential")

    def test_invoice_of_an_order_is_not_a_second_purchase(self):
        order = self._order(self.acme, self._days_ago(6))
        invoice = order._create_invoices()
        invoice.action_post()
        self._end_transaction()
        self.assertEqual(self.acme.purchase_count, 1)
        self.assertEqual(self.acme.relationship_level, "new")

    def test_own_interval_from_median_gap(self):
        for days_ago in (40, 30, 10, 0):
            self._order(self.acme, self._days_ago(days_ago))
        # gaps of 10, 20 and 10 days
        self.assertEqual(self.acme.purchase_interval_days, 10)
        self.assertEqual(self.acme.next_purchase_date, self._days_ago(-10))
        self.assertEqual(self.acme.relationship_level, "active")

    def test_tag_interval_before_own_rhythm(self):
        plants = self.env["res.partner.category"].create({"name": "Plants", "purchase_interval_days": 90})
        retail = self.env["res.partner.category"].create({"name": "Retail", "purchase_interval_days": 120})
        self.acme.category_id = plants | retail
        self._order(self.acme, self._days_ago(60))
        self.assertEqual(self.acme.purchase_interval_days, 90, "the shortest interval of the tags")
        self.assertEqual(self.acme.relationship_level, "new", "60 days is within 90 x 1.5")
        self._order(self.globex, self._days_ago(60))
        self.assertEqual(self.globex.relationship_level, "dormant", "without tag: 30 x 1.5 days")
        plants.purchase_interval_days = 30
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "dormant", "a tag's new interval applies at once")
        self.acme.category_id = retail
        self._end_transaction()
        self.assertEqual(self.acme.relationship_level, "new", "and so does a change of tags")

    def test_daily_job_moves_overdue_customers_to_dormant(self):
        self._order(self.acme, self._days_ago(20))
        self._order(self.globex, self._days_ago(20))
        self._order(self.globex, self._days_ago(2))
        self.assertEqual((self.acme | self.globex).mapped("relationship_level"), ["new", "active"])
        with freeze_time(self._days_ago(-30)):
            self.env["res.partner"]._cron_update_relationship_levels()
            self.assertEqual(self.acme.relationship_level, "dormant", "50 days since the last purchase")
            self.assertEqual(self.globex.relationship_level, "active", "32 days: within 45")
            self.assertEqual(self._changes(self.acme)[-1].event, "scheduled")
            self._order(self.acme, self._days_ago(0))
            self.assertEqual(self.acme.relationship_level, "active", "a new purchase wakes the customer up")
        cron = self.env.ref("odoo_sales_followup.ir_cron_relationship_levels")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "days", True))

    def test_recompute_from_history_equals_incremental(self):
        self.env["crm.lead"].create({"name": "Initech lead", "partner_id": self.initech.id})
        self._end_transaction()
        for days_ago in (200, 170, 140, 70):
            self._order(self.anna, self._days_ago(days_ago))
        self._order(self.globex, self._days_ago(3))
        self._invoice(self.globex, self._days_ago(1))
        partners = self.acme | self.anna | self.globex | self.initech | self.env.ref("base.main_partner")
        fnames = list(LEVEL_FACTS)
        incremental = partners.read(fnames)
        self.env.cr.execute(
            "UPDATE res_partner SET relationship_level = 'potential', purchase_count = 0, "
            "first_purchase_date = NULL, last_purchase_date = NULL, next_purchase_date = NULL"
        )
        self.env.invalidate_all()
        self.env["ir.config_parameter"].sudo().set_param("odoo_sales_followup.level_batch_size", 2)
        self.env.cr.execute("SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id")
        commercial_count = self.env.cr.fetchone()[0]
        count = self.env["res.partner"].with_user(self.manager).action_recompute_relationship_levels()
        self.assertEqual(count, commercial_count, "every company and individual, in batches of 2")
        self.assertEqual(partners.read(fnames), incremental)
        self.assertEqual(self.acme.relationship_level, "dormant", "last purchase 70 days ago, usually every 30 days")

    def test_updates_are_set_based(self):
        """One transaction touching 2 or 26 customers costs the same queries."""
        customers = self.env["res.partner"].create([{"name": f"Customer {i}", "is_company": True} for i in range(30)])
        self._end_transaction()
        counts = []
        # A first transaction warms Odoo's caches (parameters, defaults).
        for partners in (customers[:2], customers[2:4], customers[4:]):
            orders = self.env["sale.order"].create(
                [
                    {"partner_id": partner.id, "order_line": [Command.create({"product_id": self.product.id})]}
                    for partner in partners
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            orders.action_confirm()
            self.env.flush_all()
            confirm_only = self.env.cr.sql_log_count - start
            self._end_transaction()
            counts.append(self.env.cr.sql_log_count - start - confirm_only)
        self.assertEqual(set(customers.mapped("relationship_level")), {"new"})
        self.assertEqual(counts[1], counts[2], "the same queries for 2 or 26 customers")
