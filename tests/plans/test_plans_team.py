from odoo import Command
from odoo.tests import tagged

from ...odoo_sales_followup.tools.plans import previous_period_start
from ..common_plans import SalesPlanCommon


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansTeamPeriod(SalesPlanCommon):
    def test_a_team_period_gives_each_member_a_plan(self):
        period = self.env["crm.sales.plan.period"].with_user(self.leader).create({"team_id": self.team.id})
        self.assertEqual((period.kind, period.date_from, period.date_to), ("month", self.month_from, self.month_to))
        self.assertEqual(period.plan_ids.user_id, self.salesman | self.colleague)
        self.assertEqual(set(period.plan_ids.mapped("date_from")), {self.month_from})
        self.assertEqual(period.plan_ids.team_id, self.team)
        period.plan_ids.filtered(lambda plan: plan.user_id == self.salesman).target_revenue = 3000.0
        period.plan_ids.filtered(lambda plan: plan.user_id == self.colleague).target_revenue = 2000.0
        self.assertEqual(period.target_revenue, 5000.0)

    def test_copy_from_the_previous_period(self):
        previous_from = previous_period_start("month", self.month_from)
        previous = self.env["crm.sales.plan.period"].create(
            {
                "team_id": self.team.id,
                "date_from": previous_from,
                "plan_ids": [
                    Command.create({"user_id": self.salesman.id, "target_revenue": 3000.0, "target_calls": 20}),
                    Command.create({"user_id": self.leader.id, "target_revenue": 500.0, "target_new_customers": 2}),
                ],
            }
        )
        self.assertEqual(len(previous.plan_ids), 3)  # the colleague's line was added, empty
        period = self.env["crm.sales.plan.period"].with_user(self.leader).create({"team_id": self.team.id})
        period.action_copy_previous()
        by_user = {plan.user_id: plan for plan in period.plan_ids}
        self.assertEqual(set(by_user), {self.salesman, self.colleague, self.leader})
        self.assertEqual((by_user[self.salesman].target_revenue, by_user[self.salesman].target_calls), (3000.0, 20))
        self.assertEqual((by_user[self.leader].target_revenue, by_user[self.leader].target_new_customers), (500.0, 2))
        self.assertEqual(by_user[self.colleague].target_revenue, 0.0)
        self.assertEqual(by_user[self.leader].date_from, self.month_from)

    def test_import_and_export_of_plans(self):
        Plan = self.env["crm.sales.plan"]
        result = Plan.load(
            ["user_id/id", "team_id/id", "date_from", "date_to", "target_revenue", "target_new_customers"],
            [
                [
                    self._xmlid(self.salesman),
                    self._xmlid(self.team),
                    str(self.month_from),
                    str(self.month_to),
                    "4200",
                    "3",
                ]
            ],
        )
        self.assertEqual(result["messages"], [])
        plan = Plan.browse(result["ids"])
        self.assertEqual((plan.user_id, plan.target_revenue, plan.target_new_customers), (self.salesman, 4200.0, 3))
        exported = plan.export_data(["user_id/name", "target_revenue", "actual_revenue"])["datas"]
        self.assertEqual(exported, [["Anna Salesman", 4200.0, 0.0]])

    def _xmlid(self, record):
        xmlid = record.get_external_id().get(record.id)
        if not xmlid:
            name = f"test_{record._table}_{record.id}"
            self.env["ir.model.data"].create(
                {"module": "__import__", "name": name, "model": record._name, "res_id": record.id}
            )
            xmlid = f"__import__.{name}"
        return xmlid
