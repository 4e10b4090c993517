from odoo import fields, models

from ...tools.relationship_level import (
    DEFAULT_DORMANT_TOLERANCE,
    DEFAULT_PURCHASE_INTERVAL_DAYS,
    DEFAULT_PURCHASE_THRESHOLD,
    MAX_DORMANT_TOLERANCE,
    MAX_PURCHASE_INTERVAL_DAYS,
    MAX_PURCHASE_THRESHOLD,
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "followup.bounds.mixin"]
    _followup_bounds = {
        "level_purchase_threshold": (1, MAX_PURCHASE_THRESHOLD),
        "level_purchase_interval_days": (1, MAX_PURCHASE_INTERVAL_DAYS),
        "level_dormant_tolerance": (1, MAX_DORMANT_TOLERANCE),
    }

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
