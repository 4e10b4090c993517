from contextlib import contextmanager
from datetime import date, datetime

from odoo import Command, fields
from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


class RelationshipLevelCommon(TransactionCase):
    """A small sales world, built without demo data.

    main company (threshold 2 purchases, interval 30 days, tolerance 1.5)
    ├── Acme Corp ─── Anna Acme (contact), Boris Acme (contact)
    ├── Globex, Initech: companies with no history yet
    ├── salesman (own documents), manager (Sales administrator),
    │   admin (Sales administrator and Settings)
    └── product "Consulting day" (service, 1,000 a day)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.company.write(
            {"level_purchase_threshold": 2, "level_purchase_interval_days": 30, "level_dormant_tolerance": 1.5}
        )
        cls.salesman = mail_new_test_user(
            cls.env, login="osf_salesman", name="Anna Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.manager = mail_new_test_user(
            cls.env, login="osf_manager", name="Mark Manager", groups="sales_team.group_sale_manager"
        )
        cls.admin = mail_new_test_user(
            cls.env,
            login="osf_admin",
            name="Ada Admin",
            groups="sales_team.group_sale_manager,base.group_system",
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 1000.0, "invoice_policy": "order"}
        )
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Acme Corp", "is_company": True, "user_id": cls.salesman.id})
        cls.anna, cls.boris = Partner.create(
            [
                {"name": "Anna Acme", "parent_id": cls.acme.id},
                {"name": "Boris Acme", "parent_id": cls.acme.id},
            ]
        )
        cls.globex, cls.initech = Partner.create(
            [{"name": "Globex", "is_company": True}, {"name": "Initech", "is_company": True}]
        )

    def _order(self, partner, day=None, confirm=True):
        """A sales order of one consulting day, confirmed and dated ``day``."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        if confirm:
            order.action_confirm()
        if day:
            order.date_order = datetime.combine(day, datetime.min.time().replace(hour=12))
        self._end_transaction()
        return order

    def _invoice(self, partner, day, post=True):
        """A customer invoice that belongs to no sales order."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 500.0})],
            }
        )
        if post:
            invoice.action_post()
        self._end_transaction()
        return invoice

    @contextmanager
    def _refused(self, exception, pattern):
        """Like ``assertRaisesRegex``, but rolled back as Odoo's ``assertRaises`` does."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def _end_transaction(self):
        """What happens before a commit: levels touched by the transaction are updated."""
        self.env.cr.flush()

    def _changes(self, partner):
        return self.env["res.partner.level.change"].search([("partner_id", "=", partner.id)], order="id")

    @staticmethod
    def _days_ago(days):
        return fields.Date.subtract(date.today(), days=days)
