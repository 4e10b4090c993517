from odoo import fields, models

from .. import before_commit

#: Key of the invoices whose chains may have to stop at the end of the transaction.
PENDING_PAID = "odoo_sales_followup.chain_paid_invoices"


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "followup.chain.record"]

    followup_run_ids = fields.One2many("followup.chain.run", "move_id", string="Activity chains")

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        result = super().write(vals)
        if invoices:
            if vals["state"] == "posted":
                self.env["followup.chain"]._start_chains("invoice_posted", invoices)
            else:
                self.env["followup.chain.run"]._stop_on_records(invoices)
        return result

    def _compute_payment_state(self):
        result = super()._compute_payment_state()
        paid = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.payment_state in ("paid", "in_payment", "reversed")
        )
        paid_ids = [move_id for move_id in paid.ids if isinstance(move_id, int)]
        if paid_ids:
            # Computed while flushing a payment: stop the invoices' chains just before the commit.
            before_commit.collect(self.env, PENDING_PAID, self.env["account.move"]._stop_paid_invoice_chains).update(
                paid_ids
            )
        return result

    def _stop_paid_invoice_chains(self):
        ids = before_commit.take(self.env, PENDING_PAID, set())
        invoices = self.env["account.move"].sudo().browse(ids).exists()
        self.env["followup.chain.run"]._stop_on_records(invoices, reasons=("paid",))
        self.env.flush_all()

    # ---- followup.chain.record ----

    def _get_followup_lead(self):
        """The opportunity this invoice comes from, through its sales orders."""
        self.ensure_one()
        return self.invoice_line_ids.sale_line_ids.order_id.opportunity_id[:1]

    def _get_followup_salesperson(self):
        return self.invoice_user_id

    def _get_followup_amount(self):
        return self.amount_total
