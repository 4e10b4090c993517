from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        result = super().write(vals)
        trigger = {"sent": "quotation_sent", "sale": "quotation_confirmed"}.get(vals.get("state"))
        if trigger:
            self.env["followup.chain"]._start_chains(trigger, self.opportunity_id)
        return result
