from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..common_criteria import SuccessCriteriaCommon


class ReferralsCommon(SuccessCriteriaCommon):
    """The criteria's world, plus Acme as a customer with a won deal.

    Acme Corp (a purchase: a level) ─── won deal "Acme ERP rollout" (salesman)
    second salesman "Boris Salesman" in the Projects team
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman_2 = mail_new_test_user(
            cls.env, login="osf_salesman_2", name="Boris Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.team.member_ids |= cls.salesman_2

    def _won_deal(self, **values):
        deal = self._deal(**values)
        self._override(deal, self.stage_won, reason="Won on the phone")
        self._end_transaction()
        return deal

    def _referral(self, referrer, user=None, **values):
        """A lead referred by ``referrer``, created by ``user`` (else the salesman)."""
        user = user or self.salesman
        lead = (
            self.env["crm.lead"]
            .with_user(user)
            .create(
                {
                    "name": values.pop("name", "Friend of Acme"),
                    "type": "opportunity",
                    "user_id": user.id,
                    "team_id": self.team.id,
                    "stage_id": self.stage_new.id,
                    "referrer_partner_id": referrer.id,
                    **values,
                }
            )
        )
        self._end_transaction()
        return lead

    def _recommendation(self, deal):
        deal.invalidate_recordset()
        return self._line(deal, self.recommendation)


@tagged("post_install", "-at_install", "sales_followup_referrals")
class TestReferralRule(ReferralsCommon):
    def test_shipped_recommendation_is_met_by_a_referral(self):
        self.assertEqual(self.recommendation.rule, "referral")
        self._order(self.acme)  # Acme is a customer: it has a level
        deal = self._won_deal()
        self.assertFalse(self._recommendation(deal).is_met)

        lead = self._referral(self.anna)  # a contact of Acme recommends us
        self.assertEqual(lead.referral_deal_id, deal, "the referrer's latest won deal is credited")
        line = self._recommendation(deal)
        self.assertTrue(line.is_met)
        self.assertEqual(line.met_origin, lead)
        self.assertIn("Recommendation: met by Friend of Acme", " ".join(deal.message_ids.mapped("preview")))

        history = self._changes(self.acme).filtered(lambda change: change.event == "referral")
        self.assertEqual(len(history), 1, "the referrer's level history shows the referral")
        self.assertEqual(history.origin_ref, lead)
        self.assertEqual(history.level_from, history.level_to, "a referral moves no level")

        with self._refused(UserError, "met automatically once a lead is recorded as referred"):
            self._recommendation(deal).with_user(self.salesman).write({"is_met": False})

    def test_latest_won_deal_is_credited_and_kept(self):
        older = self._won_deal(name="Acme pilot")
        latest = self._won_deal(name="Acme rollout")
        self._store(older, date_closed="2024-01-10 10:00:00")
        self._store(latest, date_closed="2024-06-10 10:00:00")
        lead = self._referral(self.acme)
        self.assertEqual(lead.referral_deal_id, latest)
        self.assertTrue(self._recommendation(latest).is_met)
        self.assertFalse(self._recommendation(older).is_met)
        # a deal won later does not take over a referral made before it
        self._won_deal(name="Acme extension")
        self.assertEqual(lead.referral_deal_id, latest)

    def test_change_of_referrer_and_deletion_unmeet(self):
        self._order(self.acme)
        deal = self._won_deal()
        first = self._referral(self.anna, name="First friend")
        second = self._referral(self.boris, name="Second friend", user=self.salesman_2)

        first.with_user(self.salesman).referrer_partner_id = self.globex
        self._end_transaction()
        self.assertFalse(first.referral_deal_id, "Globex has no won deal to credit")
        self.assertTrue(self._recommendation(deal).is_met, "the other referral still meets it")
        self.assertEqual(
            self._changes(self.acme).filtered(lambda change: change.event == "referral").origin_ref, second
        )

        second.with_user(self.salesman_2).referrer_partner_id = False
        self._end_transaction()
        self.assertFalse(self._recommendation(deal).is_met, "no referral left: no longer met")
        self.assertFalse(self._changes(self.acme).filtered(lambda change: change.event == "referral"))

        second.with_user(self.salesman_2).referrer_partner_id = self.anna
        self._end_transaction()
        self.assertEqual(self._recommendation(deal).met_origin, second)
        second.action_set_lost()
        self._end_transaction()
        self.assertTrue(self._recommendation(deal).is_met, "a lost referral was still a recommendation")

        second.with_user(self.manager).unlink()  # salespeople may not delete leads
        self._end_transaction()
        self.assertFalse(self._recommendation(deal).is_met, "the referral deleted: no longer met")

    def test_new_referral_from_the_deal(self):
        deal = self._won_deal()
        action = deal.with_user(self.salesman).action_new_referral()
        self.assertEqual(action["res_model"], "crm.lead")
        Lead = self.env["crm.lead"].with_user(self.salesman).with_context(**action["context"])
        lead = Lead.create({"name": "Globex"})
        self._end_transaction()
        self.assertEqual(lead.referrer_partner_id, self.acme)
        self.assertEqual(lead.referred, "Acme Corp", "Odoo's free-text Referred By says it too")
        self.assertTrue(self._recommendation(deal).is_met)
        self.assertEqual(self.acme.referral_count, 1)
        self.assertEqual(deal.referral_count, 1)
        referrals = self.env["crm.lead"].search(self.acme.action_view_referrals()["domain"])
        self.assertEqual(referrals, lead)

    def test_referral_deal_is_set_by_the_addon_only(self):
        deal = self._won_deal()
        lead = self._referral(self.globex)
        with self._refused(Exception, "cannot be set by hand"):
            lead.with_user(self.salesman).write({"referral_deal_id": deal.id})


@tagged("post_install", "-at_install", "sales_followup_referrals")
class TestReferralReport(ReferralsCommon):
    def _figures(self, user, referrer):
        Report = self.env["crm.followup.referral.report"].with_user(user)
        rows = Report._read_group(
            [("referrer_id", "=", referrer.id)], [], ["lead_count:sum", "won_count:sum", "revenue:sum"]
        )
        return rows[0]

    def test_report_per_referring_customer(self):
        self._won_deal()
        won = self._referral(self.anna, name="Won referral", expected_revenue=5000)
        self._override(won, self.stage_won, reason="Signed")
        lost = self._referral(self.boris, name="Lost referral", expected_revenue=700)
        lost.action_set_lost()
        self._referral(self.acme, name="Colleague's referral", user=self.salesman_2, expected_revenue=300)
        self._referral(self.globex, name="Globex's referral")
        self.env.flush_all()

        self.assertEqual(self._figures(self.manager, self.acme), (3, 1, 5000.0), "contacts count for their company")
        self.assertEqual(self._figures(self.manager, self.globex), (1, 0, 0.0))
        self.assertEqual(
            self._figures(self.salesman, self.acme), (2, 1, 5000.0), "a salesperson sees their own deals only"
        )
        self.assertEqual(self._figures(self.salesman_2, self.acme), (1, 0, 0.0))


@tagged("post_install", "-at_install", "sales_followup_referrals")
class TestReferralsDemo(TransactionCase):
    def test_demo_referral_chain(self):
        ref = self.env.ref
        technosnab = ref("odoo_sales_followup.demo_partner_technosnab")
        won = ref("odoo_sales_followup.demo_lead_technosnab_won")
        first = ref("odoo_sales_followup.demo_lead_referral_polyus")
        line = won.criterion_line_ids.filtered(
            lambda line: line.criterion_id == ref("odoo_sales_followup.criterion_recommendation")
        )
        self.assertEqual((line.is_met, line.met_origin), (True, first), "TechnoSnab's referral met Recommendation")
        (figures,) = self.env["crm.followup.referral.report"]._read_group(
            [("referrer_id", "=", technosnab.id)], [], ["lead_count:sum", "won_count:sum", "revenue:sum"]
        )
        self.assertEqual(figures, (2, 1, 3600.0), "two leads brought, one won")
        history = self.env["res.partner.level.change"].search(
            [("partner_id", "=", technosnab.id), ("event", "=", "referral")]
        )
        self.assertEqual(len(history), 2, "its level history shows the referrals")
