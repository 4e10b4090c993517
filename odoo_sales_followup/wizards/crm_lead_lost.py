from odoo import api, fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    is_reactivation = fields.Boolean(string="Reactivation", compute="_compute_is_reactivation")

    @api.depends("lead_ids")
    def _compute_is_reactivation(self):
        for wizard in self:
            wizard.is_reactivation = any(wizard.lead_ids.mapped("is_reactivation"))
