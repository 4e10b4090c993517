from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadCriteriaOverride(models.TransientModel):
    _name = "crm.lead.criteria.override"
    _description = "Move an opportunity despite missing success criteria"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, readonly=True)
    team_id = fields.Many2one(related="lead_id.team_id")
    stage_id = fields.Many2one(
        "crm.stage",
        string="Move to",
        required=True,
        domain="['|', ('team_id', '=', False), ('team_id', '=', team_id)]",
    )
    missing_criterion_ids = fields.Many2many(
        "crm.success.criterion", string="Missing criteria", compute="_compute_missing_criterion_ids"
    )
    reason = fields.Text(required=True, help="Why the deal moves on without these criteria; logged on it.")

    @api.depends("lead_id", "stage_id")
    def _compute_missing_criterion_ids(self):
        for wizard in self:
            required = wizard.stage_id.required_criterion_ids
            if wizard.stage_id.is_won:
                required |= wizard.lead_id.team_id.won_criterion_ids
            met = wizard.lead_id.criterion_line_ids.filtered("is_met").criterion_id
            wizard.missing_criterion_ids = required - met

    def action_confirm(self):
        self.ensure_one()
        if not self.reason.strip():
            raise UserError(_("Give the reason why the deal moves on without its criteria."))
        lead = self.lead_id.with_context(followup_criteria_override=self.reason.strip())
        lead.write({"stage_id": self.stage_id.id})
        return {"type": "ir.actions.act_window_close"}
