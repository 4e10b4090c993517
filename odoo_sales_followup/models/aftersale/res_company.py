from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Longest delay of the after-sale call, in days (ten years).
MAX_AFTER_SALE_DELAY_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"

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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_after_sale_delay_value(vals.get("name"), vals.get("after_sale_delay_days"))
        return super().create(vals_list)

    def write(self, vals):
        if "after_sale_delay_days" in vals:
            for company in self:
                company._check_after_sale_delay_value(company.name, vals["after_sale_delay_days"])
        return super().write(vals)

    @api.constrains("after_sale_delay_days")
    def _check_after_sale_delay_days(self):
        for company in self:
            company._check_after_sale_delay_value(company.name, company.after_sale_delay_days)

    @api.model
    def _check_after_sale_delay_value(self, company_name, days):
        """Refuse a delay below 0 or above ``MAX_AFTER_SALE_DELAY_DAYS``, before it reaches the
        database (a delay of ten million days once made every "won" fail)."""
        if isinstance(days, int) and not isinstance(days, bool) and not 0 <= days <= MAX_AFTER_SALE_DELAY_DAYS:
            raise ValidationError(
                _(
                    "The after-sale call delay (days) of %(company)s must be from 0 to %(max)s, not %(days)s.",
                    company=company_name or "",
                    max=MAX_AFTER_SALE_DELAY_DAYS,
                    days=days,
                )
            )
