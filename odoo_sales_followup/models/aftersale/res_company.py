from odoo import fields, models

#: Longest delay of the after-sale call, in days (ten years).
MAX_AFTER_SALE_DELAY_DAYS = 3650


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "followup.bounds.mixin"]
    _followup_bounds = {"after_sale_delay_days": (0, MAX_AFTER_SALE_DELAY_DAYS)}

    after_sale_trigger = fields.Selection(
        selection=[("won", "When the deal is won"), ("full_payment", "When it is paid in full"), ("none", "Never")],
        string="Plan the after-sale call",
        default="won",
        help="When the after-sale call is planned; empty means when the deal is won.",
    )
    after_sale_delay_days = fields.Integer(
        string="After-sale call delay (days)",
        default=14,
        help="Days between winning (or full payment of) a deal and its after-sale call, from 0 to 3650.",
    )
