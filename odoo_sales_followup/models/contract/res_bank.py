from odoo import fields, models


class ResBank(models.Model):
    _inherit = "res.bank"

    corr_account = fields.Char(
        string="Correspondent account", help="The bank's correspondent account (корреспондентский счёт)."
    )


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    bank_corr_account = fields.Char(related="bank_id.corr_account", readonly=False)
