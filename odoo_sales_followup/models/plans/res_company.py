from odoo import fields, models

REVENUE_SOURCE_SELECTION = [("order", "Confirmed orders"), ("invoice", "Posted invoices")]


class ResCompany(models.Model):
    _inherit = "res.company"

    # Not required: empty means confirmed orders.
    plan_revenue_source = fields.Selection(
        REVENUE_SOURCE_SELECTION,
        string="Plan revenue from",
        default="order",
        help="What the actual revenue of sales plans sums: the untaxed amount of confirmed sales "
        "orders (by order date), or of posted customer invoices less refunds (by invoice date).",
    )
