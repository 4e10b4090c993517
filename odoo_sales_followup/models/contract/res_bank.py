from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...tools import ru_requisites


class ResBank(models.Model):
    _inherit = "res.bank"

    corr_account = fields.Char(
        string="Correspondent account", help="The bank's correspondent account (корреспондентский счёт)."
    )

    @api.constrains("bic", "corr_account", "country")
    def _check_russian_requisites(self):
        """Refuse a wrong BIC or correspondent account of a Russian bank. Empty values pass."""
        for bank in self:
            if errors := bank._get_requisite_errors():
                raise ValidationError("\n".join(errors.values()))

    def _is_russian_bank(self):
        """A bank in Russia, or with a Russian BIC (9 digits; a SWIFT code has 8 or 11 characters)."""
        self.ensure_one()
        return self.country.code == "RU" or ru_requisites.is_russian_bic(self.bic)

    def _get_requisite_errors(self):
        """``{"bic" | "corr_account": message}`` for the wrong codes of a Russian bank; empty
        for no bank, a foreign one or right codes."""
        if not self or not self._is_russian_bank():
            return {}
        self.ensure_one()
        Partner = self.env["res.partner"]
        requisites = {
            "bic": Partner._get_requisite_error("bic", self.bic),
            "corr_account": Partner._get_requisite_error("corr_account", self.corr_account, bic=self.bic),
        }
        return {key: message for key, message in requisites.items() if message}


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    bank_corr_account = fields.Char(related="bank_id.corr_account", readonly=False)

    @api.constrains("acc_number", "bank_id")
    def _check_russian_requisites(self):
        """Refuse an account of a Russian bank that is not 20 digits or whose key does not
        match the bank's BIC."""
        for account in self:
            if errors := account._get_requisite_errors():
                raise ValidationError("\n".join(errors.values()))

    def _get_requisite_errors(self):
        """``{"bank_account": message}`` when the account of a Russian bank is wrong; empty
        for no account, a foreign bank's or a right one."""
        if not self or not self.bank_id or not self.bank_id._is_russian_bank():
            return {}
        self.ensure_one()
        message = self.env["res.partner"]._get_requisite_error("bank_account", self.acc_number, bic=self.bank_id.bic)
        return {"bank_account": message} if message else {}
