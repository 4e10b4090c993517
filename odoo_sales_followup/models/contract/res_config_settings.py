from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    contract_upload_max_mb = fields.Integer(related="company_id.contract_upload_max_mb", readonly=False)
