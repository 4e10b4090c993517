from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"
    #: Ranges of the settings, enforced by the shared bounds mechanism.
    _followup_bounds = {"contract_upload_max_mb": (1, 100), "act_sign_days": (1, 365)}

    legal_name = fields.Char(related="partner_id.legal_name", readonly=False)
    kpp = fields.Char(related="partner_id.kpp", readonly=False)
    legal_address = fields.Text(related="partner_id.legal_address", readonly=False)
    postal_address = fields.Text(related="partner_id.postal_address", readonly=False)
    signatory_name = fields.Char(related="partner_id.signatory_name", readonly=False)
    signatory_position = fields.Char(related="partner_id.signatory_position", readonly=False)
    signatory_basis = fields.Char(related="partner_id.signatory_basis", readonly=False)
    signatory_gender = fields.Selection(related="partner_id.signatory_gender", readonly=False)
    signatory_name_genitive = fields.Char(related="partner_id.signatory_name_genitive", readonly=False)
    signatory_position_genitive = fields.Char(related="partner_id.signatory_position_genitive", readonly=False)
    contract_upload_max_mb = fields.Integer(
        string="Contract uploads up to (MB)",
        default=10,
        help="The largest edited contract or signed copy a user may upload, in megabytes.",
    )
    act_sign_days = fields.Integer(
        string="Days to sign the act after payment",
        default=10,
        help="A deal paid in full whose act of completed work is not signed this many days later appears in "
        "the controls: the deals' filter, My day and the digests.",
    )
