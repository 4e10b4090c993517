from odoo import fields, models

#: The legal data a contract uses, added to Odoo's: commercial fields, so that a contact
#: shows its company's.
LEGAL_FIELDS = (
    "legal_name",
    "kpp",
    "legal_address",
    "postal_address",
    "signatory_name",
    "signatory_position",
    "signatory_basis",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    legal_name = fields.Char(
        string="Full legal name", help="The name in contracts, e.g. Limited Liability Company “Acme”."
    )
    kpp = fields.Char(string="KPP", size=9, help="Russian tax registration reason code (КПП) of a company.")
    legal_address = fields.Text(string="Legal address", help="Leave empty to use the address.")
    postal_address = fields.Text(string="Postal address", help="Leave empty to use the legal address.")
    signatory_name = fields.Char(string="Signatory", help="Who signs contracts, e.g. Ivan Petrov.")
    signatory_position = fields.Char(string="Signatory's position", help="e.g. General Director.")
    signatory_basis = fields.Char(
        string="Acting on the basis of",
        help="The signatory's authority, e.g. the Charter, or a power of attorney with its number and date.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + list(LEGAL_FIELDS)

    def _get_contract_address(self):
        """The partner's address on one line, as a contract writes it."""
        self.ensure_one()
        parts = [
            self.zip,
            self.country_id.name,
            self.state_id.name,
            self.city,
            self.street,
            self.street2,
        ]
        return ", ".join(part for part in parts if part)
