from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ...odoo_sales_followup.tools import next_business_day
from ..common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_aftersale")
class TestRepeatSaleOnce(SuccessCriteriaCommon):
    def _won_deal(self):
        deal = self._deal()
        self._override(deal, self.stage_won, reason="Won on the phone")
        return deal

    def test_two_clicks_give_one_repeat_sale(self):
        deal = self._won_deal()
        first = deal.with_user(self.salesman).action_new_repeat_sale()
        repeat = self.env["crm.lead"].browse(first["res_id"])
        second = deal.with_user(self.salesman).action_new_repeat_sale()
        self.assertEqual(self.env["crm.lead"].search([("origin_lead_id", "=", deal.id)]), repeat)
        self.assertEqual(second["tag"], "display_notification")
        self.assertEqual(
            second["params"]["message"],
            '"Acme ERP rollout" already has an open repeat sale, "Repeat sale: Acme ERP rollout" (salesperson: '
            "Anna Salesman): it is opened instead of a new one.",
        )
        self.assertEqual(
            (second["params"]["next"]["res_model"], second["params"]["next"]["res_id"]), ("crm.lead", repeat.id)
        )
        self.assertEqual(deal.repeat_sale_count, 1)

    def test_a_closed_repeat_sale_lets_open_the_next_one(self):
        deal = self._won_deal()
        first = self.env["crm.lead"].browse(deal.with_user(self.salesman).action_new_repeat_sale()["res_id"])
        first.action_set_lost()
        second = self.env["crm.lead"].browse(deal.with_user(self.salesman).action_new_repeat_sale()["res_id"])
        self.assertNotEqual(second, first)
        self.assertEqual(deal.repeat_sale_count, 2)

    def test_a_repeat_sale_of_someone_else_is_named_not_duplicated(self):
        deal = self._won_deal()
        repeat = self.env["crm.lead"].browse(deal.with_user(self.salesman).action_new_repeat_sale()["res_id"])
        repeat.user_id = self.admin
        # Anna sees her own documents only: the repeat sale is Ada's now
        with self._refused(
            UserError,
            '^"Acme ERP rollout" already has an open repeat sale, "Repeat sale: Acme ERP rollout" \\(salesperson: '
            "Ada Admin\\): ask them rather than opening another one.$",
        ):
            deal.with_user(self.salesman).action_new_repeat_sale()
        self.assertEqual(self.env["crm.lead"].search([("origin_lead_id", "=", deal.id)]), repeat)


@tagged("post_install", "-at_install", "sales_followup_aftersale")
class TestAfterSaleCallDue(SuccessCriteriaCommon):
    def test_the_won_deal_says_when_the_call_is_due(self):
        deal = self._deal()
        self._override(deal, self.stage_won, reason="Won on the phone")
        today = self.company._get_followup_today()
        deal = deal.with_user(self.salesman)
        self.assertEqual(deal.after_sale_call_date, today)
        due = next_business_day(fields.Date.add(today, days=14), *self.company._get_followup_business_days())
        self.assertEqual(deal.after_sale_call_due, due)
        deal.activity_ids.date_deadline = fields.Date.add(today, days=20)
        self.assertEqual(deal.after_sale_call_due, fields.Date.add(today, days=20), "the call moved")
        deal.activity_ids.action_feedback(feedback="All fine")
        self.assertFalse(deal.after_sale_call_due)
        self.assertEqual(deal.after_sale_call_date, today)
