from odoo import fields, models


class CrmLeadCriterion(models.Model):
    _inherit = "crm.lead.criterion"

    met_origin = fields.Reference(selection_add=[("crm.lead", "Referral")])
