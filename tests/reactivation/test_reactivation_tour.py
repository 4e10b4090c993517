from odoo.tests import HttpCase, tagged

from ..common_reactivation import ReactivationCommon


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationTour(HttpCase, ReactivationCommon):
    """The reactivation pipeline in the browser, as a member and as the head."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team._action_reactivation_scan()  # Big Buyer to Carl, Dormant Dairy to Cleo
        cls.env.cr.flush()

    def test_member_calls_and_loses_with_a_churn_reason(self):
        lead = self._reactivation_leads(partner_id=self.big.id)
        self.assertEqual(lead.user_id, self.carl)
        self.start_tour("/odoo/reactivation-pipeline", "odoo_sales_followup_reactivation_member", login="osf_carl")
        self.assertRecordValues(
            lead, [{"active": False, "lost_reason_id": self.churn_competitor.id, "stage_id": self.stage_lost.id}]
        )

    def test_head_sees_the_whole_team(self):
        self.manager.company_id = self.rcompany  # the browser opens on the user's company
        self.start_tour("/odoo/reactivation-pipeline", "odoo_sales_followup_reactivation_head", login="osf_manager")
