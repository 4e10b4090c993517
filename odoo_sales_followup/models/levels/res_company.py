from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    level_purchase_threshold = fields.Integer(
        string="Regular purchase threshold",
        default=2,
        help="Number of purchases from which a customer counts as an active customer.",
    )
    level_purchase_interval_days = fields.Integer(
        string="Default purchase interval (days)",
        default=30,
        help="Usual number of days between purchases, used until a customer has three "
        "purchase days of their own and when their tags set no interval.",
    )
    level_dormant_tolerance = fields.Float(
        string="Dormancy tolerance",
        default=1.5,
        digits=(16, 2),
        help="A customer becomes dormant when the days since the last purchase exceed "
        "the purchase interval times this factor.",
    )

    @api.constrains("level_purchase_threshold", "level_purchase_interval_days", "level_dormant_tolerance")
    def _check_level_settings(self):
        for company in self:
            if company.level_purchase_threshold < 1:
                raise ValidationError(
                    _(
                        "The regular purchase threshold of %(company)s must be at least 1 purchase.",
                        company=company.name,
                    )
                )
            if company.level_purchase_interval_days <= 0:
                raise ValidationError(
                    _(
                        "The default purchase interval of %(company)s must be a positive number of days.",
                        company=company.name,
                    )
                )
            if company.level_dormant_tolerance < 1:
                raise ValidationError(
                    _(
                        "The dormancy tolerance of %(company)s must be 1 or more: "
                        "a customer cannot be dormant before the purchase interval has passed.",
                        company=company.name,
                    )
                )
