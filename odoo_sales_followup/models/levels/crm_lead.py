from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    partner_relationship_level = fields.Selection(related="partner_id.relationship_level", string="Customer level")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self._update_partner_levels(leads)
        return leads

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals:
            self._update_partner_levels(self)
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners._update_relationship_levels("lead")
        return result

    @api.model
    def _update_partner_levels(self, leads):
        leads.partner_id._update_relationship_levels("lead", origins=self.env["res.partner"]._origins_of(leads))
