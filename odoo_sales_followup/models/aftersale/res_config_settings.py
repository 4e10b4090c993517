from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    after_sale_trigger = fields.Selection(related="company_id.after_sale_trigger", readonly=False)
    after_sale_delay_days = fields.Integer(related="company_id.after_sale_delay_days", readonly=False)
