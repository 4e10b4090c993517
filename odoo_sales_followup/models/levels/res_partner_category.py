from odoo import fields, models

from ...tools.relationship_level import MAX_PURCHASE_INTERVAL_DAYS


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _inherit = ["res.partner.category", "followup.bounds.mixin"]
    _followup_bounds = {"purchase_interval_days": (0, MAX_PURCHASE_INTERVAL_DAYS)}

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
