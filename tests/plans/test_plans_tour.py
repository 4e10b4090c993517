from odoo.tests import HttpCase, tagged

from ..common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansTour(HttpCase, SalesPlanCommon):
    def test_team_leader_enters_the_team_plan(self):
        period = self.env["crm.sales.plan.period"].create({"team_id": self.team.id})
        action = self.env.ref("odoo_sales_followup.action_crm_sales_plan_period")
        self.start_tour(
            f"/odoo/action-{action.id}/{period.id}", "odoo_sales_followup_plans_team_entry", login="osf_leader"
        )
        plan = period.plan_ids.filtered(lambda plan: plan.user_id == self.salesman)
        self.assertEqual(plan.target_revenue, 5000.0)

    def test_salesperson_reads_my_plan(self):
        self._plan(target_revenue=100000.0, target_new_customers=3)
        action = self.env.ref("odoo_sales_followup.action_server_crm_sales_plan_my")
        self.start_tour(f"/odoo/action-{action.id}", "odoo_sales_followup_plans_my_plan", login="osf_salesman")
