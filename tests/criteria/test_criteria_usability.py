from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..common_criteria import SuccessCriteriaCommon


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriteriaReport(SuccessCriteriaCommon):
    def test_the_report_opens_on_counts_met_and_not_met(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_lead_criterion_analysis")
        context = safe_eval(action["context"])
        self.assertEqual(
            (context["pivot_measures"], context["pivot_row_groupby"], context["pivot_column_groupby"]),
            (["__count"], ["criterion_id"], ["met_status"]),
        )
        Line = self.env["crm.lead.criterion"]
        self.assertEqual(
            Line.fields_get(["met_status"])["met_status"]["selection"], [("met", "Met"), ("not_met", "Not met")]
        )
        first, second = self._deal(), self._deal(name="Globex ERP")
        self._tick(first, self.positive_review)
        domain = [("lead_id", "in", (first | second).ids), ("criterion_id", "=", self.positive_review.id)]
        groups = Line.with_user(self.manager)._read_group(domain, ["met_status"], ["__count"])
        self.assertEqual(sorted(groups), [("met", 1), ("not_met", 1)])

    def test_nobody_writes_the_status(self):
        deal = self._deal()
        line = self._line(deal, self.positive_review)
        for user in (self.salesman, self.env.ref("base.user_root")):
            with self._refused(UserError, '^"Status" of a success criterion follows "Met": tick or untick'):
                line.with_user(user).write({"met_status": "met"})
        self.assertRecordValues(line, [{"is_met": False, "met_status": "not_met"}])

    def test_salespeople_do_not_see_the_analysis_menus(self):
        for xmlid in ("menu_lead_criterion_analysis", "menu_followup_chain_run_analysis"):
            menu = self.env.ref(f"odoo_sales_followup.{xmlid}")
            self.assertEqual(menu.groups_id, self.env.ref("sales_team.group_sale_manager"), xmlid)
        visible = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        self.assertNotIn(self.env.ref("odoo_sales_followup.menu_lead_criterion_analysis").id, visible)
        manager_visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(self.env.ref("odoo_sales_followup.menu_lead_criterion_analysis").id, manager_visible)


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestCriterionRefusals(SuccessCriteriaCommon):
    def test_act_signed_without_its_date_names_the_date(self):
        deal = self._deal()
        attachment = self._attachment("act.pdf")
        with self._refused(
            ValidationError,
            '^"Acceptance act signed" on "Acme ERP rollout" can only be met with its date: fill in "Date" \\(when '
            "it happened, e.g. the date on the signed act\\), then tick it.$",
        ):
            self._tick(deal, self.act_signed, attachment_ids=[Command.set(attachment.ids)])
        self.assertFalse(self._line(deal, self.act_signed).is_met)
