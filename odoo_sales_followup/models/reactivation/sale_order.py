from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # A customer who buys again is reactivated (orders imported as confirmed too).
        self.env["crm.lead"]._reactivation_queue_orders(orders.filtered(lambda order: order.state == "sale"))
        return orders

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "sale":
            self.env["crm.lead"]._reactivation_queue_orders(self)
        return result
