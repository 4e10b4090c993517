from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools.relationship_level import MAX_PURCHASE_INTERVAL_DAYS


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    purchase_interval_days = fields.Integer(
        string="Purchase interval (days)",
        help="Usual number of days between purchases for customers with this tag, used until "
        "a customer has three purchase days of their own. Leave 0 to use the company's default. "
        "With several tags, the shortest interval applies.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "purchase_interval_days" in vals:
            partners = self.env["res.partner"].with_context(active_test=False).search([("category_id", "in", self.ids)])
            partners._update_relationship_levels("recompute")
        return result

    @api.constrains("purchase_interval_days")
    def _check_purchase_interval_days(self):
        for category in self:
            if category.purchase_interval_days < 0:
                raise ValidationError(
                    _(
                        "The purchase interval of the tag %(tag)s cannot be negative: "
                        "enter a number of days, or 0 to use the company's default.",
                        tag=category.name,
                    )
                )
            if category.purchase_interval_days > MAX_PURCHASE_INTERVAL_DAYS:
                raise ValidationError(
                    _(
                        "The purchase interval of the tag %(tag)s cannot exceed %(max)s days.",
                        tag=category.name,
                        max=MAX_PURCHASE_INTERVAL_DAYS,
                    )
                )
