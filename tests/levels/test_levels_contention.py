from unittest.mock import patch

from odoo import Command
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from ...odoo_sales_followup.models.levels.res_partner import ResPartner
from ..common import RelationshipLevelCommon

QUEUE_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.levels.res_partner_level_queue"
JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"
ENGINE_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.levels.res_partner"


class BusyCustomerCommon(RelationshipLevelCommon):
    """Customers that another transaction writes at the same time as the test's.

    The other transaction is a real second connection to the database: it only sees
    what was committed before the test, so its customers are demo companies without
    purchases (they exist before the test, and the test's transaction has not written
    them, so that it never waits for itself).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = cls.env["res.company"].search([])
        cls.busy, cls.calm = cls.env["res.partner"].search(
            [
                ("is_company", "=", True),
                ("id", "<", cls.acme.id),
                ("id", "not in", companies.partner_id.ids),
                ("purchase_count", "=", 0),
                ("sale_order_ids", "=", False),
                ("invoice_ids", "=", False),
            ],
            order="id",
            limit=2,
        )
        cls.queue_cron = cls.env.ref("odoo_sales_followup.ir_cron_relationship_level_queue")

    def setUp(self):
        super().setUp()
        # Should anything of the test wait for the other connection, fail instead of hanging.
        self.env.cr.execute(SQL("SET LOCAL lock_timeout = '10s'"))

    def _other_transaction(self):
        """A real second connection (not ``registry.cursor()``, a test cursor in tests)."""
        other = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        self.addCleanup(other.rollback)
        other.execute(SQL("SET lock_timeout = '10s'"))
        return other

    def _write_from_other_transaction(self, other, partners):
        """The other transaction writes ``partners`` (their rows, nothing else changes)."""
        other.execute(SQL("UPDATE res_partner SET write_date = write_date WHERE id = ANY(%s)", partners.ids))

    def _confirm(self, partners):
        """Orders of one consulting day for ``partners``, created and confirmed by the salesman in one
        transaction; what happens before its commit included."""
        # Without notifications: notifying the customer prepares its portal sign-up, a
        # write of Odoo's on the customer that the other transaction holds (once per
        # customer, so not what a busy customer meets, but what these fresh ones would).
        SaleOrder = self.env["sale.order"].with_context(
            tracking_disable=True, mail_create_nosubscribe=True, mail_notify_force_send=False
        )
        orders = SaleOrder.with_user(self.salesman).create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": self.salesman.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
                for partner in partners
            ]
        )
        orders.action_confirm()
        self._end_transaction()
        return orders

    def _queued(self, partners):
        return self.env["res.partner.level.queue"].search([("partner_id", "in", partners.ids)])

    def _apply_queue(self):
        self.env["res.partner.level.queue"]._cron_apply_level_queue()


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelBusyCustomer(BusyCustomerCommon):
    """A customer another salesperson's transaction is writing: the confirmation does not
    wait for it, and the levels follow within seconds through the queue's job."""

    def test_confirmation_on_a_busy_customer_succeeds_and_is_queued(self):
        history = self._changes(self.busy)
        other = self._other_transaction()
        self._write_from_other_transaction(other, self.busy)
        order = self._confirm(self.busy)
        self.assertEqual(order.state, "sale", "the salesperson's confirmation went through")
        self.assertEqual(self.busy.purchase_count, 0, "not written while the other transaction holds the customer")
        self.assertEqual(self._changes(self.busy), history, "no move recorded before the facts are written")
        queued = self._queued(self.busy)
        self.assertEqual(queued.mapped("event"), ["quotation", "order_confirmed"], "every event, in order")
        self.assertRecordValues(
            queued[-1],
            [
                {
                    "event": "order_confirmed",
                    "origin_model": "sale.order",
                    "origin_id": order.id,
                    "user_id": self.salesman.id,
                }
            ],
        )
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.queue_cron.id)]), "the queue's job is triggered"
        )
        other.rollback()  # the other salesperson's transaction ends

        self._apply_queue()
        self.assertRecordValues(
            self.busy,
            [
                {
                    "relationship_level": "new",
                    "purchase_count": 1,
                    "last_purchase_date": self.company._get_followup_date(order.date_order),
                }
            ],
        )
        moves = self._changes(self.busy) - history
        self.assertRecordValues(
            moves,
            [{"level_to": "new", "event": "order_confirmed", "origin_id": order.id, "user_id": self.salesman.id}],
        )
        self.assertFalse(self._queued(self.busy), "applied, out of the queue")

    def test_the_queue_job_is_idempotent(self):
        history = self._changes(self.busy)
        other = self._other_transaction()
        self._write_from_other_transaction(other, self.busy)
        order = self._confirm(self.busy)
        other.rollback()
        self._apply_queue()
        # The same customer queued again (a second busy transaction, a rerun): nothing twice.
        self.env["res.partner.level.queue"]._queue_level_updates(
            {self.busy.id: [("order_confirmed", ("sale.order", order.id))]}
        )
        self._apply_queue()
        self._apply_queue()
        self.assertEqual(len(self._changes(self.busy) - history), 1, "one move recorded, once")
        self.assertRecordValues(self.busy, [{"relationship_level": "new", "purchase_count": 1}])
        self.assertFalse(self._queued(self.busy))

    def test_one_failing_customer_does_not_stop_the_others(self):
        history = self._changes(self.calm)
        other = self._other_transaction()
        self._write_from_other_transaction(other, self.busy | self.calm)
        self._confirm(self.busy | self.calm)
        other.rollback()
        self.assertEqual(self._queued(self.busy | self.calm).partner_id, self.busy | self.calm)
        original = ResPartner._apply_level_facts
        busy_id = self.busy.id

        def failing_for_busy(partners, partner_ids, event, origins, events=None):
            if busy_id in partner_ids:
                raise RuntimeError("disk quota exceeded")
            return original(partners, partner_ids, event, origins, events=events)

        with (
            patch.object(ResPartner, "_apply_level_facts", failing_for_busy),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self._apply_queue()
        self.assertEqual(len(logs.records), 1)
        self.assertIn(
            f"Queued relationship levels in {self.env.company.name} failed for res.partner({busy_id},)", logs.output[0]
        )
        self.assertRecordValues(self.calm, [{"relationship_level": "new", "purchase_count": 1}])
        self.assertEqual(len(self._changes(self.calm) - history), 1)
        self.assertEqual(self.busy.purchase_count, 0, "the failed customer wrote nothing")
        self.assertFalse(self._queued(self.calm))
        self.assertTrue(self._queued(self.busy), "the failed customer stays queued for the next run")
        notices = self.env["mail.message"].search([("subject", "=", "Relationship levels not updated")])
        self.assertEqual(len(notices), 1)
        self.assertIn("1 of 2 customers", notices.body)
        self.assertIn(self.manager.partner_id, notices.partner_ids, "the Sales administrators are told")
        # The next run, the cause gone, finishes the work once.
        self._apply_queue()
        self.assertRecordValues(self.busy, [{"relationship_level": "new", "purchase_count": 1}])
        self.assertFalse(self._queued(self.busy))

    def test_the_daily_job_drains_the_queue(self):
        other = self._other_transaction()
        self._write_from_other_transaction(other, self.busy)
        self._confirm(self.busy)
        other.rollback()
        self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(self.busy.purchase_count, 1)
        self.assertFalse(self._queued(self.busy))


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelCustomerWrittenSince(BusyCustomerCommon):
    """A customer another transaction wrote and committed after the test's began: Odoo's
    repeatable read makes any write of it in the test's transaction a serialization
    failure, as between two salespeople confirming orders of one customer at once.

    A class of its own: the test's transaction (the class's) can never write that
    customer again, and the other connection's write is committed (it writes the row
    with its own values, so there is nothing to restore).
    """

    def test_confirmation_on_a_customer_written_since_succeeds(self):
        # The test's snapshot was taken by the class set-up; read the customer to be sure.
        self.assertEqual(self.busy.purchase_count, 0)
        other = self._other_transaction()
        self._write_from_other_transaction(other, self.busy)
        other.commit()
        orders = self._confirm(self.busy | self.calm)
        self.assertEqual(set(orders.mapped("state")), {"sale"}, "the salesperson's confirmation went through")
        self.assertEqual(
            self._queued(self.busy | self.calm).partner_id,
            self.busy | self.calm,
            "the transaction's customers are queued",
        )
        self.assertEqual((self.busy | self.calm).mapped("purchase_count"), [0, 0])

        # In this transaction the job loses to the other one again for that customer
        # (a fresh transaction, as the job's next run, would not); the other is done.
        with self.assertLogs(JOBS_LOGGER, "ERROR") as logs:
            self._apply_queue()
        self.assertEqual(len(logs.records), 1, "reported once the runner's retries are spent")
        self.assertRecordValues(self.calm, [{"relationship_level": "new", "purchase_count": 1}])
        self.assertTrue(self._queued(self.busy), "still queued for the next run")
        self.assertFalse(self._queued(self.calm))
        self.assertEqual(self.busy.purchase_count, 0)
