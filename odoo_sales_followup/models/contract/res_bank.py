from odoo import fields, models


class ResBank(models.Model):
    _inherit = "res.bank"

    corr_account = fields.Char(
        string="Correspondent account", help="The bank's correspondent account (корреспондентский счёт)."
    )
