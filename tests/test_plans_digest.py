import ast
from datetime import datetime, time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..odoo_sales_followup.tools.plans import digest_period, month_bounds
from .common import load_russian
from .common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansDigest(SalesPlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.colleague | cls.manager | cls.leader).write({"followup_digest_daily": True})
        cls.day_from, cls.day_to = digest_period("daily", cls.today)
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})

    def _closed_yesterday(self, leads):
        self._store(leads, date_closed=datetime.combine(self.day_from, time(11)))

    def _deals(self):
        won_own = self._opportunity(name="Anna wins Acme")
        won_colleague = self._opportunity(name="Carl wins Globex", user_id=self.colleague.id)
        lost_own = self._opportunity(name="Anna loses Initech")
        (won_own | won_colleague).write({"stage_id": self.stage_won.id})
        lost_own.action_set_lost(lost_reason_id=self.lost_reason.id)
        self._closed_yesterday(won_own | won_colleague | lost_own)

    def _mail_of(self, user):
        return self.env["crm.followup.digest"].search([("user_id", "=", user.id)]).mail_id

    def test_each_reader_sees_what_they_may_read(self):
        self._deals()
        month = {"date_from": month_bounds(self.day_from)[0], "date_to": month_bounds(self.day_from)[1]}
        self._plan(target_revenue=5000.0, **month)
        self._plan(user=self.colleague, target_revenue=7000.0, **month)
        sent = self.env["crm.followup.digest"]._cron_send("daily")
        self.assertEqual(sent.user_id, self.salesman | self.colleague | self.manager | self.leader)
        own = self._mail_of(self.salesman)
        self.assertEqual(len(own), 1)
        self.assertEqual(own.subject, f"Daily sales digest: {self.day_from.strftime('%m/%d/%Y')}")
        body = own.body_html
        self.assertIn("Anna wins Acme", body)
        self.assertIn("Anna loses Initech", body)
        self.assertIn("Too expensive", body)
        self.assertNotIn("Carl wins Globex", body)
        self.assertNotIn("Carl Colleague", body)
        self.assertNotIn("Chains stopped without an outcome", body)
        head = self._mail_of(self.manager).body_html
        for text in (
            "Anna wins Acme",
            "Carl wins Globex",
            "Carl Colleague",
            "Per salesperson",
            "Chains stopped without an outcome",
        ):
            self.assertIn(text, head)
        # The head's plans: the biggest gap first.
        self.assertLess(head.index("Carl Colleague"), head.index("Anna Salesman"))
        leader = self._mail_of(self.leader).body_html
        self.assertIn("Carl wins Globex", leader)
        self.assertIn("Per salesperson", leader)

    def test_a_restarted_job_sends_no_second_copy(self):
        Digest = self.env["crm.followup.digest"]
        first = Digest._cron_send("daily")
        self.assertEqual(len(first), 4)
        self.assertEqual(set(first.mapped("date_from")), {self.day_from})
        self.assertEqual(len(first.mail_id), 4)
        again = Digest._cron_send("daily")
        self.assertFalse(again)
        self.assertEqual(len(self.env["mail.mail"].search([("id", "in", first.mail_id.ids)])), 4)
        self.assertEqual(len(Digest.search([("periodicity", "=", "daily")])), 4)
        # The weekly digest is another period.
        self.salesman.followup_digest_weekly = True
        weekly = Digest._cron_send("weekly")
        self.assertIn(self.salesman, weekly.user_id)
        self.assertEqual(set(weekly.mapped("periodicity")), {"weekly"})

    def test_in_the_recipient_language_with_a_one_click_unsubscribe(self):
        load_russian(self.env)
        self.salesman.lang = "ru_RU"
        Digest = self.env["crm.followup.digest"]
        Digest._cron_send("daily")
        mail = self._mail_of(self.salesman)
        self.assertTrue(mail.subject.endswith(self.day_from.strftime("%d.%m.%Y")), mail.subject)
        unsubscribe = ast.literal_eval(mail.headers)["List-Unsubscribe"]
        self.assertIn("/odoo_sales_followup/digest/daily/unsubscribe_oneclick?", unsubscribe)
        self.assertIn(f"user_id={self.salesman.id}", unsubscribe)
        self.assertIn("/odoo_sales_followup/digest/daily/unsubscribe?", mail.body_html)
        # A forged token changes nothing; the user's own token unsubscribes.
        self.assertIsNone(Digest._unsubscribe(self.salesman.id, "daily", "forged"))
        self.assertIsNone(
            Digest._unsubscribe(self.colleague.id, "daily", Digest._get_unsubscribe_token(self.salesman.id, "daily"))
        )
        self.assertTrue(self.salesman.followup_digest_daily and self.colleague.followup_digest_daily)
        token = Digest._get_unsubscribe_token(self.salesman.id, "daily")
        self.assertEqual(Digest._unsubscribe(str(self.salesman.id), "daily", token), self.salesman)
        self.assertFalse(self.salesman.followup_digest_daily)
        self.assertFalse(self.salesman.followup_digest_weekly)

    def test_users_choose_their_own_digests_only(self):
        self.salesman.with_user(self.salesman).write({"followup_digest_weekly": True, "followup_digest_daily": False})
        self.assertEqual((self.salesman.followup_digest_weekly, self.salesman.followup_digest_daily), (True, False))
        with self._refused(AccessError, r"User"):
            self.colleague.with_user(self.salesman).write({"followup_digest_daily": False})
        self.assertTrue(self.colleague.followup_digest_daily)
