from ast import literal_eval
from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from ...odoo_sales_followup.tools.plans import previous_period_start, quarter_bounds
from ..common_plans import SalesPlanCommon

#: Progress bars of the plans' screens: full, and green, above 100%.
PROGRESS_VIEWS = (
    ("crm.sales.plan", "odoo_sales_followup.crm_sales_plan_view_list", "list"),
    ("crm.sales.plan", "odoo_sales_followup.crm_sales_plan_view_form", "form"),
    ("crm.sales.plan.period", "odoo_sales_followup.crm_sales_plan_period_view_list", "list"),
    ("crm.sales.plan.period", "odoo_sales_followup.crm_sales_plan_period_view_form", "form"),
)


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansScreensForRoles(SalesPlanCommon):
    """What a role cannot change it sees read-only; menus and *New* it cannot use are hidden."""

    def _arch(self, user, model, view_type, xmlid=None):
        view = self.env.ref(xmlid) if xmlid else None
        views = self.env[model].with_user(user).get_views([(view.id if view else False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def _menu_ids(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu_id for menu_id in menus if isinstance(menu_id, int)}

    def test_my_plan_shows_a_salesperson_the_targets_read_only(self):
        plan = self._plan(target_revenue=5000.0)
        form = self._arch(self.salesman, "crm.sales.plan", "form", "odoo_sales_followup.crm_sales_plan_view_form")
        for fname in ("user_id", "date_from", "target_revenue", "target_calls"):
            self.assertEqual(form.xpath(f"//field[@name='{fname}']")[0].get("readonly"), "not can_edit", fname)
        self.assertFalse(plan.with_user(self.salesman).can_edit, "the salesperson sees the targets read-only")
        self.assertTrue(plan.with_user(self.leader).can_edit, "the team's leader enters them")
        self.assertTrue(plan.with_user(self.manager).can_edit, "the sales head too")
        self.assertEqual(form.get("create"), "0", "a salesperson is offered no New plan")
        self.assertNotEqual(
            self._arch(self.leader, "crm.sales.plan", "form").get("create"), "0", "the team's leader is"
        )

    def test_team_plans_are_hidden_from_a_salesperson_leading_no_team(self):
        menu = self.env.ref("odoo_sales_followup.menu_plans_team_plans")
        my_plan = self.env.ref("odoo_sales_followup.menu_plans_my_plan")
        self.assertNotIn(menu.id, self._menu_ids(self.salesman))
        self.assertIn(my_plan.id, self._menu_ids(self.salesman))
        self.assertIn(menu.id, self._menu_ids(self.leader))
        self.assertIn(menu.id, self._menu_ids(self.manager))
        for view_type in ("list", "form"):
            self.assertEqual(self._arch(self.salesman, "crm.sales.plan.period", view_type).get("create"), "0")
            self.assertNotEqual(self._arch(self.leader, "crm.sales.plan.period", view_type).get("create"), "0")
        # The colleague is given a team to lead: the menu shows at once.
        self.env["crm.team"].create({"name": "Colleague's team", "user_id": self.colleague.id})
        self.assertIn(menu.id, self._menu_ids(self.colleague))

    def test_progress_above_100_percent_is_a_full_marked_bar(self):
        for model, xmlid, view_type in PROGRESS_VIEWS:
            arch = self._arch(self.manager, model, view_type, xmlid)
            for node in arch.xpath("//field[@widget='progressbar'][not(@name='time_progress')]"):
                self.assertIn("'overflow_class': 'bg-success'", node.get("options") or "", (xmlid, node.get("name")))

    def test_target_headers_fit_their_columns(self):
        form = self._arch(
            self.manager, "crm.sales.plan.period", "form", "odoo_sales_followup.crm_sales_plan_period_view_form"
        )
        for node in form.xpath("//field[@name='plan_ids']/list/field[starts-with(@name, 'target_')]"):
            # Integer columns are 71 pixels wide unless the view says otherwise.
            self.assertTrue(node.get("width"), node.get("name"))
            self.assertNotIn("(plan)", node.get("string") or "(plan)", node.get("name"))


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansOneKindOfPeriod(SalesPlanCommon):
    """Month and quarter plans are never added together; a quarter reads as a quarter."""

    def test_views_open_on_the_current_months_and_label_quarters(self):
        month = self._plan(target_revenue=1000.0)
        quarter_from, quarter_to = quarter_bounds(self.today)
        quarter = self._plan(date_from=quarter_from, date_to=quarter_to, target_revenue=3000.0)
        self.assertEqual(month.period_name, f"{self.month_from:%Y-%m}")
        self.assertEqual(quarter.period_name, f"{quarter_from.year}-Q{(quarter_from.month - 1) // 3 + 1}")
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_crm_sales_plan")
        self.assertIn("'search_default_months': 1", action["context"])
        search = etree.fromstring(self.env["crm.sales.plan"].get_views([(False, "search")])["views"]["search"]["arch"])
        months = search.xpath("//filter[@name='months']")[0]
        Plan = self.env["crm.sales.plan"].with_user(self.manager)
        domain = [("user_id", "=", self.salesman.id), *literal_eval(months.get("domain"))]
        totals = Plan.read_group(domain, ["target_revenue:sum"], [])
        self.assertEqual(totals[0]["target_revenue"], 1000.0, "the month alone, not the month plus the quarter")
        groups = Plan.read_group([("user_id", "=", self.salesman.id)], ["target_revenue:sum"], ["period_name"])
        self.assertEqual(
            {group["period_name"]: group["target_revenue"] for group in groups},
            {month.period_name: 1000.0, quarter.period_name: 3000.0},
        )
        pivot = etree.fromstring(Plan.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        self.assertEqual(pivot.xpath("//field[@type='col']/@name"), ["period_name"])
        graph = etree.fromstring(Plan.get_views([(False, "graph")])["views"]["graph"]["arch"])
        # A graph shows its last measure: the revenue against the plan, not the forecast.
        self.assertEqual(graph.xpath("//field[@type='measure']/@name")[-1], "progress_revenue")

    def test_my_plan_opens_on_the_month(self):
        month = self._plan(target_revenue=1000.0)
        quarter_from, quarter_to = quarter_bounds(self.today)
        self._plan(date_from=quarter_from, date_to=quarter_to, target_revenue=3000.0)
        action = self.env["crm.sales.plan"].with_user(self.salesman).action_open_my_plan()
        self.assertEqual((action["res_id"], action["view_mode"]), (month.id, "form"))


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansCopyKeepsWhatWasEntered(SalesPlanCommon):
    def test_copy_fills_only_the_empty_plans(self):
        previous_from = previous_period_start("month", self.month_from)
        self.env["crm.sales.plan.period"].create(
            {
                "team_id": self.team.id,
                "date_from": previous_from,
                "plan_ids": [
                    Command.create({"user_id": self.salesman.id, "target_revenue": 3000.0, "target_calls": 20}),
                    Command.create({"user_id": self.colleague.id, "target_revenue": 2000.0}),
                ],
            }
        )
        period = self.env["crm.sales.plan.period"].with_user(self.leader).create({"team_id": self.team.id})
        by_user = {plan.user_id: plan for plan in period.plan_ids}
        by_user[self.salesman].write({"target_revenue": 4500.0})  # entered by the leader
        action = period.action_copy_previous()
        self.assertEqual(
            (by_user[self.salesman].target_revenue, by_user[self.salesman].target_calls),
            (4500.0, 0),
            "what was entered is kept",
        )
        self.assertEqual(by_user[self.colleague].target_revenue, 2000.0, "an empty plan is filled")
        self.assertEqual(
            action["params"]["message"],
            "Empty plans filled from the previous period: 1. Targets already entered were kept: Anna Salesman.",
        )
        action = period.action_copy_previous()
        self.assertEqual(by_user[self.colleague].target_revenue, 2000.0)
        self.assertEqual(
            action["params"]["message"],
            "Empty plans filled from the previous period: 0. "
            "Targets already entered were kept: Anna Salesman, Carl Colleague.",
        )


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansMyDayScreen(SalesPlanCommon):
    def test_activity_lines_name_their_customer_and_columns_keep_their_width(self):
        deal = self._opportunity(name="Deal with step", partner_id=self.globex.id)
        self._activity(deal, self.today - timedelta(days=1), summary="Late call", note="<p>A long script</p>")
        self._activity(self.initech, self.today, summary="Call Initech")
        lines = self.env["crm.followup.my.day"].with_user(self.salesman).search([("activity_id", "!=", False)])
        self.assertEqual(
            [(line.name, line.partner_id) for line in lines],
            [("Late call", self.globex), ("Call Initech", self.initech)],
        )
        arch = etree.fromstring(
            self.env["crm.followup.my.day"]
            .with_user(self.salesman)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        for fname in ("kind", "name", "partner_id"):
            self.assertTrue(arch.xpath(f"//field[@name='{fname}']")[0].get("width"), fname)
        # Its own source string, so that its Russian is the verb ("Открыть документ"), not
        # the adjective of the filter "Open".
        self.assertEqual(arch.xpath("//button[@name='action_open_document']/@string"), ["Open the document"])
