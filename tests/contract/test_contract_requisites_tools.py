from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import ru_requisites as req
from ...odoo_sales_followup.tools.ru_requisites import CHECKSUM, FORMAT

# Real published requisites.
# Sberbank (its own site): INN, KPP, OGRN, BIC and correspondent account.
SBER = {
    "inn": "7707083893",
    "kpp": "773601001",
    "ogrn": "1027700132195",
    "bic": "044525225",
    "corr": "30101810400000000225",
}
# A Moscow company's invoice requisites (LLC Brandshop): INN, KPP, OGRN, and its settlement
# account at Sberbank.
BRANDSHOP = {"inn": "9729285657", "kpp": "775101001", "ogrn": "1197746385616", "account": "40702810238000139300"}
# An individual entrepreneur's published requisites: 12-digit INN, OGRNIP, account at Sberbank.
ENTREPRENEUR = {"inn": "246305425708", "ogrnip": "317774600133510", "account": "40802810838000054879"}


def one_digit_changed(number, position=-1):
    """``number`` with the digit at ``position`` increased by one (9 becomes 0)."""
    digit = str((int(number[position]) + 1) % 10)
    position %= len(number)
    return number[:position] + digit + number[position + 1 :]


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestRuRequisites(BaseCase):
    def test_inn(self):
        for number in (SBER["inn"], BRANDSHOP["inn"], ENTREPRENEUR["inn"], "RU7707083893", " 7707 083893 "):
            self.assertIsNone(req.check_inn(number), number)
        self.assertEqual(req.check_inn(one_digit_changed(SBER["inn"])), CHECKSUM)
        self.assertEqual(req.check_inn(one_digit_changed(SBER["inn"], 3)), CHECKSUM)
        self.assertEqual(req.check_inn(one_digit_changed(ENTREPRENEUR["inn"])), CHECKSUM)
        for wrong in ("770708389", "77070838931", "770708389X", "BE0477472701", "７７０７０８３８９３"):
            self.assertEqual(req.check_inn(wrong), FORMAT, wrong)

    def test_kpp(self):
        for kpp in (SBER["kpp"], BRANDSHOP["kpp"], "7736AB001", "77360100 1"):
            self.assertIsNone(req.check_kpp(kpp), kpp)
        for wrong in ("77360100", "7736010011", "7736ab001", "A73601001", "77360100Z"):
            self.assertEqual(req.check_kpp(wrong), FORMAT, wrong)

    def test_ogrn_and_ogrnip(self):
        for ogrn in (SBER["ogrn"], BRANDSHOP["ogrn"]):
            self.assertIsNone(req.check_ogrn(ogrn))
            self.assertIsNone(req.check_registration_number(ogrn))
            self.assertEqual(req.check_ogrn(one_digit_changed(ogrn)), CHECKSUM)
            self.assertEqual(req.check_ogrn(one_digit_changed(ogrn, 5)), CHECKSUM)
        self.assertIsNone(req.check_ogrnip(ENTREPRENEUR["ogrnip"]))
        self.assertIsNone(req.check_registration_number(ENTREPRENEUR["ogrnip"]))
        self.assertTrue(req.is_ogrnip(ENTREPRENEUR["ogrnip"]))
        self.assertEqual(req.check_ogrnip(one_digit_changed(ENTREPRENEUR["ogrnip"])), CHECKSUM)
        self.assertEqual(req.check_registration_number(one_digit_changed(ENTREPRENEUR["ogrnip"], 7)), CHECKSUM)
        # a 13-digit number is no OGRNIP, an OGRNIP no OGRN, another record's number (2...) neither
        self.assertEqual(req.check_ogrnip(SBER["ogrn"]), FORMAT)
        self.assertEqual(req.check_ogrn(ENTREPRENEUR["ogrnip"]), FORMAT)
        self.assertEqual(req.check_ogrn("2" + SBER["ogrn"][1:]), FORMAT)
        self.assertEqual(req.check_registration_number("HRB 123456"), FORMAT)

    def test_bic(self):
        self.assertIsNone(req.check_bic(SBER["bic"]))
        self.assertTrue(req.is_russian_bic(SBER["bic"]))
        for wrong in ("04452522", "0445252250", "SABRRUMM", "SABRRUMMXXX"):
            self.assertEqual(req.check_bic(wrong), FORMAT, wrong)
            self.assertFalse(req.is_russian_bic(wrong))

    def test_settlement_account_against_the_bic(self):
        for account in (BRANDSHOP["account"], ENTREPRENEUR["account"], "40702 810 2380 0013 9300"):
            self.assertIsNone(req.check_settlement_account(account, SBER["bic"]), account)
        self.assertEqual(req.check_settlement_account(one_digit_changed(BRANDSHOP["account"]), SBER["bic"]), CHECKSUM)
        self.assertEqual(
            req.check_settlement_account(one_digit_changed(BRANDSHOP["account"], 3), SBER["bic"]), CHECKSUM
        )
        # the same account at another bank (Alfa-Bank, BIC 044525593) does not match it
        self.assertEqual(req.check_settlement_account(BRANDSHOP["account"], "044525593"), CHECKSUM)
        for wrong in ("4070281023800013930", "407028102380001393001", "DE89370400440532013000"):
            self.assertEqual(req.check_settlement_account(wrong, SBER["bic"]), FORMAT, wrong)
        # without a valid BIC only the digits are checked; a treasury account has no key
        self.assertIsNone(req.check_settlement_account(one_digit_changed(BRANDSHOP["account"]), False))
        self.assertIsNone(req.check_settlement_account("03100643000000017300", "004525988"))

    def test_correspondent_account_against_the_bic(self):
        self.assertIsNone(req.check_correspondent_account(SBER["corr"], SBER["bic"]))
        self.assertEqual(req.check_correspondent_account(one_digit_changed(SBER["corr"]), SBER["bic"]), CHECKSUM)
        self.assertEqual(req.check_correspondent_account(SBER["corr"], "044030653"), CHECKSUM)
        self.assertEqual(req.check_correspondent_account("3010181040000000022", SBER["bic"]), FORMAT)
        # the Federal Treasury's single account is the correspondent account of its BIC
        self.assertIsNone(req.check_correspondent_account("40102810545370000003", "004525988"))
