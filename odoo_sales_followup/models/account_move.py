from odoo import fields, models

#: Key of the invoices whose chains may have to stop at the end of the transaction.
PENDING_PAID = "odoo_sales_followup.chain_paid_invoices"


class AccountMove(models.Model):
    _inherit = "account.move"

    followup_run_ids = fields.One2many("followup.chain.run", "move_id", string="Activity chains")

    def write(self, vals):
        if not {"state", "invoice_date", "partner_id"} & vals.keys():
            return super().write(vals)
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        previous = invoices.partner_id if "partner_id" in vals else self.env["res.partner"]
        result = super().write(vals)
        if invoices:
            if "state" in vals:
                event = "invoice_posted" if vals["state"] == "posted" else "invoice_cancelled"
            else:
                event = "invoice_changed"
            origins = self.env["res.partner"]._origins_of(invoices)
            (previous | invoices.partner_id)._update_relationship_levels(event, origins=origins)
            if vals.get("state") == "posted":
                self.env["followup.chain"]._start_chains("invoice_posted", invoices)
            elif "state" in vals:
                self.env["followup.chain.run"]._stop_on_records(invoices)
        return result

    def _compute_payment_state(self):
        super()._compute_payment_state()
        # Paid, partly paid, reversed or cancelled: the prepayment and full payment criteria follow.
        invoices = self.filtered(
            lambda move: isinstance(move.id, int) and move.move_type in ("out_invoice", "out_refund")
        )
        if invoices:
            self.env["crm.lead"]._queue_criteria_updates(move_ids=invoices.ids)
        paid = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.payment_state in ("paid", "in_payment", "reversed")
        )
        paid_ids = [move_id for move_id in paid.ids if isinstance(move_id, int)]
        if paid_ids:
            # Computed while flushing a payment: stop the invoices' chains just before the commit.
            precommit = self.env.cr.precommit
            pending = precommit.data.get(PENDING_PAID)
            if pending is None:
                pending = precommit.data[PENDING_PAID] = set()
                precommit.add(self.env["account.move"]._stop_paid_invoice_chains)
            pending.update(paid_ids)

    def _stop_paid_invoice_chains(self):
        ids = self.env.cr.precommit.data.pop(PENDING_PAID, set())
        invoices = self.env["account.move"].sudo().browse(ids).exists()
        self.env["followup.chain.run"]._stop_on_records(invoices, reasons=("paid",))
        self.env.flush_all()

    # ---- activity chains ----

    def _get_followup_lead(self):
        """The opportunity this invoice comes from, through its sales orders."""
        self.ensure_one()
        return self.invoice_line_ids.sale_line_ids.order_id.opportunity_id[:1]

    def _get_followup_salesperson(self):
        return self.invoice_user_id

    def action_start_followup_chain(self):
        return self.env["followup.chain.start.wizard"]._action_open(self)
