from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupChainStartWizard(models.TransientModel):
    _name = "followup.chain.start.wizard"
    _description = "Start an activity chain"

    res_model = fields.Char(required=True)
    res_ids = fields.Json(required=True)
    chain_id = fields.Many2one(
        "followup.chain",
        string="Chain",
        required=True,
        domain="[('res_model', '=', res_model), ('step_ids', '!=', False)]",
    )

    @api.model
    def _action_open(self, records):
        return {
            "type": "ir.actions.act_window",
            "name": _("Start a chain"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": records._name, "default_res_ids": records.ids},
        }

    def action_start(self):
        self.ensure_one()
        records = self.env[self.res_model].browse(self.res_ids).exists()
        records.check_access("write")
        runs = self.chain_id._start(records)
        if not runs:
            raise UserError(
                _(
                    "The chain “%s” did not start: it already runs on these records or their sales team, "
                    "tags, stage, amount or customer level do not meet its conditions.",
                    self.chain_id.name,
                )
            )
        return {"type": "ir.actions.act_window_close"}
