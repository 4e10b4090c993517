from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    legal_name = fields.Char(related="partner_id.legal_name", readonly=False)
    kpp = fields.Char(related="partner_id.kpp", readonly=False)
    legal_address = fields.Text(related="partner_id.legal_address", readonly=False)
    postal_address = fields.Text(related="partner_id.postal_address", readonly=False)
    signatory_name = fields.Char(related="partner_id.signatory_name", readonly=False)
    signatory_position = fields.Char(related="partner_id.signatory_position", readonly=False)
    signatory_basis = fields.Char(related="partner_id.signatory_basis", readonly=False)
