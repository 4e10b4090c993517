from odoo import api, models
from odoo.tools import create_index


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        result = super().init()
        # Purchases of a customer in date order, for the relationship level engine.
        create_index(
            self.env.cr,
            "sale_order_followup_purchase_idx",
            self._table,
            ["partner_id", "date_order"],
            where="state = 'sale'",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # Orders imported as confirmed are purchases from the start.
        event = "order_confirmed" if "sale" in orders.mapped("state") else "quotation"
        self._update_partner_levels(orders.partner_id, orders, event)
        return orders

    def write(self, vals):
        previous = self.partner_id if "partner_id" in vals else self.env["res.partner"]
        result = super().write(vals)
        if {"state", "date_order", "partner_id"} & vals.keys():
            event = {"sale": "order_confirmed", "cancel": "order_cancelled"}.get(vals.get("state"), "order_changed")
            self._update_partner_levels(previous | self.partner_id, self, event)
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners._update_relationship_levels("order_changed")
        return result

    @api.model
    def _update_partner_levels(self, partners, orders, event):
        partners._update_relationship_levels(event, origins=self.env["res.partner"]._origins_of(orders))
