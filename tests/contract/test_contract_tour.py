from odoo import Command
from odoo.tests import HttpCase, tagged

from ..common import load_russian
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


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractTourProjects(HttpCase):
    """The demo's Projects team, in Russian: a new deal of a Russian customer is prepared on the
    Russian template and sent by its salesperson (the demo user), waits in the payment stage,
    and enters In work once the demo accountant registers the payment."""

    def test_projects_deal_in_russian_to_in_work(self):
        ref = self.env.ref
        team = ref("odoo_sales_followup.demo_team_projects", raise_if_not_found=False)
        if not team:
            self.skipTest("the tour walks the demo's Projects team: install the addon with its demo data")
        load_russian(self.env)
        salesperson = ref("base.user_demo")
        salesperson.lang = "ru_RU"
        customer = ref("odoo_sales_followup.demo_partner_severstroy")
        customer.lang = "ru_RU"
        deal = (
            self.env["crm.lead"]
            .with_user(salesperson)
            .create(
                {
                    "name": "СеверСтрой: второй склад",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "team_id": team.id,
                    "user_id": salesperson.id,
                }
            )
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "opportunity_id": deal.id,
                "user_id": salesperson.id,
                "team_id": team.id,
                "order_line": [
                    Command.create(
                        {"product_id": ref("odoo_sales_followup.demo_product_consulting").id, "product_uom_qty": 3}
                    )
                ],
            }
        )
        order.action_confirm()  # the proposal is accepted: the payment stage lets the deal in
        self.env.cr.flush()
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_contract_ru", login="demo")
        contract = deal.contract_id
        self.assertEqual(
            (contract.state, contract.template_id), ("sent", ref("odoo_sales_followup.contract_template_sample_ru"))
        )
        self.assertEqual(deal.stage_id, team._get_contract_payment_stage())
        invoice = order._create_invoices()
        invoice.action_post()
        accountant = ref("odoo_sales_followup.demo_user_accountant")
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1
        )
        self.env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": invoice.amount_total, "journal_id": journal.id})._create_payments()
        self.env.cr.flush()
        self.assertEqual(deal.stage_id, ref("odoo_sales_followup.stage_in_work"))
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_contract_ru_paid", login="demo")
