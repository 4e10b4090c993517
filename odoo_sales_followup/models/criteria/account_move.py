from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _compute_payment_state(self):
        result = super()._compute_payment_state()
        # Paid, partly paid, reversed or cancelled: the prepayment and full payment criteria follow.
        invoices = self.filtered(
            lambda move: isinstance(move.id, int) and move.move_type in ("out_invoice", "out_refund")
        )
        if invoices:
            self.env["crm.lead"]._queue_criteria_updates(move_ids=invoices.ids)
        return result
