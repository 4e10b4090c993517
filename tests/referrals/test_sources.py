from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_referrals import ReferralsCommon


@tagged("post_install", "-at_install", "sales_followup_referrals")
class TestSourcesToSales(ReferralsCommon):
    """Source "Fair 2025": a lead lost at New (too expensive), a deal won in 10 days
    (4,200), an open deal, an open lead of the second salesman; and a lead of another
    company from the same source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fair = cls.env["utm.source"].create({"name": "Fair 2025"})
        cls.medium = cls.env["utm.medium"].create({"name": "Stand"})
        cls.too_expensive = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})

    def _analysis(self, user, groupby=()):
        Analysis = self.env["crm.followup.source.analysis"].with_user(user)
        return Analysis._read_group(
            [("source_id", "=", self.fair.id)],
            list(groupby),
            [
                "lead_count:sum",
                "opportunity_count:sum",
                "won_count:sum",
                "lost_count:sum",
                "revenue:sum",
                "opportunity_rate:avg",
                "won_rate:avg",
                "days_to_win:avg",
            ],
        )

    def _build(self):
        utm = {"source_id": self.fair.id, "medium_id": self.medium.id}
        Lead = self.env["crm.lead"].with_user(self.salesman)
        lost = Lead.create({"name": "Fair visitor", "type": "lead", "user_id": self.salesman.id, **utm})
        lost.with_user(self.salesman).action_set_lost(lost_reason_id=self.too_expensive.id)
        won = self._deal(name="Fair deal", expected_revenue=4200, **utm)
        self._override(won, self.stage_won, reason="Signed")
        self._deal(name="Fair open deal", expected_revenue=900, **utm)
        Lead.with_user(self.salesman_2).create(
            {"name": "Fair card", "type": "lead", "user_id": self.salesman_2.id, **utm}
        )
        self.env["crm.lead"].create(
            {"name": "Other company's visitor", "type": "lead", "company_id": self.other_company.id, **utm}
        )
        won.flush_recordset()
        self._store(won, create_date=fields.Datetime.now() - timedelta(days=10), date_closed=fields.Datetime.now())
        return lost, won

    def test_figures_of_a_source(self):
        lost, _won = self._build()
        ((leads, opportunities, won, lost_count, revenue, to_opportunity, to_won, days),) = self._analysis(self.manager)
        self.assertEqual((leads, opportunities, won, lost_count), (4, 2, 1, 1), "the lost lead counts")
        self.assertEqual(revenue, 4200.0, "the won deals' expected revenue")
        self.assertEqual((to_opportunity, to_won), (50.0, 25.0), "rates as averages of 0 and 100")
        self.assertAlmostEqual(days, 10.0, places=2)

        by_stage = (
            self.env["crm.followup.source.analysis"]
            .with_user(self.manager)
            ._read_group(
                [("source_id", "=", self.fair.id), ("lost_count", "=", 1)],
                ["lost_stage_id", "lost_reason_id"],
                ["__count"],
            )
        )
        self.assertEqual(by_stage, [(lost.stage_id, self.too_expensive, 1)], "lost at its stage, with its reason")

    def test_salesperson_sees_own_figures_and_company_rows_are_hidden(self):
        self._build()
        (own,) = self._analysis(self.salesman)
        self.assertEqual(own[:3], (3, 2, 1), "the second salesman's lead is not theirs")
        (theirs,) = self._analysis(self.salesman_2)
        self.assertEqual(theirs[:3], (1, 0, 0))
        (everything,) = self._analysis(self.manager)
        self.assertEqual(everything[0], 4, "the other company's lead is invisible")
        self.manager.company_ids |= self.other_company
        ((both,),) = (
            self.env["crm.followup.source.analysis"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id, self.other_company.id])
            ._read_group([("source_id", "=", self.fair.id)], [], ["lead_count:sum"])
        )
        self.assertEqual(both, 5, "visible once the company is allowed")
