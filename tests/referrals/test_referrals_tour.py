from odoo.tests import HttpCase, tagged

from .test_referrals import ReferralsCommon


@tagged("post_install", "-at_install", "sales_followup_referrals")
class TestReferralsTour(HttpCase, ReferralsCommon):
    def test_new_referral_meets_recommendation(self):
        deal = self._won_deal()
        self.start_tour(f"/odoo/crm/{deal.id}", "odoo_sales_followup_referral", login="osf_salesman")
        lead = self.env["crm.lead"].search([("name", "=", "Globex, referred by Acme")])
        self.assertEqual(lead.referrer_partner_id, self.acme)
        self.assertEqual(self._recommendation(deal).met_origin, lead)

    def test_sources_to_sales(self):
        fair = self.env["utm.source"].create({"name": "Tour fair"})
        won = self._deal(name="Tour fair deal", expected_revenue=4200, source_id=fair.id)
        self._override(won, self.stage_won, reason="Signed")
        self._deal(name="Tour fair open deal", expected_revenue=900, source_id=fair.id)
        action = self.env.ref("odoo_sales_followup.action_crm_followup_source_analysis")
        self.start_tour(f"/odoo/action-{action.id}", "odoo_sales_followup_sources_to_sales", login="osf_manager")
