from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmStage(models.Model):
    _inherit = "crm.stage"

    required_criterion_ids = fields.Many2many(
        "crm.success.criterion",
        string="Required criteria",
        help="Success criteria an opportunity must meet before it enters this stage.",
    )

    @api.constrains("required_criterion_ids", "team_id")
    def _check_required_criteria_company(self):
        for stage in self.filtered("team_id.company_id"):
            criteria = stage.required_criterion_ids
            foreign = criteria - criteria.filtered_domain([("company_id", "in", [False, stage.team_id.company_id.id])])
            if foreign:
                raise ValidationError(
                    _(
                        'Stage "%(stage)s" belongs to %(company)s and cannot require the criteria '
                        "of another company: %(criteria)s.",
                        stage=stage.name,
                        company=stage.team_id.company_id.name,
                        criteria=", ".join(foreign.mapped("name")),
                    )
                )
