from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...tools import ru_names, ru_requisites

#: The legal data a contract uses, added to Odoo's: commercial fields, so that a contact
#: shows its company's.
LEGAL_FIELDS = (
    "legal_name",
    "kpp",
    "legal_address",
    "postal_address",
    "signatory_name",
    "signatory_gender",
    "signatory_name_genitive",
    "signatory_position",
    "signatory_position_genitive",
    "signatory_basis",
)

#: The order of an address's parts, as each language writes it in a contract.
ADDRESS_ORDER = {
    "ru": ("zip", "country", "state", "city", "street", "street2"),
    "default": ("street", "street2", "city", "state", "zip", "country"),
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The words of the legal data are translatable: a contract is written in its template's
    # language, the company's own legal data included ("the Charter" / "Устава").
    legal_name = fields.Char(
        string="Full legal name",
        translate=True,
        help="The name in contracts, e.g. Limited Liability Company “Acme”.",
    )
    kpp = fields.Char(string="KPP", size=9, help="Russian tax registration reason code (КПП) of a company.")
    legal_address = fields.Text(string="Legal address", translate=True, help="Leave empty to use the address.")
    postal_address = fields.Text(string="Postal address", translate=True, help="Leave empty to use the legal address.")
    signatory_name = fields.Char(string="Signatory", help="Who signs contracts, e.g. Anna Petrovna Sidorova.")
    signatory_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")],
        string="Signatory's gender",
        compute="_compute_signatory_gender",
        store=True,
        readonly=False,
        help="Agrees the words of a Russian contract with the signatory (действующего / действующей). "
        "Told by a Russian name; set it when the name does not tell.",
    )
    signatory_name_genitive = fields.Char(
        string="Signatory (genitive)",
        compute="_compute_signatory_name_genitive",
        store=True,
        readonly=False,
        help="The signatory's name in a Russian contract's preamble (в лице Сидоровой Анны Петровны). "
        "Filled in from the name; correct it when it is wrong.",
    )
    signatory_position = fields.Char(string="Signatory's position", translate=True, help="e.g. General Director.")
    signatory_position_genitive = fields.Char(
        string="Signatory's position (genitive)",
        compute="_compute_signatory_position_genitive",
        store=True,
        readonly=False,
        help="The position in a Russian contract's preamble (в лице генерального директора). "
        "Filled in from the position in Russian; correct it when it is wrong.",
    )
    signatory_basis = fields.Char(
        string="Acting on the basis of",
        translate=True,
        help="The signatory's authority as the contract's sentence ends with it: the Charter, or a power of "
        "attorney with its number and date (in Russian, in the genitive: Устава).",
    )

    @api.depends("signatory_name")
    def _compute_signatory_gender(self):
        for partner in self:
            partner.signatory_gender = ru_names.name_gender(partner.signatory_name) or partner.signatory_gender

    @api.depends("signatory_name", "signatory_gender")
    def _compute_signatory_name_genitive(self):
        for partner in self:
            partner.signatory_name_genitive = ru_names.name_genitive(partner.signatory_name, partner.signatory_gender)

    @api.depends("signatory_position")
    def _compute_signatory_position_genitive(self):
        # the Russian wording of the position, when Russian is active
        russian = "ru_RU" in dict(self.env["res.lang"].get_installed())
        for partner in self:
            position = (partner.with_context(lang="ru_RU") if russian else partner).signatory_position
            partner.signatory_position_genitive = ru_names.position_genitive(position)

    @api.constrains("vat", "kpp", "company_registry", "country_id")
    def _check_russian_requisites(self):
        """Refuse a wrong INN, KPP, OGRN or OGRNIP of a Russian company or entrepreneur (a
        contact shows its company's: it is not checked again). Empty values pass."""
        for partner in self:
            if partner.commercial_partner_id == partner and (errors := partner._get_requisite_errors()):
                raise ValidationError("\n".join(errors.values()))

    def _commercial_fields(self):
        return super()._commercial_fields() + list(LEGAL_FIELDS)

    def _get_contract_address(self):
        """The partner's address on one line, in the order of the environment's language (the
        contract's): "183038, Россия, Мурманск, ул. Ленина, 1" or "1 Main Street, Springfield,
        IL 62701, United States"; country and state names in that language."""
        self.ensure_one()
        lang = (self.env.lang or "en_US").split("_")[0]
        values = {
            "zip": self.zip,
            "country": self.country_id.name,
            "state": self.state_id.name,
            "city": self.city,
            "street": self.street,
            "street2": self.street2,
        }
        order = ADDRESS_ORDER.get(lang, ADDRESS_ORDER["default"])
        if order is ADDRESS_ORDER["default"] and values["state"] and values["zip"]:
            # "Springfield, IL 62701": the state and its postcode go together
            values["state"] = f"{self.state_id.code or values['state']} {values['zip']}"
            values["zip"] = None
        return ", ".join(values[key] for key in order if values[key])

    @api.model
    def _get_legal_data_labels(self):
        """Hook: {contract value: its name}, one name per requisite, as the *Legal data* tab
        shows it and the missing-data message lists it (INN is Odoo's tax ID, OGRN its company
        ID)."""
        return {
            "vat": self.env._("Tax ID (INN)"),
            "inn": self.env._("Tax ID (INN)"),
            "kpp": self.env._("KPP"),
            "ogrn": self.env._("Company ID (OGRN)"),
            "legal_address": self.env._("Legal address"),
            "bank_account": self.env._("Bank account"),
            "bank_name": self.env._("Bank"),
            "bic": self.env._("BIC"),
            "corr_account": self.env._("Correspondent account"),
            "signatory_name": self.env._("Signatory"),
            "signatory_position": self.env._("Signatory's position"),
            "signatory_basis": self.env._("Acting on the basis of"),
        }

    def _get_requisite_errors(self):
        """Hook: ``{legal data key: message}`` for each wrong requisite of the partner's
        commercial entity when it is Russian (INN in ``vat``, KPP, OGRN or OGRNIP in
        ``company_registry``); empty when they are right, empty or not Russian. The keys are
        those of :meth:`_get_legal_data_labels`."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if partner.country_id.code != "RU":
            return {}
        # base_vat's conventions: one character means "no INN"; the context key skips the check
        vat = partner.vat if len(partner.vat or "") > 1 and not self.env.context.get("no_vat_validation") else False
        requisites = {"vat": ("inn", vat), "kpp": ("kpp", partner.kpp), "ogrn": ("ogrn", partner.company_registry)}
        errors = {}
        for key, (requisite, value) in requisites.items():
            if message := self._get_requisite_error(requisite, value):
                errors[key] = message
        return errors

    @api.model
    def _get_requisite_error(self, requisite, value, bic=None):
        """The message saying what is wrong with a Russian requisite, or ``None`` when it is
        right or empty: "INN 7707083894: the check digit is wrong".

        :param requisite: ``inn``, ``kpp``, ``ogrn`` (an OGRN or an OGRNIP, by its length),
            ``bic``, ``bank_account`` (a settlement account) or ``corr_account``
        :param bic: the bank's BIC an account is checked against
        """
        if not value:
            return None
        checks = {
            "inn": ru_requisites.check_inn,
            "kpp": ru_requisites.check_kpp,
            "ogrn": ru_requisites.check_registration_number,
            "bic": ru_requisites.check_bic,
            "bank_account": lambda value: ru_requisites.check_settlement_account(value, bic),
            "corr_account": lambda value: ru_requisites.check_correspondent_account(value, bic),
        }
        reason = checks[requisite](value)
        if not reason:
            return None
        ogrnip = requisite == "ogrn" and ru_requisites.is_ogrnip(value)
        names = {
            "inn": self.env._("INN"),
            "kpp": self.env._("KPP"),
            "ogrn": self.env._("OGRNIP") if ogrnip else self.env._("OGRN"),
            "bic": self.env._("BIC"),
            "bank_account": self.env._("Bank account"),
            "corr_account": self.env._("Correspondent account"),
        }
        if reason == ru_requisites.CHECKSUM:
            if requisite in ("bank_account", "corr_account"):
                why = self.env._("it does not match BIC %(bic)s (its check digit is wrong)", bic=bic)
            else:
                why = self.env._("the check digit is wrong")
        else:
            why = {
                "inn": self.env._("it must have 10 digits (a company) or 12 (an individual)"),
                "kpp": self.env._("it must have 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits"),
                "ogrn": self.env._("it must have 13 digits starting with 1 or 5 (OGRN) or 15 starting with 3 (OGRNIP)"),
                "bic": self.env._("a Russian bank's BIC has 9 digits"),
                "bank_account": self.env._("it must have 20 digits"),
                "corr_account": self.env._("it must have 20 digits"),
            }[requisite]
        return self.env._("%(requisite)s %(value)s: %(reason)s", requisite=names[requisite], value=value, reason=why)

    def _get_contract_bank_account(self):
        """The bank account a contract shows: the first one with its bank (a contract needs
        the bank's codes), else the first one."""
        self.ensure_one()
        accounts = self.commercial_partner_id.bank_ids
        return accounts.filtered("bank_id")[:1] or accounts[:1]

    def _get_legal_data_errors(self):
        """``{legal data key: message}`` for each wrong requisite a contract of this partner
        would show: the partner's own (:meth:`_get_requisite_errors`), its contract bank
        account's and its bank's."""
        self.ensure_one()
        account = self._get_contract_bank_account()
        return {
            **self._get_requisite_errors(),
            **account.bank_id._get_requisite_errors(),
            **account._get_requisite_errors(),
        }

    def _get_legal_data_action(self):
        """The partner's form opened on its *Legal data* tab."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Legal data"),
            "res_model": "res.partner",
            "res_id": self.id,
            "views": [(self.env.ref("odoo_sales_followup.res_partner_view_form_legal_data").id, "form")],
            "target": "current",
        }
