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
    reactivation_team_id = fields.Many2one(
        "crm.team",
        string="Reactivation team",
        check_company=True,
        help="Sales team whose pipeline receives the dormant customers to call back. "
        "Without a team, the reactivation scan skips this company.",
    )
    reactivation_excluded_category_ids = fields.Many2many(
        "res.partner.category",
        "res_company_reactivation_category_rel",
        "company_id",
        "category_id",
        string="Excluded tags",
        help="Customers with one of these tags are never called back by the reactivation team.",
    )
    reactivation_min_purchases = fields.Integer(
        string="Minimum purchases",
        default=2,
        help="Only customers with at least this many past purchases are called back.",
    )
    reactivation_assignment = fields.Selection(
        [
            ("salesperson", "Customer's salesperson, else the least loaded member"),
            ("round_robin", "Round-robin"),
            ("least_open", "Least open reactivation opportunities"),
        ],
        string="Assignment rule",
        default="salesperson",
        required=True,
        help="How the reactivation scan chooses the team member who calls each customer.",
    )
    reactivation_weekly_capacity = fields.Integer(
        string="Calls per member per week",
        default=25,
        help="Reactivation opportunities a team member receives per week at most (0: no limit). "
        "Customers beyond the team's capacity wait for the next scan.",
    )

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

    @api.constrains("reactivation_min_purchases", "reactivation_weekly_capacity")
    def _check_reactivation_settings(self):
        for company in self:
            if company.reactivation_min_purchases < 1:
                raise ValidationError(
                    _(
                        "The minimum number of purchases for reactivation of %(company)s must be at least 1.",
                        company=company.name,
                    )
                )
            if company.reactivation_weekly_capacity < 0:
                raise ValidationError(
                    _(
                        "The weekly reactivation capacity of %(company)s cannot be negative (0 means no limit).",
                        company=company.name,
                    )
                )
