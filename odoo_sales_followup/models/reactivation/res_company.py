from odoo import api, fields, models

from ...tools.reactivation import (
    DEFAULT_ASSIGNMENT_RULE,
    DEFAULT_MIN_PURCHASES,
    DEFAULT_WEEKLY_CAPACITY,
    MAX_MIN_PURCHASES,
    MAX_WEEKLY_CAPACITY,
)

#: Record rule of the reactivation opportunities, in security/odoo_sales_followup_security.xml.
REACTIVATION_RULE = "odoo_sales_followup.crm_lead_rule_reactivation"

#: Its domain. It names only fields of crm, so that it holds while Odoo loads the
#: modules before this addon (updating crm runs crm's tests with a registry that does
#: not know the reactivation fields yet): the reactivation teams are literals, written
#: by ``_update_reactivation_rule`` whenever a company's reactivation team changes.
REACTIVATION_RULE_DOMAIN = (
    "[(1, '=', 1)] if user.has_group('sales_team.group_sale_manager') else ["
    "'|', '|', '|', "
    "('team_id', 'not in', {team_ids}), "
    "('user_id', '=', user.id), "
    "('team_id.user_id', '=', user.id), "
    "('team_id.crm_team_member_ids.user_id', '=', user.id)]"
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "followup.bounds.mixin"]
    _followup_bounds = {
        "reactivation_min_purchases": (1, MAX_MIN_PURCHASES),
        "reactivation_weekly_capacity": (0, MAX_WEEKLY_CAPACITY),
    }

    reactivation_team_id = fields.Many2one(
        "crm.team",
        string="Reactivation team",
        check_company=True,
        help="Sales team whose pipeline receives the dormant customers to call back. "
        "Without a team, the reactivation scan skips this company. Only the team's members, "
        "its leader and Sales administrators see the opportunities of its pipeline.",
    )
    reactivation_excluded_category_ids = fields.Many2many(
        "res.partner.category",
        "res_company_reactivation_category_rel",
        "company_id",
        "category_id",
        string="Excluded tags",
        help="Customers with one of these tags are never called back by the reactivation team.",
    )
    # Empty settings (a company created while the addon was not loaded) mean their
    # defaults: the scan reads them in SQL with the defaults.
    reactivation_min_purchases = fields.Integer(
        string="Minimum purchases",
        default=DEFAULT_MIN_PURCHASES,
        help="Only customers with at least this many past purchases are called back.",
    )
    reactivation_assignment = fields.Selection(
        [
            ("salesperson", "Customer's salesperson"),
            ("round_robin", "Round-robin"),
            ("least_open", "Least loaded member"),
        ],
        string="Assignment rule",
        default=DEFAULT_ASSIGNMENT_RULE,
        help="Who calls each customer back. Customer's salesperson: their salesperson when a member "
        "of the team, else the least loaded member. Round-robin: each member in turn. Least loaded "
        "member: the member with the fewest open reactivation opportunities. Empty means the "
        "customer's salesperson.",
    )
    reactivation_weekly_capacity = fields.Integer(
        string="Calls per member per week",
        default=DEFAULT_WEEKLY_CAPACITY,
        help="Reactivation opportunities a team member receives per week at most (0: no limit). "
        "Customers beyond the team's capacity wait for the next scan.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        if any(vals.get("reactivation_team_id") for vals in vals_list):
            self._update_reactivation_rule()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if "reactivation_team_id" in vals:
            self._update_reactivation_rule()
        return result

    @api.model
    def _update_reactivation_rule(self):
        """Write the current reactivation teams of every company into the record rule of
        the reactivation opportunities (see ``REACTIVATION_RULE_DOMAIN``). Called when a
        company's reactivation team changes, and when the addon is installed or updated."""
        # sudo: the rule follows the teams of every company, whoever changed one of them;
        # writing a record rule is beyond what the settings' users may do themselves.
        rule = self.env.ref(REACTIVATION_RULE, raise_if_not_found=False)
        if not rule:
            return
        companies = self.sudo().with_context(active_test=False).search([("reactivation_team_id", "!=", False)])
        domain = REACTIVATION_RULE_DOMAIN.format(team_ids=sorted(set(companies.reactivation_team_id.ids)))
        if rule.sudo().domain_force != domain:
            rule.sudo().write({"domain_force": domain})
