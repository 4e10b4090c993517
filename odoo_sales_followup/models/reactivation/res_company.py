from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

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
