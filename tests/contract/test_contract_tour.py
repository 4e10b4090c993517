from odoo.tests import HttpCase, tagged

from ..common_contract import ContractCommon


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractTour(HttpCase, ContractCommon):
    def test_prepare_download_and_send(self):
        deal = self._contract_deal()
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_contract", login="osf_salesman")
        contract = deal.contract_id
        self.assertEqual(contract.state, "sent")
        self.assertEqual(len(contract.version_ids), 1)
        self.assertEqual(deal.stage_id, self.stage_payment_receipt)
