from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    after_sale_trigger = fields.Selection(
        selection=[("won", "When the deal is won"), ("full_payment", "When it is paid in full"), ("none", "Never")],
        string="Plan the after-sale call",
        default="won",
        required=True,
    )
    after_sale_delay_days = fields.Integer(
        string="After-sale call delay (days)",
        default=14,
        help="Days between winning (or full payment of) a deal and its after-sale call.",
    )

    @api.constrains("after_sale_delay_days")
    def _check_after_sale_delay_days(self):
        for company in self:
            if company.after_sale_delay_days < 0:
                raise ValidationError(
                    _(
                        "The after-sale call delay of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )
