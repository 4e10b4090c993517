from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools.relationship_level import (
    DEFAULT_DORMANT_TOLERANCE,
    DEFAULT_PURCHASE_INTERVAL_DAYS,
    DEFAULT_PURCHASE_THRESHOLD,
    MAX_DORMANT_TOLERANCE,
    MAX_PURCHASE_INTERVAL_DAYS,
    MAX_PURCHASE_THRESHOLD,
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Empty (a company created while the addon was not loaded) means the default: the
    # engine reads these settings in SQL with their defaults.
    level_purchase_threshold = fields.Integer(
        string="Regular purchase threshold",
        default=DEFAULT_PURCHASE_THRESHOLD,
        help="Number of purchases from which a customer counts as an active customer.",
    )
    level_purchase_interval_days = fields.Integer(
        string="Default purchase interval (days)",
        default=DEFAULT_PURCHASE_INTERVAL_DAYS,
        help="Usual number of days between purchases, used until a customer has three "
        "purchase days of their own and when their tags set no interval.",
    )
    level_dormant_tolerance = fields.Float(
        string="Dormancy tolerance",
        default=DEFAULT_DORMANT_TOLERANCE,
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
            if company.level_purchase_threshold > MAX_PURCHASE_THRESHOLD:
                raise ValidationError(
                    _(
                        "The regular purchase threshold of %(company)s cannot exceed %(max)s purchases.",
                        company=company.name,
                        max=MAX_PURCHASE_THRESHOLD,
                    )
                )
            if company.level_purchase_interval_days <= 0:
                raise ValidationError(
                    _(
                        "The default purchase interval of %(company)s must be a positive number of days.",
                        company=company.name,
                    )
                )
            if company.level_purchase_interval_days > MAX_PURCHASE_INTERVAL_DAYS:
                raise ValidationError(
                    _(
                        "The default purchase interval of %(company)s cannot exceed %(max)s days.",
                        company=company.name,
                        max=MAX_PURCHASE_INTERVAL_DAYS,
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
            if company.level_dormant_tolerance > MAX_DORMANT_TOLERANCE:
                raise ValidationError(
                    _(
                        "The dormancy tolerance of %(company)s cannot exceed %(max)s.",
                        company=company.name,
                        max=MAX_DORMANT_TOLERANCE,
                    )
                )
