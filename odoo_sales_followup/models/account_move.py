from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

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
        return result

    def _compute_payment_state(self):
        super()._compute_payment_state()
        # Paid, partly paid, reversed or cancelled: the prepayment and full payment criteria follow.
        invoices = self.filtered(
            lambda move: isinstance(move.id, int) and move.move_type in ("out_invoice", "out_refund")
        )
        if invoices:
            self.env["crm.lead"]._queue_criteria_updates(move_ids=invoices.ids)
