from contextlib import contextmanager
from datetime import datetime

from odoo import Command, fields
from odoo.tests import TransactionCase
from odoo.tools import SQL

from odoo.addons.mail.tests.common import mail_new_test_user


def load_russian(env):
    """Activate Russian with the addon's translation, as an administrator does."""
    env["res.lang"]._activate_lang("ru_RU")
    env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])._update_translations("ru_RU")


class RelationshipLevelCommon(TransactionCase):
    """A small sales world, built without demo data.

    main company (threshold 2 purchases, interval 30 days, tolerance 1.5)
    ├── Acme Corp ─── Anna Acme (contact), Boris Acme (contact)
    ├── Globex, Initech: companies with no history yet
    ├── salesman (own documents), manager (Sales administrator),
    │   admin (Sales administrator and Settings)
    └── product "Consulting day" (service, 1,000 a day)
    """

    #: Values of every opportunity ``_opportunity`` builds, before the test's own.
    opportunity_defaults = {}

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
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
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

    def _opportunity(self, user=None, **values):
        """An opportunity of Acme in the test's team and first stage (``team``, ``stage_new``),
        created by ``user`` (else the test's user)."""
        Lead = self.env["crm.lead"].with_user(user) if user else self.env["crm.lead"]
        return Lead.create(
            {
                "name": values.pop("name", "Acme: 10 consulting days"),
                "type": "opportunity",
                "partner_id": self.acme.id,
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "stage_id": self.stage_new.id,
                **self.opportunity_defaults,
                **values,
            }
        )

    def _quotation(self, lead, price=1000.0):
        """A quotation of the opportunity ``lead``: one consulting day at ``price``."""
        return self.env["sale.order"].create(
            {
                "partner_id": lead.partner_id.id,
                "opportunity_id": lead.id,
                "user_id": lead.user_id.id,
                "team_id": lead.team_id.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price})
                ],
            }
        )

    def _pay(self, invoice, amount):
        """Register a payment of ``amount`` on ``invoice`` in the bank journal."""
        payments = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "journal_id": self.bank_journal.id})
            ._create_payments()
        )
        self._end_transaction()
        return payments

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

    @classmethod
    def _days_ago(cls, days):
        """The company's day ``days`` before its today (after it, when negative): the days the
        addon counts are the company's (``res.company._get_followup_today``), not UTC's."""
        return fields.Date.subtract(cls.env.company._get_followup_today(), days=days)

    def _store(self, records, **columns):
        """Write ``columns`` of ``records`` in SQL, as an SQL import or a module loaded
        before this addon leaves them (``None`` for NULL), and drop them from the cache."""
        self.env.flush_all()
        assignments = SQL(", ").join(SQL("%s = %s", SQL.identifier(column), value) for column, value in columns.items())
        self.env.cr.execute(
            SQL("UPDATE %s SET %s WHERE id = ANY(%s)", SQL.identifier(records._table), assignments, records.ids)
        )
        records.invalidate_model(list(columns))
