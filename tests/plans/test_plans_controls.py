from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from ...odoo_sales_followup.models.plans.crm_lead import CrmLead
from ..common_plans import SalesPlanCommon
from ..test_working_hours import moscow

JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansControls(SalesPlanCommon):
    def _moscow_office(self):
        """Give the company a working schedule of Moscow: Monday to Friday, 9:00 to 13:00
        and 14:00 to 18:00."""
        self.company.resource_calendar_id = self.env["resource.calendar"].create(
            {
                "name": "Moscow office",
                "tz": "Europe/Moscow",
                "company_id": self.company.id,
                "attendance_ids": [
                    (0, 0, {"name": "Office", "dayofweek": str(day), "hour_from": hour_from, "hour_to": hour_to})
                    for day in range(5)
                    for hour_from, hour_to in ((9, 13), (14, 18))
                ],
            }
        )

    def _untouched_at(self, leads, *moment):
        """Which of ``leads`` are not touched in time at ``moment`` (Moscow time), by the
        filter and by the field."""
        with freeze_time(moscow(*moment)):
            found = self.env["crm.lead"].search([("id", "in", leads.ids), ("followup_untouched", "=", True)])
            leads.invalidate_recordset(["followup_untouched"])
            self.assertEqual(leads.filtered("followup_untouched"), found)
        return found

    @freeze_time(moscow(2026, 3, 18, 15))
    def test_leads_without_next_step_and_not_touched_in_time(self):
        Lead = self.env["crm.lead"]
        self._moscow_office()
        waiting, planned, touched, fresh, won = (self._opportunity(name=f"Deal {n}") for n in range(5))
        self._activity(planned, self.today)
        self._activity_done(touched, "mail.mail_activity_data_call", self.today)
        won.stage_id = self.stage_won
        # created Thursday 10:00: 36 working hours by Wednesday 15:00; Wednesday 13:00: one
        self._store(waiting | planned | touched | won, create_date=moscow(2026, 3, 12, 10))
        self._store(fresh, create_date=moscow(2026, 3, 18, 13))
        scope = [("id", "in", (waiting | planned | touched | fresh | won).ids)]
        self.assertEqual(Lead.search([*scope, ("followup_no_next_step", "=", True)]), waiting | touched | fresh)
        self.assertEqual(Lead.search([*scope, ("followup_untouched", "=", True)]), waiting | planned)
        self.assertEqual(Lead.search([*scope, ("followup_untouched", "=", False)]), touched | fresh | won)
        # A team that reacts within 48 working hours does not count 36 as late.
        self.team.reaction_time_hours = 48
        self.assertFalse(Lead.search([*scope, ("followup_untouched", "=", True)]))
        self.assertEqual(
            (waiting.followup_no_next_step, waiting.followup_untouched, planned.followup_no_next_step),
            (True, False, False),
        )

    def test_the_reaction_time_counts_working_hours(self):
        """A deal created Friday 17:00 has had two working hours by Monday 10:00: not late for
        a reaction time of 4 hours; it is once Monday's third hour has passed."""
        self._moscow_office()
        self.team.reaction_time_hours = 4
        friday_evening, friday_lunch = self._opportunity(name="Friday evening"), self._opportunity(name="Friday lunch")
        self._store(friday_evening, create_date=moscow(2026, 3, 13, 17))
        self._store(friday_lunch, create_date=moscow(2026, 3, 13, 13))
        deals = friday_evening | friday_lunch
        self.assertEqual(self._untouched_at(deals, 2026, 3, 16, 10), friday_lunch, "Friday 14:00-18:00 passed")
        self.assertEqual(self._untouched_at(deals, 2026, 3, 16, 12), friday_lunch, "exactly 4 hours: not yet")
        self.assertEqual(self._untouched_at(deals, 2026, 3, 16, 12, 30), deals)
        # the company's week, not the weekday the tests run on: Sunday evening is Friday's end
        self.assertFalse(self._untouched_at(friday_evening, 2026, 3, 15, 23))

    def test_the_reaction_time_skips_the_production_calendars_holidays(self):
        """Across the New Year holidays of 2026 (31 December to 11 January) and on the working
        Saturday of 1 November 2025, with the production calendar loaded."""
        self._moscow_office()
        # a Russian company: its Belgian demo VAT and registry number are no INN nor OGRN (one
        # write of its partner: the company writes each address field on its own)
        self.company.partner_id.write(
            {"country_id": self.env.ref("base.ru").id, "vat": False, "company_registry": False}
        )
        self.company.action_load_production_calendar(2025)
        self.company.action_load_production_calendar(2026)
        self.team.reaction_time_hours = 4
        before_new_year = self._opportunity(name="Before New Year")
        self._store(before_new_year, create_date=moscow(2025, 12, 30, 16))
        # Tuesday 16:00-18:00, then Monday 12 January 9:00-10:00: three working hours
        self.assertFalse(self._untouched_at(before_new_year, 2026, 1, 12, 10))
        self.assertFalse(self._untouched_at(before_new_year, 2026, 1, 9, 18))
        self.assertEqual(self._untouched_at(before_new_year, 2026, 1, 12, 11, 30), before_new_year)
        before_saturday = self._opportunity(name="Before the working Saturday")
        self._store(before_saturday, create_date=moscow(2025, 10, 31, 16))
        # Friday 16:00-18:00 and the Saturday's (Monday's) 9:00-11:30
        self.assertEqual(self._untouched_at(before_saturday, 2025, 11, 1, 11, 30), before_saturday)
        self.assertFalse(self._untouched_at(before_saturday, 2025, 11, 1, 10, 30))

    def test_negative_reaction_time_is_refused(self):
        with self._refused(
            ValidationError, r"“Reaction time \(hours\)” of Plans team is -3: it must be from 0 to 8784"
        ):
            self.team.reaction_time_hours = -3
        self.assertEqual(self.team.reaction_time_hours, 24)

    def test_customers_without_next_step_before_their_purchase(self):
        Partner = self.env["res.partner"]
        day = self.today + timedelta(days=10)
        self._store(self.acme | self.globex | self.initech, relationship_level="active", next_purchase_date=day)
        self._activity(self.globex, day - timedelta(days=1))  # planned before the purchase
        self._activity(self._opportunity(partner_id=self.initech.id), day + timedelta(days=5))  # too late
        scope = [("id", "in", (self.acme | self.globex | self.initech).ids)]
        self.assertEqual(Partner.search([*scope, ("followup_no_next_step", "=", True)]), self.acme | self.initech)
        self._activity(self._opportunity(partner_id=self.anna.id), day)  # a contact's deal counts
        self.assertEqual(Partner.search([*scope, ("followup_no_next_step", "=", True)]), self.initech)

    def test_the_job_gives_each_record_without_next_step_one_todo(self):
        lead = self._opportunity(name="Waiting deal")
        orphan = self._opportunity(name="Team deal", user_id=False)
        self._store(self.globex, relationship_level="new", next_purchase_date=self.today, user_id=self.colleague.id)
        MyDay = self.env["crm.followup.my.day"]
        MyDay._cron_schedule_next_steps()
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertEqual((lead.activity_ids.user_id, lead.activity_ids.activity_type_id), (self.salesman, todo))
        self.assertEqual(orphan.activity_ids.user_id, self.leader)
        self.assertEqual(self.globex.activity_ids.user_id, self.colleague)
        self.assertEqual(lead.activity_ids.summary, "Plan the next step")
        MyDay._cron_schedule_next_steps()
        self.assertEqual(len(lead.activity_ids | orphan.activity_ids | self.globex.activity_ids), 3)
        self.assertFalse(self.env.ref("odoo_sales_followup.ir_cron_plans_next_steps").active)

    def test_a_failing_record_does_not_stop_the_job(self):
        first, broken, last = (self._opportunity(name=f"Deal {n}") for n in range(3))
        responsible = CrmLead._get_followup_responsible

        def failing_for_broken(lead):
            if lead == broken:
                raise ValueError("the team of this deal is broken")
            return responsible(lead)

        MyDay = self.env["crm.followup.my.day"]
        with (
            patch.object(CrmLead, "_get_followup_responsible", failing_for_broken),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            MyDay._cron_schedule_next_steps()
        self.assertEqual([len(lead.activity_ids) for lead in (first, broken, last)], [1, 0, 1])
        self.assertEqual(len(logs.records), 1)
        notice = self.env["mail.message"].search([("subject", "=", "Next-step to-dos not planned")])
        self.assertEqual(len(notice), 1)
        self.assertIn("the team of this deal is broken", notice.body)
        MyDay._cron_schedule_next_steps()
        self.assertEqual([len(lead.activity_ids) for lead in (first, broken, last)], [1, 1, 1])


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansMyDay(SalesPlanCommon):
    def test_my_day_orders_the_most_urgent_first_and_moves_on(self):
        deal = self._opportunity(name="Deal without step")
        other = self._opportunity(name="Deal with step")
        today_call = self._activity(other, self.today, summary="Call today", note="<p>Ask for the budget</p>")
        late_call = self._activity(other, self.today - timedelta(days=2), summary="Late call")
        self._activity(other, self.today + timedelta(days=3), summary="Later")
        self._store(self.globex, relationship_level="active", next_purchase_date=self.today, user_id=self.salesman.id)
        invoice = self._invoice(self.initech, self.today - timedelta(days=40))
        invoice.write({"invoice_user_id": self.salesman.id})
        self._store(invoice, invoice_date_due=self.today - timedelta(days=10))
        colleague_deal = self._opportunity(name="Colleague deal", user_id=self.colleague.id)
        MyDay = self.env["crm.followup.my.day"].with_user(self.salesman)
        lines = MyDay.search([("user_id", "=", self.salesman.id)])
        self.assertEqual(
            [(line.kind, line.name) for line in lines],
            [
                ("overdue", "Late call"),
                ("today", "Call today"),
                ("no_next_step", "Deal without step"),
                ("purchase_due", "Globex"),
                ("invoice_overdue", invoice.name),
            ],
        )
        self.assertEqual(lines[1].note, "<p>Ask for the budget</p>")
        self.assertNotIn(colleague_deal.name, MyDay.search([]).mapped("name"))
        action = lines[2].action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", deal.id))
        lines[0].action_done()
        self.assertEqual(MyDay.search([("user_id", "=", self.salesman.id)])[:1].activity_id, today_call)
        self.assertFalse(late_call.exists() and late_call.active)
        with self._refused(UserError, r"Only activities can be marked done here; open Deal without step"):
            MyDay.search([("kind", "=", "no_next_step")]).action_done()

    def test_team_leader_sees_the_team_in_the_control_report(self):
        self._opportunity(name="Anna's deal")
        self._opportunity(name="Carl's deal", user_id=self.colleague.id)
        self._opportunity(name="Stranger's deal", user_id=self.manager.id, team_id=False)
        groups = (
            self.env["crm.followup.my.day"]
            .with_user(self.leader)
            ._read_group([("kind", "=", "no_next_step")], ["user_id"], ["__count"])
        )
        self.assertEqual(dict(groups), {self.salesman: 1, self.colleague: 1})
