import ast
from datetime import datetime, time
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ...odoo_sales_followup.models.crm_followup_digest import CrmFollowupDigest
from ...odoo_sales_followup.tools.plans import digest_period, month_bounds
from ..common import load_russian
from ..common_plans import SalesPlanCommon

JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


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

    def test_a_failing_recipient_does_not_stop_the_others(self):
        self.manager.followup_digest_daily = False  # three recipients: Anna, Carl, Lena
        Digest = self.env["crm.followup.digest"]
        render = CrmFollowupDigest._render_digest

        def failing_for_carl(digest, user, group, sections):
            if user == self.colleague:
                raise ValueError("Carl's template is broken")
            return render(digest, user, group, sections)

        with (
            patch.object(CrmFollowupDigest, "_render_digest", failing_for_carl),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            sent = Digest._cron_send("daily")
        self.assertEqual(sent.user_id, self.salesman | self.leader)
        self.assertEqual(len(logs.records), 1)
        self.assertIn(f"failed for res.users({self.colleague.id},)", logs.output[0])
        notice = self.env["mail.message"].search([("subject", "=", "Sales digests not sent")])
        self.assertEqual(len(notice), 1)
        self.assertIn(self.manager.partner_id, notice.partner_ids, "the Sales administrators")
        self.assertIn("could not be sent to 1 of 3 recipients", notice.body)
        self.assertIn("Carl's template is broken", notice.body)
        # The next run sends Carl's, and no second copy to the others.
        again = Digest._cron_send("daily")
        self.assertEqual(again.user_id, self.colleague)
        markers = Digest.search([("periodicity", "=", "daily")])
        self.assertEqual(sorted(markers.user_id.ids), sorted((self.salesman | self.colleague | self.leader).ids))
        self.assertEqual(len(markers.mail_id), 3)

    def test_only_users_who_may_read_sales_data_get_digests(self):
        employee = mail_new_test_user(self.env, login="osf_employee", name="Emma Employee", groups="base.group_user")
        employee.followup_digest_daily = True  # ticked before the toggle was hidden, or by an administrator
        sent = self.env["crm.followup.digest"]._cron_send("daily")
        self.assertEqual(sent.user_id, self.salesman | self.colleague | self.manager | self.leader)
        self.assertFalse(self.env["mail.message"].search([("subject", "=", "Sales digests not sent")]))
        # The Preferences offer the digests to those who may read them only.
        view = self.env.ref("base.view_users_form_simple_modif")
        for user, shown in ((employee, False), (self.salesman, True)):
            arch = self.env["res.users"].with_user(user).get_view(view.id)["arch"]
            self.assertEqual("followup_digest_daily" in arch, shown, user.name)

    def test_a_digest_reads_the_figures_without_writing_the_plans(self):
        month_from, month_to = month_bounds(self.day_from)
        plan = self._plan(target_revenue=4000.0, date_from=month_from, date_to=month_to)
        self.env.flush_all()
        self.acme.user_id = self.salesman
        self._order(self.acme, self.day_from).user_id = self.salesman
        self.env["crm.followup.digest"]._cron_send("daily")
        self.assertIn("1,000.00", self._mail_of(self.salesman).body_html, "today's figures")
        plan.invalidate_recordset()
        self.assertEqual(plan.actual_revenue, 0.0, "the stored figures are left to their own refresh")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansDigestUnsubscribe(HttpCase):
    def test_malformed_parameters_are_not_found(self):
        user = mail_new_test_user(
            self.env, login="osf_reader", name="Rita Reader", groups="sales_team.group_sale_salesman"
        )
        user.followup_digest_daily = True
        Digest = self.env["crm.followup.digest"]
        token = Digest._get_unsubscribe_token(user.id, "daily")
        base = "/odoo_sales_followup/digest/daily"
        for user_id in ("9" * 5000, "abc", "-1", "0", "", "1e3", "\u0661", str(2**40)):
            with self.subTest(user_id=user_id[:20]):
                response = self.url_open(f"{base}/unsubscribe_oneclick", data={"user_id": user_id, "token": token})
                self.assertEqual(response.status_code, 404)
                response = self.url_open(f"{base}/unsubscribe?user_id={user_id}&token={token}")
                self.assertEqual(response.status_code, 404)
        for token_value in ("é", "x" * 5000):
            response = self.url_open(f"{base}/unsubscribe_oneclick", data={"user_id": user.id, "token": token_value})
            self.assertEqual(response.status_code, 404)
        response = self.url_open(
            "/odoo_sales_followup/digest/hourly/unsubscribe_oneclick", data={"user_id": user.id, "token": token}
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(user.followup_digest_daily)
        response = self.url_open(f"{base}/unsubscribe_oneclick", data={"user_id": user.id, "token": token})
        self.assertEqual(response.status_code, 200)
        user.invalidate_recordset()
        self.assertFalse(user.followup_digest_daily)
