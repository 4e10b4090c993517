from odoo import Command, api, fields, models
from odoo.tools import format_date

from ...tools import period_bounds
from ...tools.plans import MAX_PLAN_DATE, MIN_PLAN_DATE, previous_period_start
from .crm_sales_plan import TARGET_FIELDS

#: Totals of a team's period: the sum of its members' plans.
TOTAL_FIELDS = (*TARGET_FIELDS, "actual_revenue", "forecast_revenue", "actual_new_customers", "actual_activities")


class CrmSalesPlanPeriod(models.Model):
    _name = "crm.sales.plan.period"
    _inherit = ["followup.bounds.mixin"]
    _description = "Team sales plan"
    _order = "date_from desc, team_id"
    _check_company_auto = True
    _followup_bounds = {"date_from": (MIN_PLAN_DATE, MAX_PLAN_DATE)}

    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, index=True, check_company=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], string="Period", required=True, default="month"
    )
    date_from = fields.Date(
        string="From",
        required=True,
        compute="_compute_date_from",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_to = fields.Date(string="To", compute="_compute_date_to", store=True, precompute=True)
    plan_ids = fields.One2many("crm.sales.plan", "period_id", string="Plans of the members")
    target_revenue = fields.Monetary(string="Revenue (plan)", compute="_compute_totals")
    actual_revenue = fields.Monetary(string="Revenue", compute="_compute_totals")
    forecast_revenue = fields.Monetary(string="Forecast", compute="_compute_totals")
    target_new_customers = fields.Integer(string="New customers (plan)", compute="_compute_totals")
    actual_new_customers = fields.Integer(string="New customers", compute="_compute_totals")
    target_activities = fields.Integer(string="Activities (plan)", compute="_compute_totals")
    actual_activities = fields.Integer(string="Activities", compute="_compute_totals")
    progress_revenue = fields.Float(string="Revenue %", compute="_compute_totals")

    @api.depends("team_id")
    def _compute_company_id(self):
        for period in self:
            period.company_id = period.team_id.company_id or period.company_id or self.env.company

    @api.depends("kind")
    def _compute_date_from(self):
        for period in self:
            today = (period.company_id or self.env.company)._get_followup_today()
            period.date_from = period_bounds(period.kind, period.date_from or today)[0]

    @api.depends("kind", "date_from")
    def _compute_date_to(self):
        for period in self:
            period.date_to = period.date_from and period_bounds(period.kind, period.date_from)[1]

    @api.depends("plan_ids.target_revenue", "plan_ids.actual_revenue", "plan_ids.forecast_revenue")
    def _compute_totals(self):
        for period in self:
            plans = period.plan_ids
            for fname in (
                "target_revenue",
                "actual_revenue",
                "forecast_revenue",
                "target_new_customers",
                "actual_new_customers",
                "target_activities",
                "actual_activities",
            ):
                period[fname] = sum(plans.mapped(fname))
            period.progress_revenue = (
                100.0 * period.actual_revenue / period.target_revenue if period.target_revenue else 0.0
            )

    @api.depends("team_id", "kind", "date_from")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for period in self:
            period.display_name = self.env._(
                "%(team)s: %(kind)s from %(date_from)s",
                team=period.team_id.name or "",
                kind=labels.get(period.kind, ""),
                date_from=format_date(self.env, period.date_from),
            )

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        # Who leads no team (and is no Sales administrator) opens no team period: no *New*.
        result = super().get_view(view_id, view_type, **options)
        return self.env["crm.sales.plan"]._get_view_for_plans_reader(result, view_type)

    @api.model_create_multi
    def create(self, vals_list):
        periods = super().create(vals_list)
        periods._add_member_plans()
        return periods

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and {"team_id", "company_id"} & vals.keys():
            # Odoo checks the record rules before a write only: a team leader enters the
            # plans of their own team, and does not move one into another team.
            self.check_access("write")
        if "team_id" in vals:
            self._add_member_plans()
        return res

    # ---- ACTIONS ----

    def action_add_members(self):
        """Button: a plan line for every member of the team who has none yet."""
        self._add_member_plans()
        return True

    def action_copy_previous(self):
        """Button: the targets of the team's previous period, member by member, into the
        plans still empty; targets already entered are kept, and the notification says whose."""
        previous = self._get_previous_periods()
        copied, kept = self.env["crm.sales.plan"], self.env["crm.sales.plan"]
        for period in self:
            source = previous.get(period.id)
            if not source:
                continue
            targets = {plan.user_id: plan for plan in source.plan_ids}
            # the members who left the team since have no plan in it any more
            team_users = period.team_id.member_ids | period.team_id.user_id
            new_users = [user for user in targets if user in team_users and user not in period.plan_ids.user_id]
            for plan in period.plan_ids:
                if plan.user_id not in targets:
                    continue
                if any(plan[fname] for fname in TARGET_FIELDS):
                    kept |= plan
                else:
                    plan.write({fname: targets[plan.user_id][fname] for fname in TARGET_FIELDS})
                    copied |= plan
            if new_users:
                existing = period.plan_ids
                period.write(
                    {
                        "plan_ids": [
                            Command.create({"user_id": user.id, **{f: targets[user][f] for f in TARGET_FIELDS}})
                            for user in new_users
                        ]
                    }
                )
                copied |= period.plan_ids - existing
        return self._copy_previous_notification(previous, copied, kept)

    # ---- BUSINESS METHODS ----

    def _add_member_plans(self):
        for period in self:
            users = period.team_id.member_ids - period.plan_ids.user_id
            if users:
                period.plan_ids = [Command.create({"user_id": user.id}) for user in users]

    def _copy_previous_notification(self, previous, copied, kept):
        if not previous:
            message = self.env._("No previous period of this team to copy from.")
        elif not copied and not kept:
            message = self.env._("The previous period has no plan to copy.")
        else:
            message = self.env._("Empty plans filled from the previous period: %(count)s.", count=len(copied))
        if kept:
            message += " " + self.env._(
                "Targets already entered were kept: %(salespeople)s.",
                salespeople=", ".join(kept.user_id.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if kept or not copied else "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _get_previous_periods(self):
        """{period id: the same team's period of the same kind just before}, in one search."""
        starts = {period.id: previous_period_start(period.kind, period.date_from) for period in self}
        candidates = self.search(
            [
                ("team_id", "in", self.team_id.ids),
                ("date_from", "in", list(set(starts.values()))),
                ("id", "not in", self.ids),
            ]
        )
        found = {(c.team_id, c.kind, c.date_from): c for c in candidates}
        return {
            period.id: found.get((period.team_id, period.kind, starts[period.id]))
            for period in self
            if found.get((period.team_id, period.kind, starts[period.id]))
        }
