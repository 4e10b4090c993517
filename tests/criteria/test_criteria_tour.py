from odoo import Command
from odoo.tests import HttpCase, tagged

from ..common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestSuccessCriteriaTour(HttpCase, SuccessCriteriaCommon):
    def test_tick_with_a_document_then_enter_a_gated_stage(self):
        prospecting = self.env["crm.stage"].create({"name": "Prospecting", "sequence": 1, "team_id": self.team.id})
        agreement = self.env["crm.stage"].create(
            {
                "name": "Agreement",
                "sequence": 2,
                "team_id": self.team.id,
                "required_criterion_ids": [Command.set(self.contract_signed.ids)],
            }
        )
        self.team.success_criterion_ids = self.contract_signed
        Lead = self.env["crm.lead"].with_user(self.manager)
        Lead.create({"name": "Tour deal", "type": "opportunity", "team_id": self.team.id, "stage_id": prospecting.id})
        # a deal already in the gated stage, so that its column shows
        signed = Lead.create(
            {"name": "Signed deal", "type": "opportunity", "team_id": self.team.id, "stage_id": prospecting.id}
        )
        self._override(signed, agreement, reason="Signed on paper")
        self.start_tour("/odoo/crm", "odoo_sales_followup_success_criteria", login="osf_manager")
        deal = self.env["crm.lead"].search([("name", "=", "Tour deal")])
        self.assertEqual(deal.stage_id, agreement)
        line = deal.criterion_line_ids.filtered(lambda line: line.criterion_id == self.contract_signed)
        self.assertTrue(line.is_met)
        self.assertEqual(line.attachment_ids.name, "signed_contract.txt")
        self.assertEqual(line.met_user_id, self.manager)
