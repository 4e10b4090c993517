from odoo.tests import HttpCase, tagged

from ..common import load_russian
from ..common_contract import ContractCommon


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractActTour(HttpCase, ContractCommon):
    def test_prepare_send_and_mark_signed_a_paid_deals_act(self):
        deal, invoice = self._invoiced_deal()
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_act", login="osf_salesman")
        act = deal.act_id
        self.assertEqual((act.state, act.move_id, act.signed_attachment_id.name), ("signed", invoice, "signed_act.pdf"))
        line = deal.criterion_line_ids.filtered(
            lambda line: line.criterion_id == self.env.ref("odoo_sales_followup.criterion_act_signed")
        )
        self.assertEqual((line.is_met, line.fact_date), (True, act.signed_date))

    def test_the_act_read_in_russian(self):
        load_russian(self.env)
        self.salesman.lang = "ru_RU"
        self.acme.write({"lang": "ru_RU", "signatory_position": "генеральный директор", "signatory_basis": "Устава"})
        deal, _invoice = self._invoiced_deal(price=1234.56)
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_act_ru", login="osf_salesman")
        act = deal.act_id
        self.assertEqual(act.template_id, self.env.ref("odoo_sales_followup.act_template_sample_ru"))
        text = self._docx_text(act.docx_attachment_id)
        self.assertIn(f"АКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ) № {act.name}", text)
        self.assertIn("в лице генерального директора Ивана Петрова, действующего на основании Устава", text)
        self.assertIn("одна тысяча двести тридцать четыре доллара 56 центов", text)
        self.assertIn("АКТ ВЫПОЛНЕННЫХ РАБОТ", self._pdf_text(act.pdf_attachment_id))
