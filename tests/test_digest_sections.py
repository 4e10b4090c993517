from datetime import datetime, time

from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..odoo_sales_followup.tools.plans import digest_period, month_bounds, quarter_bounds
from .common_plans import SalesPlanCommon

#: The sections of each reader's digest, by the model they read.
SECTIONS_BY_MODEL = {
    "crm.sales.plan": {"plan"},
    "crm.followup.my.day": {"todo", "control", "overdue_activities"},
    "crm.lead": {"deals", "reactivation", "no_next_step", "reactivation_missed", "aftersale_overdue", "acts_unsigned"},
    "res.partner.level.change": {"levels_moved", "dormant"},
    "crm.lead.criterion": {"criteria_met"},
    "followup.contract": {"contracts"},
    "account.move": {"invoices_due"},
    "followup.chain.run": {"chains_stopped"},
}
HEAD_ONLY = {"control", "chains_stopped"}


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestDigestSections(SalesPlanCommon):
    """Each capability's sections of the digests, through the one hook
    ``crm.followup.digest._get_digest_sections``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day_from, cls.day_to = digest_period("daily", cls.today)
        cls.Digest = cls.env["crm.followup.digest"]

    def _sections(self, users, periodicity="daily"):
        """{user: {key: DigestSection}} as the digests of ``users`` would show them."""
        date_from, date_to = digest_period(periodicity, self.today)
        result = {}
        for group in self.Digest._get_digest_reader_groups(users, periodicity, date_from, date_to):
            sections = self.Digest.with_env(group.env)._get_digest_sections(group)
            for reader in group.readers:
                result[reader] = {section.key: section for section in sections[reader.id]}
        return result

    def _text(self, section):
        return "\n".join(f"{line.label}: {line.detail}" for line in section.lines)

    def _revoke(self, model):
        """Take away every access right to ``model`` but the system administrators'."""
        self.env["ir.model.access"].search(
            [("model_id.model", "=", model), ("group_id", "!=", self.env.ref("base.group_system").id)]
        ).write({"active": False})

    def test_each_section_with_and_without_rights(self):
        everything = set().union(*SECTIONS_BY_MODEL.values())
        sections = self._sections(self.salesman | self.manager)
        self.assertEqual(set(sections[self.salesman]), everything - HEAD_ONLY)
        self.assertEqual(set(sections[self.manager]), everything)
        for model, keys in SECTIONS_BY_MODEL.items():
            with self.subTest(model=model), self.env.cr.savepoint(flush=False) as savepoint:
                self._revoke(model)
                sections = self._sections(self.salesman | self.manager)
                self.assertEqual(set(sections[self.salesman]), everything - HEAD_ONLY - keys)
                self.assertEqual(set(sections[self.manager]), everything - keys)
                savepoint.rollback()
            self.env.registry.clear_cache()  # the access rights cached while revoked
        # Without the section's rights, the digest is still sent, without the section.
        self.salesman.followup_digest_daily = True
        self._revoke("account.move")
        sent = self.Digest._cron_send("daily")
        self.assertEqual(sent.user_id, self.salesman)
        body = sent.mail_id.body_html
        self.assertIn("Deals won and lost", body)
        self.assertNotIn("Invoices awaiting payment", body)

    def test_the_order_of_the_sections_is_a_setting(self):
        self.salesman.followup_digest_daily = True
        self.env["ir.config_parameter"].set_param("odoo_sales_followup.digest_section_order", "dormant, deals, plan")
        body = self.Digest._cron_send("daily").mail_id.body_html
        dormant, deals, plan = (body.index(title) for title in ("Customers gone dormant", "Deals won", "Plan against"))
        self.assertLess(dormant, deals)
        self.assertLess(deals, plan)
        self.assertLess(plan, body.index("To do today"), "the unlisted sections come after the listed ones")

    def test_yesterdays_digest_counts_yesterdays_revenue(self):
        month_from, month_to = month_bounds(self.day_to)
        self._plan(target_revenue=4000.0, date_from=month_from, date_to=month_to)
        self._order(self.acme, self.day_to).user_id = self.salesman
        self._order(self.acme, self.today).user_id = self.salesman  # today's: not in yesterday's digest
        plan = self._sections(self.salesman)[self.salesman]["plan"]
        self.assertIn(self.day_to.strftime("%m/%d/%Y"), plan.note)
        text = self._text(plan)
        self.assertIn("1,000.00 of", text)
        self.assertIn("(25%)", text)
        self.assertNotIn("2,000.00", text)

    def test_each_plan_line_says_its_period(self):
        month_from, month_to = month_bounds(self.day_to)
        quarter_from, quarter_to = quarter_bounds(self.day_to)
        self._plan(target_revenue=1000.0, date_from=month_from, date_to=month_to)
        self._plan(target_revenue=3000.0, date_from=quarter_from, date_to=quarter_to)
        text = self._text(self._sections(self.salesman)[self.salesman]["plan"])
        fmt = "%m/%d/%Y"
        self.assertIn(f"Anna Salesman – Month {month_from.strftime(fmt)} – {month_to.strftime(fmt)}", text)
        self.assertIn(f"Anna Salesman – Quarter {quarter_from.strftime(fmt)} – {quarter_to.strftime(fmt)}", text)

    def test_a_task_line_names_the_task_and_its_record(self):
        lead = self._opportunity(name="Acme: 20 licences")
        activity = self._activity(lead, self.today, summary="Confirm the price")
        activity.activity_type_id = self.env.ref("mail.mail_activity_data_call")
        todo = self._sections(self.salesman)[self.salesman]["todo"]
        line = next(line for line in todo.lines if "Confirm the price" in line.label)
        self.assertEqual(line.label, "Call: Confirm the price")
        self.assertIn("Activity due today, on Lead/Opportunity Acme: 20 licences", line.detail)
        self.assertTrue(line.url.endswith(f"/odoo/crm.lead/{lead.id}"))

    def test_deals_levels_and_criteria_of_the_period_in_the_readers_scope(self):
        won = self._opportunity(name="Anna wins Acme")
        won_colleague = self._opportunity(name="Carl wins Globex", user_id=self.colleague.id)
        (won | won_colleague).write({"stage_id": self.stage_won.id})
        self._store(won | won_colleague, date_closed=datetime.combine(self.day_from, time(11)))
        self._level_change(self.acme, "active", "dormant", self.day_from)
        self._level_change(self.globex, "prospect", "new", self.day_from, salesperson=self.colleague)
        self._level_change(self.initech, "potential", "prospect", self.today)  # today's: not yesterday's
        sections = self._sections(self.salesman | self.colleague | self.manager)
        own, colleague, head = sections[self.salesman], sections[self.colleague], sections[self.manager]
        self.assertIn("Won: Anna wins Acme", self._text(own["deals"]))
        self.assertNotIn("Carl wins Globex", self._text(own["deals"]))
        self.assertIn("Won: Carl wins Globex", self._text(colleague["deals"]))
        self.assertIn("Won: Anna wins Acme", self._text(head["deals"]))
        self.assertIn("Won: Carl wins Globex", self._text(head["deals"]))
        self.assertEqual([line.label for line in own["dormant"].lines], ["Acme Corp"])
        self.assertFalse(own["levels_moved"].lines, "Initech moved today, not yesterday")
        self.assertEqual(colleague["levels_moved"].figures, [("New customer", 1)])
        self.assertIn("Globex: Prospect (in contact) → New customer", self._text(head["levels_moved"]))

    def test_queries_do_not_grow_with_the_readers_who_share_their_rights(self):
        readers = self.env["res.users"]
        for index in range(5):
            reader = mail_new_test_user(
                self.env,
                login=f"osf_reader_{index}",
                name=f"Reader {index}",
                groups="sales_team.group_sale_salesman",
                company_id=self.salesman.company_id.id,
            )
            readers |= reader
            lead = self._opportunity(name=f"Deal {index}", user_id=reader.id)
            lead.stage_id = self.stage_won
            self._store(lead, date_closed=datetime.combine(self.day_from, time(11)))
            self._activity(lead, self.today, user=reader, summary=f"Call {index}")
            self._level_change(self.acme, "active", "dormant", self.day_from, salesperson=reader)
        self._sections(readers)  # the record rules of each reader, computed once and cached

        def count(users):
            self.env.invalidate_all()
            groups = self.Digest._get_digest_reader_groups(users, "daily", self.day_from, self.day_to)
            self.assertEqual(len(groups), 1, "readers with the same rights share a group")
            before = self.cr.sql_log_count
            sections = self.Digest.with_env(groups[0].env)._get_digest_sections(groups[0])
            for reader_sections in sections.values():
                for section in reader_sections:
                    self._text(section)
            return self.cr.sql_log_count - before, sections

        one, _sections = count(readers[:1])
        five, sections = count(readers)
        self.assertEqual(five, one, "one query per section for the group, however many readers")
        for index, reader in enumerate(readers):
            keyed = {section.key: section for section in sections[reader.id]}
            self.assertEqual([line.label for line in keyed["deals"].lines], [f"Won: Deal {index}"])
            self.assertIn(f"To-Do: Call {index}", [line.label for line in keyed["todo"].lines])
