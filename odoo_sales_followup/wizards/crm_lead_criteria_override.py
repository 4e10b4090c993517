from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadCriteriaOverride(models.TransientModel):
    _name = "crm.lead.criteria.override"
    _description = "Move an opportunity despite missing success criteria"

    # Required in the form; checked with a message in create and action_confirm rather than by
    # the database, whose error an RPC caller would get instead.
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    team_id = fields.Many2one(related="lead_id.team_id")
    stage_id = fields.Many2one(
        "crm.stage",
        string="Move to",
        domain="['|', ('team_id', '=', False), ('team_id', '=', team_id)]",
    )
    missing_criterion_ids = fields.Many2many(
        "crm.success.criterion", string="Missing criteria", compute="_compute_missing_criterion_ids"
    )
    reason = fields.Text(help="Why the deal moves on without these criteria; logged on it.")

    @api.depends("lead_id", "stage_id")
    def _compute_missing_criterion_ids(self):
        for wizard in self:
            lead = wizard.lead_id
            required = lead._get_required_criteria(wizard.stage_id) if lead else wizard.stage_id.required_criterion_ids
            met = lead.criterion_line_ids.filtered("is_met").criterion_id
            wizard.missing_criterion_ids = required - met

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for name, model in (("lead_id", "crm.lead"), ("stage_id", "crm.stage")):
                value = vals.get(name)
                if value and not (
                    isinstance(value, int) and not isinstance(value, bool) and self.env[model].browse(value).exists()
                ):
                    raise UserError(
                        _(
                            "%(field)s: %(value)s is not an existing record.",
                            field=self._fields[name]._description_string(self.env),
                            value=value,
                        )
                    )
        return super().create(vals_list)

    def action_confirm(self):
        self.ensure_one()
        if not self.lead_id:
            raise UserError(_("Choose the opportunity to move."))
        if not self.stage_id:
            raise UserError(_('Choose the stage to move "%(lead)s" to.', lead=self.lead_id.name))
        self.lead_id._move_overriding_criteria(self.stage_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
