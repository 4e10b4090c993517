from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    contract_upload_max_mb = fields.Integer(related="company_id.contract_upload_max_mb", readonly=False)
    act_sign_days = fields.Integer(related="company_id.act_sign_days", readonly=False)
