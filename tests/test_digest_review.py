from datetime import datetime, time, timedelta

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..odoo_sales_followup.tools.plans import digest_period
from .common import load_russian
from .common_plans import SalesPlanCommon

#: The sections that review what was missed, and the text of Anna's and Carl's miss in each.
MISSED = {
    "deals": ("Lost: Anna loses Initech", "Lost: Carl loses Globex"),
    "dormant": ("Acme Corp", "Globex"),
    "overdue_activities": ("Send the offer", "Call Globex back"),
    "no_next_step": ("Anna idles on Acme", "Carl idles on Globex"),
    "aftersale_overdue": ("Anna won Acme", "Carl won Globex"),
    "reactivation_missed": ("Initech", "Globex"),
    "invoices_due": ("– Acme Corp", "– Globex"),
}
#: The sections whose documents carry their sales team, which a team leader reads.
TEAM_DOCUMENTS = ("deals", "no_next_step", "aftersale_overdue", "reactivation_missed")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestDigestReview(SalesPlanCommon):
    """The digests' review of mistakes and missed opportunities: each salesperson's own,
    per salesperson for a team leader and the sales head; and the monthly plan review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.day_from, cls.day_to = digest_period("daily", cls.today)
        cls.company_today = cls.company._get_followup_today()

    def _text(self, lines):
        return "\n".join(f"{line.label}: {line.detail}" for line in lines)

    def _misses(self, user, name, partner, other_partner):
        """What ``user`` (first name ``name``) missed: a deal lost yesterday, a customer
        gone dormant yesterday, an activity 3 days overdue, a deal without a next step, an
        after-sale call 5 days overdue, a reactivation without its call, an invoice 10 days
        past its due date."""
        today = self.company_today
        lost = self._opportunity(
            name=f"{name} loses {other_partner.name}",
            partner_id=other_partner.id,
            user_id=user.id,
            expected_revenue=4000.0,
        )
        lost.action_set_lost(lost_reason_id=self.lost_reason.id)
        self._store(lost, date_closed=datetime.combine(self.day_from, time(11)))
        self._level_change(partner, "active", "dormant", self.day_from, salesperson=user)
        late = self._opportunity(name=f"{name} is late on {partner.name}", partner_id=partner.id, user_id=user.id)
        summary = "Send the offer" if name == "Anna" else "Call Globex back"
        self._activity(late, today - timedelta(days=3), user=user, summary=summary)
        self._opportunity(
            name=f"{name} idles on {partner.name}", partner_id=partner.id, user_id=user.id, expected_revenue=5000.0
        )
        won = self._opportunity(name=f"{name} won {partner.name}", partner_id=partner.id, user_id=user.id)
        won.stage_id = self.stage_won  # plans the after-sale call
        call_type = self.env.ref("odoo_sales_followup.mail_activity_type_after_sale_call")
        call = won.activity_ids.filtered(lambda activity: activity.activity_type_id == call_type)
        self.assertEqual(len(call), 1, "winning the deal planned its after-sale call")
        call.date_deadline = today - timedelta(days=5)
        reactivation_partner = self.initech if name == "Anna" else self.globex
        # sudo: a reactivation is the scan's to create (its facts are the engine's)
        self.env["crm.lead"].sudo().create(
            {
                "name": f"Reactivation: {reactivation_partner.name}",
                "type": "opportunity",
                "partner_id": reactivation_partner.id,
                "user_id": user.id,
                "team_id": self.team.id,
                "stage_id": self.stage_new.id,
                "is_reactivation": True,
                "reactivation_days_overdue": 40,
            }
        )
        invoice = self._invoice(partner, today - timedelta(days=10))
        self._store(invoice, invoice_user_id=user.id, invoice_date_due=today - timedelta(days=10))

    def test_each_salesperson_reviews_their_own_misses_the_head_per_salesperson(self):
        self._misses(self.salesman, "Anna", self.acme, self.initech)
        self._misses(self.colleague, "Carl", self.globex, self.globex)
        sections = self._digest_sections(self.salesman | self.colleague | self.leader | self.manager)
        own = sections[self.salesman]
        for key, (anna, carl) in MISSED.items():
            with self.subTest(section=key):
                text = self._text(own[key].lines)
                self.assertIn(anna, text)
                self.assertNotIn(carl, text)
                self.assertFalse(own[key].groups, "a salesperson's digest is theirs alone")
        for key, section in own.items():
            self.assertNotIn("Carl", self._text(section.lines), f"Carl's work in Anna's {key}")
        self.assertIn("Too expensive", self._text(own["deals"].lines))
        self.assertIn("4,000.00", self._text(own["deals"].lines))
        self.assertIn("3 days overdue", self._text(own["overdue_activities"].lines))
        self.assertIn("Anna won Acme Corp: call due on", self._text(own["aftersale_overdue"].lines))
        self.assertIn("5 days overdue", self._text(own["aftersale_overdue"].lines))
        self.assertEqual(
            [line.detail for line in own["reactivation_missed"].lines if line.label == "Initech"], ["no call planned"]
        )
        self.assertIn(("Past their due date", 1), own["invoices_due"].figures)
        self.assertIn("10 days overdue", self._text(own["invoices_due"].lines))
        # The head and the team leader read the same misses per salesperson.
        for head, keys in ((self.manager, MISSED), (self.leader, TEAM_DOCUMENTS)):
            for key in keys:
                anna, carl = MISSED[key]
                with self.subTest(reader=head.name, section=key):
                    groups = {group.name: self._text(group.lines) for group in sections[head][key].groups}
                    self.assertIn(anna, groups["Anna Salesman"])
                    self.assertNotIn(carl, groups["Anna Salesman"])
                    self.assertIn(carl, groups["Carl Colleague"])
                    self.assertNotIn(anna, groups["Carl Colleague"])
        # The head's email shows each salesperson's name above their lines.
        self.manager.followup_digest_daily = True
        sent = self.env["crm.followup.digest"]._cron_send("daily")
        body = sent.filtered(lambda digest: digest.user_id == self.manager).mail_id.body_html
        section = body[body.index("Deals without a next step") :]
        self.assertLess(section.index("Anna Salesman"), section.index("Anna idles on Acme"))
        self.assertLess(section.index("Carl Colleague"), section.index("Carl idles on Globex"))

    def test_the_monthly_digest_ends_with_the_review_of_the_plans(self):
        month_from, month_to = digest_period("monthly", self.today)
        self._plan(target_revenue=10000.0, target_new_customers=5, date_from=month_from, date_to=month_to)
        self._plan(user=self.colleague, target_revenue=500.0, date_from=month_from, date_to=month_to)
        for user in (self.salesman, self.colleague):
            self._order(self.acme, month_from + timedelta(days=2)).user_id = user  # 1,000 each
        won = self.env["crm.lead"]
        for name, amount in (("big", 3000.0), ("small", 1000.0), ("tiny", 500.0), ("mid", 2000.0)):
            won |= self._opportunity(name=f"Anna's {name} deal", expected_revenue=amount)
        won |= self._opportunity(name="Carl's deal", user_id=self.colleague.id, expected_revenue=9000.0)
        won.stage_id = self.stage_won
        self._store(won, date_closed=datetime.combine(month_from + timedelta(days=5), time(11)))
        self._level_change(self.globex, "prospect", "new", month_from + timedelta(days=3))
        sections = self._digest_sections(self.salesman | self.manager, "monthly")
        review = sections[self.salesman]["plan_review"]
        details = {line.label: line.detail for line in review.lines}
        result = review.lines[0].detail
        self.assertIn("plan not met", result)
        self.assertIn("(10%)", result)
        self.assertEqual(
            details["Largest deals won"].replace("$", "").replace("\xa0", " ").split("; ")[0].split(" (")[0],
            "Anna's big deal",
        )
        self.assertIn("Anna's mid deal", details["Largest deals won"])
        self.assertIn("Anna's small deal", details["Largest deals won"])
        self.assertNotIn("Anna's tiny deal", details["Largest deals won"], "the three largest only")
        self.assertIn("New customer: ", details["Customers' level moves"])
        gaps = details["Biggest gaps"].split("; ")
        self.assertTrue(gaps[0].startswith("Revenue: "), gaps)
        self.assertIn("9,000.00 short of", gaps[0])
        self.assertRegex(gaps[1], r"^New customers: \d short of 5 \(\d+%\)$")
        self.assertNotIn("Carl", self._text(review.lines))
        # The head: each plan under its salesperson; a plan met has no gaps.
        groups = {group.name: group.lines for group in sections[self.manager]["plan_review"].groups}
        carl = {line.label: line.detail for line in groups["Carl Colleague"]}
        self.assertIn("plan met", groups["Carl Colleague"][0].detail)
        self.assertNotIn("Biggest gaps", carl)
        self.assertIn("Carl's deal", carl["Largest deals won"])
        self.assertIn("Biggest gaps", [line.label for line in groups["Anna Salesman"]])
        # Only the monthly digest has the review, and it ends with it.
        self.assertNotIn("plan_review", self._digest_sections(self.salesman)[self.salesman])
        self.salesman.followup_digest_monthly = True
        sent = self.env["crm.followup.digest"]._cron_send("monthly")
        body = sent.filtered(lambda digest: digest.user_id == self.salesman).mail_id.body_html
        review_at = body.index("o_followup_digest_plan_review")
        for key in ("plan", "deals", "no_next_step", "overdue_activities", "invoices_due"):
            self.assertLess(body.index(f"o_followup_digest_{key}"), review_at, key)


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestDigestReviewTour(HttpCase, SalesPlanCommon):
    def test_a_russian_head_reads_the_monthly_digest(self):
        load_russian(self.env)
        head = mail_new_test_user(
            self.env,
            login="osf_ru_head",
            name="Roman Head",
            groups="sales_team.group_sale_manager,base.group_system",
            lang="ru_RU",
        )
        head.followup_digest_monthly = True
        month_from, _month_to = digest_period("monthly", self.today)
        lost = self._opportunity(name="Anna loses Initech", partner_id=self.initech.id, expected_revenue=4000.0)
        lost.action_set_lost(lost_reason_id=self.env["crm.lost.reason"].create({"name": "Too expensive"}).id)
        self._store(lost, date_closed=datetime.combine(month_from, time(11)))
        sent = self.env["crm.followup.digest"]._cron_send("monthly")
        mail = sent.filtered(lambda digest: digest.user_id == head).mail_id
        self.assertTrue(mail.subject.startswith("Ежемесячная"), mail.subject)
        action = self.env.ref("mail.action_view_mail_mail")
        self.start_tour(f"/odoo/action-{action.id}/{mail.id}", "odoo_sales_followup_digest_ru", login="osf_ru_head")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestDigestReviewDemo(TransactionCase):
    def test_the_demo_digest_shows_what_was_missed(self):
        demo = self.env.ref("base.user_demo")
        Digest = self.env["crm.followup.digest"]
        date_from, date_to = digest_period("weekly", self.env.company._get_followup_today())
        [group] = Digest._get_digest_reader_groups(demo, "weekly", date_from, date_to)
        sections = {
            section.key: "\n".join(f"{line.label}: {line.detail}" for line in section.lines)
            for section in Digest.with_env(group.env)._get_digest_sections(group)[demo.id]
        }
        self.assertIn("Lost: Polar Freight: fleet tracking rollout", sections["deals"])
        self.assertIn("Not interested", sections["deals"])
        self.assertIn("Lindenhof: annual support renewal: call due on", sections["aftersale_overdue"])
        self.assertIn("6 days overdue", sections["aftersale_overdue"])
