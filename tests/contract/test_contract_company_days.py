from datetime import date

from odoo.tests import freeze_time, tagged

from ..common_contract import ContractCommon

#: 23:30 UTC on 31 December 2026: 09:30 on 1 January 2027 in Vladivostok (UTC+10).
NEW_YEAR_THERE = "2026-12-31 23:30:00"


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractCompanyDays(ContractCommon):
    """The company works in Vladivostok: its new year has begun while UTC's has not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Vladivostok"

    def test_numbers_and_signature_dates_are_of_the_company_day(self):
        contract = self._prepare(self._contract_deal())
        other = self.env["res.company"].create({"name": "Other company"})
        other.resource_calendar_id.tz = "Asia/Vladivostok"
        Contract = self.env["followup.contract"].sudo()
        with freeze_time(NEW_YEAR_THERE):
            self.assertEqual(self.company._get_followup_today(), date(2027, 1, 1))
            self.assertEqual(Contract._next_number(other, peek=True), "C2027-0001")
            self.assertEqual(Contract._next_number(other, kind="act"), "A2027-0001")
            self.assertRegex(Contract._next_number(self.company, peek=True), r"^C2027-\d{4}$")
            action = contract.with_user(self.salesman).action_mark_signed()
            wizard = (
                self.env["followup.contract.upload.wizard"]
                .with_user(self.salesman)
                .with_context(**action["context"])
                .create({"file": "JVBERiBzY2FubmVk", "file_name": "signed.pdf"})
            )
            self.assertEqual(wizard.signed_date, date(2027, 1, 1), "signed today, the company's today")
            wizard.signed_date = False  # no date given: the company's today
            wizard.action_confirm()
        self.assertEqual(contract.signed_date, date(2027, 1, 1))
