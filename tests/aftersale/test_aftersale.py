from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ...odoo_sales_followup.tools import next_business_day
from ..common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_aftersale")
class TestAfterSaleCare(SuccessCriteriaCommon):
    def _win(self, deal):
        self._override(deal, self.stage_won, reason="Won on the phone")

    def _in_days(self, deal, days):
        """``days`` days from today, on a business day of the company's calendar (the next one
        when it falls on a weekend)."""
        due = fields.Date.add(self.company._get_followup_today(), days=days)
        return next_business_day(due, *self.company._get_followup_business_days())

    def test_after_sale_call_planned_when_won(self):
        deal = self._deal()
        self._win(deal)
        call = deal.activity_ids
        self.assertEqual(len(call), 1)
        self.assertEqual(call.activity_type_id, self.after_sale_type)
        self.assertEqual(call.user_id, self.salesman, "the deal's salesperson calls")
        self.assertEqual(call.date_deadline, self._in_days(deal, 14))
        self.assertIn("Does the customer use what we delivered?", call.note)
        self.assertEqual(deal.after_sale_call_date, self.company._get_followup_today())

        call.action_feedback(feedback="All fine")
        deal.action_set_lost()
        self._win(deal)
        self.assertEqual((deal.active, deal.stage_id), (True, self.stage_won), "restored and won again")
        self.assertFalse(deal.activity_ids, "planned once per deal, not each time it is won again")

    def test_no_call_when_the_company_plans_none(self):
        self.company.after_sale_trigger = "none"
        deal = self._deal()
        self._win(deal)
        self.assertEqual((deal.stage_id, deal.activity_ids), (self.stage_won, self.env["mail.activity"]))

    def test_empty_trigger_means_won(self):
        self.env.cr.execute(
            "SELECT is_nullable FROM information_schema.columns "
            "WHERE table_name = 'res_company' AND column_name = 'after_sale_trigger'"
        )
        self.assertEqual(self.env.cr.fetchone(), ("YES",), "a column of a core table is never NOT NULL")
        self.company.after_sale_trigger = False
        deal = self._deal()
        self._win(deal)
        self.assertEqual(deal.activity_ids.activity_type_id, self.after_sale_type)
        self.assertEqual(deal.activity_ids.date_deadline, self._in_days(deal, 14))

    def test_after_sale_call_opens_a_repeat_sale(self):
        self.company.after_sale_delay_days = 7
        deal = self._deal()
        self._win(deal)
        self.assertEqual(deal.activity_ids.date_deadline, self._in_days(deal, 7))
        action = deal.with_user(self.salesman).action_new_repeat_sale()
        repeat = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(repeat.origin_lead_id, deal)
        self.assertEqual((repeat.partner_id, repeat.user_id, repeat.team_id), (self.acme, self.salesman, self.team))
        first_stage = self.env["crm.lead"]._stage_find(team_id=self.team.id, domain=[("fold", "=", False)])
        self.assertEqual(
            (repeat.name, repeat.type, repeat.stage_id), ("Repeat sale: Acme ERP rollout", "opportunity", first_stage)
        )
        self.assertFalse(deal.activity_ids, "the after-sale call is done")
        self.assertIn("Repeat sale opened:", deal.message_ids[0].body)
        self.assertIn("Repeat sale: Acme ERP rollout", deal.message_ids[0].body)
        self.assertEqual(deal.repeat_sale_count, 1)
        self.assertEqual(self.env["crm.lead"].search([("origin_lead_id", "=", deal.id)]), repeat)

    def test_repeat_sale_only_from_a_won_deal(self):
        deal = self._deal()
        refused = r'^A repeat sale opens from a won deal: "Acme ERP rollout" is not won\.$'
        with self._refused(UserError, refused):
            deal.with_user(self.salesman).action_new_repeat_sale()
        self._win(deal)
        deal.action_set_lost()
        with self._refused(UserError, refused):
            deal.with_user(self.salesman).action_new_repeat_sale()
        self.assertEqual(deal.repeat_sale_count, 0)
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Repeat sale: Acme ERP rollout")]))

    def test_repeat_sale_ignores_the_callers_defaults(self):
        deal = self._deal()
        self._win(deal)
        action = deal.with_user(self.salesman).with_context(default_stage_id=self.stage_won.id).action_new_repeat_sale()
        repeat = self.env["crm.lead"].browse(action["res_id"])
        first_stage = self.env["crm.lead"]._stage_find(team_id=self.team.id, domain=[("fold", "=", False)])
        self.assertEqual(repeat.stage_id, first_stage, "not created in the won stage the caller named")
        self.assertNotEqual(first_stage, self.stage_won)

    def test_settings_refuse_a_delay_out_of_bounds(self):
        for days in (-1, 3651, 10_000_000, 10**12):
            with self.subTest(days=days):
                message = (
                    rf"^“After-sale call delay \(days\)” of {self.company.name} is {days}: "
                    rf"it must be from 0 to 3650\.$"
                )
                with self._refused(ValidationError, message):
                    self.company.after_sale_delay_days = days
                with self._refused(ValidationError, message):
                    self.env["res.config.settings"].with_user(self.admin).create(
                        {"after_sale_delay_days": days}
                    ).execute()
                with self._refused(ValidationError, r"^“After-sale call delay \(days\)” of Far away is"):
                    self.env["res.company"].create({"name": "Far away", "after_sale_delay_days": days})
        self.assertEqual(self.company.after_sale_delay_days, 14)
        self.company.after_sale_delay_days = 3650
        deal = self._deal()
        self._win(deal)
        self.assertEqual(deal.activity_ids.date_deadline, self._in_days(deal, 3650))

    def test_a_delay_stored_before_the_bound_cannot_fail_won(self):
        # what a database saved before the bound holds: won once failed with OverflowError (its
        # database check could not be added over that value; the test's transaction restores it)
        self.env.cr.execute("ALTER TABLE res_company DROP CONSTRAINT res_company_after_sale_delay_days_followup_bounds")
        self.env.cr.execute("UPDATE res_company SET after_sale_delay_days = 10000000 WHERE id = %s", [self.company.id])
        self.company.invalidate_recordset(["after_sale_delay_days"])
        deal = self._deal()
        self._win(deal)
        self.assertEqual((deal.stage_id, deal.activity_ids.date_deadline), (self.stage_won, self._in_days(deal, 3650)))
