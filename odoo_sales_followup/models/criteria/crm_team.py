from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmTeam(models.Model):
    _inherit = "crm.team"

    use_success_criteria = fields.Boolean(
        string="Deal checklist on opportunities",
        default=True,
        help="List success criteria on the team's opportunities. When off, they only list the criteria "
        "that the team's stages or winning require.",
    )
    success_criterion_ids = fields.Many2many(
        "crm.success.criterion",
        "crm_team_success_criterion_rel",
        string="Deal checklist",
        help="Success criteria listed on the team's opportunities. Leave empty to list every active criterion.",
    )
    won_criterion_ids = fields.Many2many(
        "crm.success.criterion",
        "crm_team_won_criterion_rel",
        string="Required to win",
        help="Success criteria an opportunity of this team must meet before it is marked won.",
    )
    criteria_override = fields.Boolean(
        string="Managers may override criteria",
        default=True,
        help="Sales administrators may move an opportunity despite missing criteria, or confirm by hand an "
        "automatic criterion its documents do not show, giving a reason that is logged on the opportunity.",
    )

    @api.constrains("success_criterion_ids", "won_criterion_ids", "company_id")
    def _check_criteria_company(self):
        for team in self.filtered("company_id"):
            criteria = team.success_criterion_ids | team.won_criterion_ids
            foreign = criteria - criteria.filtered_domain([("company_id", "in", [False, team.company_id.id])])
            if foreign:
                raise ValidationError(
                    _(
                        'Sales team "%(team)s" belongs to %(company)s and cannot use the criteria '
                        "of another company: %(criteria)s.",
                        team=team.name,
                        company=team.company_id.name,
                        criteria=", ".join(foreign.mapped("name")),
                    )
                )

    def _get_checklist_criteria(self, company):
        """The criteria listed on a new opportunity of this team (or of no team) in ``company``."""
        criteria = self.success_criterion_ids
        if not criteria and (self.use_success_criteria or not self):
            criteria = self.env["crm.success.criterion"].search([("company_id", "in", [False, company.id])])
        gated = (
            self.env["crm.stage"]
            .search([("required_criterion_ids", "!=", False), ("team_id", "in", [False, *self.ids])])
            .required_criterion_ids
        )
        criteria |= gated | self.won_criterion_ids
        return criteria.filtered_domain([("active", "=", True), ("company_id", "in", [False, company.id])])
