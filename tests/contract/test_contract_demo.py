from odoo.tests import TransactionCase, tagged

from ..common_contract import ContractCommon


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractDemo(TransactionCase):
    """The demo's prepared contract (the suite installs the addon with its demo data)."""

    def test_nordlicht_contract_prepared_from_its_quotation(self):
        module = self.env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])
        self.assertTrue(module.demo, "the demo tests need the addon installed with its demo data")
        lead = self.env.ref("odoo_sales_followup.demo_lead_projects_nordlicht")
        contract = lead.contract_id
        self.assertEqual((contract.state, len(contract.version_ids)), ("prepared", 1))
        self.assertEqual(contract.template_id, self.env.ref("odoo_sales_followup.contract_template_sample"))
        self.assertIn("Nordlicht Engineering GmbH & Co. KG", ContractCommon._docx_text(contract.docx_attachment_id))
        self.assertIn("Nordlicht Engineering GmbH & Co. KG", ContractCommon._pdf_text(contract.pdf_attachment_id))
        projects = self.env.ref("odoo_sales_followup.demo_team_projects")
        self.assertEqual(
            projects._get_contract_payment_stage(), self.env.ref("odoo_sales_followup.demo_stage_projects_payment")
        )
        severstroy = self.env.ref("odoo_sales_followup.demo_partner_severstroy")
        self.assertEqual(
            (severstroy.kpp, severstroy.bank_ids.bank_id.corr_account), ("519001001", "30101810400000000225")
        )
        # the Russian customer's requisites pass their checks: a contract of it is prepared
        self.assertEqual((severstroy.country_id.code, severstroy._get_legal_data_errors()), ("RU", {}))
        self.assertEqual(severstroy.vat, "5190123455")
