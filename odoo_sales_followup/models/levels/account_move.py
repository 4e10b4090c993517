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
