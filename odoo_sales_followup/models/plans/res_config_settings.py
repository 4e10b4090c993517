from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    plan_revenue_source = fields.Selection(related="company_id.plan_revenue_source", readonly=False)
