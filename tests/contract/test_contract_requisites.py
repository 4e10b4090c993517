from odoo import Command
from odoo.exceptions import RedirectWarning, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from ..common_contract import ContractCommon

# Sberbank's published requisites, and a Moscow company's account at it (see
# test_contract_requisites_tools.py).
SBER_INN, SBER_KPP, SBER_OGRN = "7707083893", "773601001", "1027700132195"
SBER_BIC, SBER_CORR = "044525225", "30101810400000000225"
ACCOUNT = "40702810238000139300"
OGRNIP = "317774600133510"


class RequisitesCommon(ContractCommon):
    def _save_unchecked(self, record, **values):
        """Write ``values`` to the database as a record saved before the checks existed."""
        record.flush_recordset()
        for field, value in values.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = %s",
                    SQL.identifier(record._table),
                    SQL.identifier(field),
                    value,
                    record.id,
                )
            )
        record.invalidate_recordset()


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractRequisites(RequisitesCommon):
    def test_russian_company_refused_with_the_field_and_the_reason(self):
        cases = (
            ({"vat": "7707083894"}, "^INN 7707083894: the check digit is wrong$"),
            ({"vat": "770708389"}, r"^INN 770708389: it must have 10 digits \(a company\) or 12"),
            ({"kpp": "77360100"}, "^KPP 77360100: it must have 9 characters"),
            ({"company_registry": "1027700132196"}, "^OGRN 1027700132196: the check digit is wrong$"),
            ({"company_registry": "HRB 123456"}, "^OGRN HRB 123456: it must have 13 digits"),
        )
        for values, message in cases:
            with self.subTest(values=values), self._refused(ValidationError, message):
                self.acme.with_user(self.salesman).write(values)
        # right, or empty: saved
        self.acme.with_user(self.salesman).write({"vat": SBER_INN, "kpp": SBER_KPP, "company_registry": SBER_OGRN})
        self.acme.with_user(self.salesman).write({"vat": False, "kpp": False, "company_registry": False})
        self.assertFalse(self.acme.vat)

    def test_new_russian_entrepreneur_checked_on_create(self):
        values = {"name": "IP Ivanov", "country_id": self.env.ref("base.ru").id, "vat": "246305425708"}
        with self._refused(ValidationError, "^OGRNIP 317774600133511: the check digit is wrong$"):
            self.env["res.partner"].create({**values, "company_registry": "317774600133511"})
        entrepreneur = self.env["res.partner"].create({**values, "company_registry": OGRNIP})
        self.assertEqual(entrepreneur.company_registry, OGRNIP)

    def test_foreign_and_countryless_partners_are_not_checked(self):
        germany = self.env.ref("base.de")
        partner = self.env["res.partner"].create(
            {"name": "Nord GmbH", "is_company": True, "country_id": germany.id, "company_registry": "HRB 123456"}
        )
        partner.kpp = "whatever"
        self.assertEqual(partner.kpp, "whatever")
        self.globex.write({"vat": "7707083894", "company_registry": "1"})
        # becoming Russian checks what it has
        with self._refused(ValidationError, "^INN 7707083894: the check digit is wrong\nOGRN 1: it must have"):
            self.globex.country_id = self.env.ref("base.ru")

    def test_old_wrong_requisites_stay_until_edited(self):
        self._save_unchecked(self.acme, vat="7707083894")
        self.acme.with_user(self.salesman).write({"phone": "+7 495 000-00-00", "signatory_name": "Пётр Сидоров"})
        # its contacts show it and are edited freely
        self.anna.with_user(self.salesman).write({"function": "Buyer", "country_id": self.env.ref("base.ru").id})
        with self._refused(ValidationError, "^INN 7707083894: the check digit is wrong$"):
            self.acme.with_user(self.salesman).write({"kpp": SBER_KPP})
        self.acme.with_user(self.salesman).write({"vat": SBER_INN})
        self.assertEqual(self.anna.vat, SBER_INN)

    def test_bank_account_key_against_the_bic(self):
        bank = self.acme.bank_ids.bank_id
        wrong = ACCOUNT[:-1] + "1"
        with self._refused(ValidationError, f"^Bank account {wrong}: it does not match BIC {SBER_BIC} "):
            self.acme.write({"bank_ids": [Command.create({"acc_number": wrong, "bank_id": bank.id})]})
        with self._refused(ValidationError, "^Bank account 4070281023800013930: it must have 20 digits$"):
            self.acme.bank_ids.acc_number = ACCOUNT[:-1]
        self.acme.bank_ids.acc_number = ACCOUNT
        # the same account at a bank of another BIC does not match it
        other = self.env["res.bank"].create({"name": "Alfa-Bank", "bic": "044525593"})
        with self._refused(ValidationError, f"^Bank account {ACCOUNT}: it does not match BIC 044525593 "):
            self.acme.bank_ids.bank_id = other
        # an IBAN at a foreign bank is not checked
        german = self.env["res.bank"].create(
            {"name": "Haspa", "bic": "HASPDEHHXXX", "country": self.env.ref("base.de").id}
        )
        self.acme.write({"bank_ids": [Command.create({"acc_number": "DE02200505501015871393", "bank_id": german.id})]})
        self.assertEqual(len(self.acme.bank_ids), 2)

    def test_bank_bic_and_correspondent_account(self):
        russia = self.env.ref("base.ru")
        with self._refused(ValidationError, "^BIC SABRRUMM: a Russian bank's BIC has 9 digits$"):
            self.env["res.bank"].create({"name": "Sber", "bic": "SABRRUMM", "country": russia.id})
        with self._refused(
            ValidationError, f"^Correspondent account 30101810400000000226: it does not match BIC {SBER_BIC} "
        ):
            self.env["res.bank"].create({"name": "Sber", "bic": SBER_BIC, "corr_account": "30101810400000000226"})
        bank = self.env["res.bank"].create(
            {"name": "Sber", "bic": SBER_BIC, "corr_account": SBER_CORR, "country": russia.id}
        )
        # its BIC edited from an account's line is checked too
        account = self.env["res.partner.bank"].create(
            {"partner_id": self.acme.id, "acc_number": ACCOUNT, "bank_id": bank.id}
        )
        with self._refused(ValidationError, "^BIC 04452522: a Russian bank's BIC has 9 digits$"):
            account.bank_bic = "04452522"
        # a bank abroad keeps its SWIFT code
        self.env["res.bank"].create({"name": "Haspa", "bic": "HASPDEHHXXX"})


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractPrepareRequisites(RequisitesCommon):
    def test_prepare_lists_an_old_wrong_inn_and_opens_the_partner(self):
        deal = self._contract_deal()
        self._save_unchecked(self.acme, vat="7707083894")
        with self._refused(RedirectWarning, "correct") as caught:
            deal.with_user(self.salesman).action_prepare_contract()
        message, action, button = caught.exception.args[:3]
        self.assertEqual(
            message,
            'To prepare the contract of "Acme ERP rollout" with template "Sample contract", correct: '
            "Acme Corp, INN 7707083894: the check digit is wrong.",
        )
        self.assertEqual(
            (action["res_model"], action["res_id"], button), ("res.partner", self.acme.id, "Open the legal data")
        )
        self.assertFalse(deal.contract_ids)
        # corrected, it is prepared
        self.acme.with_user(self.salesman).vat = SBER_INN
        self.assertEqual(self._prepare(deal).state, "prepared")

    def test_missing_and_wrong_in_one_list(self):
        deal = self._contract_deal()
        self.acme.signatory_name = False
        self._save_unchecked(self.acme.bank_ids, acc_number="40702810000000000002")
        self._save_unchecked(self.acme.bank_ids.bank_id, corr_account="30101810400000000226")
        with self._refused(RedirectWarning, "correct") as caught:
            deal.with_user(self.salesman).action_prepare_contract()
        self.assertEqual(
            caught.exception.args[0],
            'To prepare the contract of "Acme ERP rollout" with template "Sample contract", fill in: '
            "Acme Corp: Signatory; and correct: "
            f"Acme Corp, Bank account 40702810000000000002: it does not match BIC {SBER_BIC} "
            "(its check digit is wrong); "
            f"Acme Corp, Correspondent account 30101810400000000226: it does not match BIC {SBER_BIC} "
            "(its check digit is wrong).",
        )

    def test_a_foreign_customer_is_not_checked(self):
        deal = self._contract_deal()
        self._save_unchecked(self.acme, vat="7707083894")
        self.acme.write({"country_id": self.env.ref("base.de").id, "kpp": False})
        self.assertEqual(self._prepare(deal).state, "prepared")


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractRequisitesTour(HttpCase, RequisitesCommon):
    def test_contract_refused_for_a_wrong_inn(self):
        deal = self._contract_deal()
        self._save_unchecked(self.acme, vat="7707083894")
        # the refusal reaches the browser as a warning with its button; the server logs it
        with mute_logger("odoo.http"):
            self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_contract_wrong_inn", login="osf_salesman")
        self.assertFalse(deal.contract_ids)
