from datetime import date, datetime, time

from odoo.addons.mail.tests.common import mail_new_test_user

from ..odoo_sales_followup.tools.plans import digest_period, month_bounds
from .common import RelationshipLevelCommon


class SalesPlanCommon(RelationshipLevelCommon):
    """The levels' world, and a team to plan.

    team "Plans team" (leader: Lena Leader, reaction time 24 hours)
    ├── salesman (Anna Salesman), colleague (Carl Colleague): own documents; the leader: all documents
    stages New, Won (of the team); the current calendar month (``month_from``..``month_to``)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = mail_new_test_user(
            cls.env, login="osf_colleague", name="Carl Colleague", groups="sales_team.group_sale_salesman"
        )
        cls.leader = mail_new_test_user(
            cls.env, login="osf_leader", name="Lena Leader", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Plans team",
                "user_id": cls.leader.id,
                "member_ids": [(6, 0, [cls.salesman.id, cls.colleague.id])],
                "company_id": cls.company.id,
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "New", "sequence": 1, "team_id": cls.team.id})
        cls.stage_won = Stage.create({"name": "Won", "sequence": 9, "team_id": cls.team.id, "is_won": True})
        cls.today = cls.company._get_followup_today()
        cls.month_from, cls.month_to = month_bounds(cls.today)

    def _plan(self, user=None, **values):
        """A plan of ``user`` (else the salesman) for the current month, in the team."""
        return self.env["crm.sales.plan"].create(
            {
                "user_id": (user or self.salesman).id,
                "team_id": self.team.id,
                "date_from": self.month_from,
                "date_to": self.month_to,
                **values,
            }
        )

    def _level_change(self, partner, level_from, level_to, day, salesperson=None):
        """A recorded move of ``partner`` between levels on ``day``, for ``salesperson``."""
        return self.env["res.partner.level.change"].create(
            {
                "partner_id": partner.id,
                "level_from": level_from,
                "level_to": level_to,
                "event": "scheduled",
                "date": datetime.combine(day, time(12)),
                "salesperson_id": (salesperson or self.salesman).id,
                "company_id": self.company.id,
            }
        )

    def _activity_done(self, record, activity_xmlid, day, user=None):
        """The message Odoo posts when ``user`` (else the salesman) marks an activity of
        type ``activity_xmlid`` done on ``record`` on ``day``."""
        return self.env["mail.message"].create(
            {
                "model": record._name,
                "res_id": record.id,
                "author_id": (user or self.salesman).partner_id.id,
                "message_type": "notification",
                "mail_activity_type_id": self.env.ref(activity_xmlid).id,
                "date": datetime.combine(day, time(10)),
                "body": "done",
            }
        )

    def _activity(self, record, day, user=None, note=None, summary=None):
        """A to-do on ``record`` due on ``day`` for ``user`` (else the salesman)."""
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": (user or self.salesman).id,
                "date_deadline": day,
                "note": note,
                "summary": summary,
            }
        )

    def _digest_sections(self, users, periodicity="daily"):
        """{user: {key: DigestSection}} as the ``periodicity`` digests of ``users`` sent
        today would show them."""
        Digest = self.env["crm.followup.digest"]
        date_from, date_to = digest_period(periodicity, self.today)
        result = {}
        for group in Digest._get_digest_reader_groups(users, periodicity, date_from, date_to):
            sections = Digest.with_env(group.env)._get_digest_sections(group)
            for reader in group.readers:
                result[reader] = {section.key: section for section in sections[reader.id]}
        return result

    @staticmethod
    def _day(year, month, day):
        return date(year, month, day)
