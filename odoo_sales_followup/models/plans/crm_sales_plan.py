import logging

from lxml import etree
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, format_amount, format_date

from ...tools import PERIOD_KIND_SELECTION, forecast, period_kind
from ...tools.plans import (
    MAX_PLAN_DATE,
    MAX_PLAN_DAYS,
    MAX_TARGET_AMOUNT,
    MAX_TARGET_COUNT,
    MIN_PLAN_DATE,
    elapsed_days,
    period_label,
    progress,
)
from .. import jobs

_logger = logging.getLogger(__name__)

#: Context key of the plans' screens: what they read is refreshed first (``_refresh_actuals_on_read``).
FRESH_FIGURES_CONTEXT_KEY = "followup_fresh_figures"

#: Targets of a plan, each with its actual figure.
TARGET_FIELDS = (
    "target_active_customers",
    "target_new_customers",
    "target_prospects",
    "target_revenue",
    "target_activities",
    "target_calls",
    "target_meetings",
)

#: Revenue of the salesperson's opportunities per forecast category: {category: field}.
CATEGORY_FIELDS = {
    "closed": "category_closed_revenue",
    "commit": "category_commit_revenue",
    "best_case": "category_best_case_revenue",
    "pipeline": "category_pipeline_revenue",
}

#: Fields computed from sales data (``_compute_actuals``): nobody writes them by hand.
ACTUAL_FIELDS = frozenset(
    {
        "actual_active_customers",
        "actual_new_customers",
        "actual_prospects",
        "actual_revenue",
        "actual_activities",
        "actual_calls",
        "actual_meetings",
        "pipeline_revenue",
        "forecast_revenue",
        *CATEGORY_FIELDS.values(),
        "actuals_date",
    }
)


#: Fields the plan computes: refused in create and write, with the figures.
COMPUTED_FIELDS = ACTUAL_FIELDS | {
    "progress_active_customers",
    "progress_new_customers",
    "progress_prospects",
    "progress_revenue",
    "progress_activities",
    "progress_forecast",
    "progress_commit",
    "revenue_gap",
    "period_kind",
    "period_name",
}


class CrmSalesPlan(models.Model):
    _name = "crm.sales.plan"
    _inherit = ["followup.bounds.mixin", "followup.engine.fields.mixin"]
    _description = "Sales plan"
    _order = "date_from desc, team_id, user_id"
    _check_company_auto = True
    _followup_bounds = {
        "date_from": (MIN_PLAN_DATE, MAX_PLAN_DATE),
        "date_to": (MIN_PLAN_DATE, MAX_PLAN_DATE),
        **{fname: (0, MAX_TARGET_COUNT) for fname in TARGET_FIELDS},
        "target_revenue": (0, MAX_TARGET_AMOUNT),
    }
    _followup_engine_fields = tuple(sorted(COMPUTED_FIELDS))

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_from_period",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        compute="_compute_from_period",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_id = fields.Many2one(
        "crm.sales.plan.period", string="Team period", index=True, ondelete="cascade", check_company=True
    )
    date_from = fields.Date(
        string="From", compute="_compute_from_period", store=True, readonly=False, precompute=True, required=True
    )
    date_to = fields.Date(
        string="To", compute="_compute_from_period", store=True, readonly=False, precompute=True, required=True
    )
    period_kind = fields.Selection(
        PERIOD_KIND_SELECTION,
        string="Kind of period",
        compute="_compute_period_kind",
        store=True,
        help="Plans of the same kind of period may not overlap for a salesperson; a monthly "
        "and a quarterly plan may.",
    )
    period_name = fields.Char(
        string="Period",
        compute="_compute_period_name",
        store=True,
        index=True,
        help="The month (2026-12), the quarter (2026-Q4) or the dates of the plan: "
        "figures of different periods are never added together under one period.",
    )
    can_edit = fields.Boolean(
        string="Can change the plan",
        compute="_compute_can_edit",
        help="Whether the current user may change this plan's salesperson, dates and targets.",
    )
    # ---- targets ----
    target_active_customers = fields.Integer(string="Active customers (plan)")
    target_new_customers = fields.Integer(string="New customers (plan)")
    target_prospects = fields.Integer(
        string="Prospects (plan)", help="Potential customers brought into contact in the period."
    )
    target_revenue = fields.Monetary(string="Revenue (plan)")
    target_activities = fields.Integer(string="Activities (plan)", help="Activities done, of every type.")
    target_calls = fields.Integer(string="Calls (plan)")
    target_meetings = fields.Integer(string="Meetings (plan)")
    # ---- actuals, computed from sales data ----
    actual_active_customers = fields.Integer(
        string="Active customers",
        compute="_compute_actuals",
        store=True,
        help="Customers who buy regularly (the level active) whose salesperson is this plan's.",
    )
    actual_new_customers = fields.Integer(
        string="New customers",
        compute="_compute_actuals",
        store=True,
        help="Customers whose first purchase (a move from potential or prospect to new or active "
        "customer) was recorded in the period for this salesperson.",
    )
    actual_prospects = fields.Integer(
        string="Prospects",
        compute="_compute_actuals",
        store=True,
        help="Customers moved from potential to prospect in the period for this salesperson.",
    )
    actual_revenue = fields.Monetary(
        string="Revenue",
        compute="_compute_actuals",
        store=True,
        help="Untaxed amount of the confirmed orders, or of the posted invoices (a company "
        "setting), of this salesperson in the period.",
    )
    actual_activities = fields.Integer(string="Activities", compute="_compute_actuals", store=True)
    actual_calls = fields.Integer(string="Calls", compute="_compute_actuals", store=True)
    actual_meetings = fields.Integer(string="Meetings", compute="_compute_actuals", store=True)
    pipeline_revenue = fields.Monetary(
        string="Weighted pipeline",
        compute="_compute_actuals",
        store=True,
        help="Prorated revenue of the open opportunities expected to close in the period.",
    )
    forecast_revenue = fields.Monetary(
        string="Forecast",
        compute="_compute_actuals",
        store=True,
        help="Revenue expected at the period's end: the revenue so far, plus the weighted pipeline "
        "(the open opportunities expected to close in the period, each counted at its probability). "
        "From half the period on, the pace so far extended to the period's end counts instead of "
        "the pipeline when it is larger; never both.",
    )
    # ---- forecast by category: what the deals' forecast categories add up to ----
    category_closed_revenue = fields.Monetary(
        string="Closed",
        compute="_compute_actuals",
        store=True,
        help="Expected revenue of the salesperson's opportunities won in the period (forecast "
        "category Closed). Revenue counts the orders or invoices instead; the two differ when a "
        "deal's order is not its expected revenue.",
    )
    category_commit_revenue = fields.Monetary(
        string="Commit",
        compute="_compute_actuals",
        store=True,
        help="Expected revenue, in full, of the salesperson's open opportunities in the forecast "
        "category Commit that are expected to close from today to the period's end. The categories "
        "do not add up to one another: closed and committed together are what the salesperson stands behind.",
    )
    category_best_case_revenue = fields.Monetary(
        string="Best case",
        compute="_compute_actuals",
        store=True,
        help="Expected revenue, in full, of the open opportunities in the forecast category Best "
        "case expected to close from today to the period's end (the committed ones not included).",
    )
    category_pipeline_revenue = fields.Monetary(
        string="Pipeline",
        compute="_compute_actuals",
        store=True,
        help="Expected revenue, in full, of the open opportunities in the forecast category "
        "Pipeline expected to close from today to the period's end (best case and committed not "
        "included). The weighted pipeline counts the same open opportunities of every category, "
        "each at its probability.",
    )
    actuals_date = fields.Datetime(
        string="Figures of",
        compute="_compute_actuals",
        store=True,
        help="When the figures last changed. They are checked against the sales data when the plans "
        "are opened and every hour; a check that finds the same figures leaves this date as it is.",
    )
    # ---- achievement ----
    progress_active_customers = fields.Float(
        string="Active customers %", compute="_compute_progress", store=True, aggregator="avg"
    )
    progress_new_customers = fields.Float(
        string="New customers %", compute="_compute_progress", store=True, aggregator="avg"
    )
    progress_prospects = fields.Float(string="Prospects %", compute="_compute_progress", store=True, aggregator="avg")
    progress_revenue = fields.Float(string="Revenue %", compute="_compute_progress", store=True, aggregator="avg")
    progress_activities = fields.Float(string="Activities %", compute="_compute_progress", store=True, aggregator="avg")
    progress_forecast = fields.Float(string="Forecast %", compute="_compute_progress", store=True, aggregator="avg")
    progress_commit = fields.Float(
        string="Closed and committed %",
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="The revenue of the deals won and of the committed ones, against the revenue plan.",
    )
    revenue_gap = fields.Monetary(
        string="Gap to plan",
        compute="_compute_progress",
        store=True,
        help="Revenue still missing at the period's end if the forecast comes true.",
    )
    time_progress = fields.Float(
        string="Time elapsed %", compute="_compute_time_progress", help="Share of the period already lived through."
    )
    gap_summary = fields.Html(string="What is behind", compute="_compute_gap_summary", sanitize=False)

    @api.depends("period_id", "user_id")
    def _compute_from_period(self):
        for plan in self:
            period = plan.period_id
            if period:
                plan.date_from = period.date_from
                plan.date_to = period.date_to
                plan.team_id = period.team_id
                plan.company_id = period.company_id
            else:
                plan.date_from = plan.date_from
                plan.date_to = plan.date_to
                plan.team_id = plan.team_id or plan.user_id.sale_team_id
                plan.company_id = plan.company_id or plan.team_id.company_id or self.env.company

    @api.depends("date_from", "date_to")
    def _compute_period_kind(self):
        for plan in self:
            plan.period_kind = period_kind(plan.date_from, plan.date_to)

    @api.depends("date_from", "date_to")
    def _compute_period_name(self):
        for plan in self:
            plan.period_name = period_label(plan.date_from, plan.date_to)

    @api.depends_context("uid")
    def _compute_can_edit(self):
        # A plan being created (a new line of a team period) is the creator's to fill in.
        origins = self._origin
        writable = origins._filtered_access("write")
        for plan in self:
            plan.can_edit = not plan._origin or plan._origin in writable

    @api.depends("user_id", "company_id", "date_from", "date_to")
    def _compute_actuals(self):
        plans = self.filtered(
            lambda plan: isinstance(plan.id, int) and plan.user_id and plan.date_from and plan.date_to
        )
        (self - plans).update(dict.fromkeys(ACTUAL_FIELDS, False))
        if not plans:
            return
        figures = plans._get_actual_figures(None)
        now = fields.Datetime.now()
        for plan in plans:
            values = plan._prepare_actual_values(figures.get(plan.id, {}), plan.company_id._get_followup_today())
            # Figures that did not change are not written again, their date included: a
            # refresh that finds the same figures leaves the plan's row alone. What the
            # stored figures were is known from the cache (_refresh_actuals reads them).
            stored = plan._cache
            changed = any(
                fname not in stored or plan._fields[fname].convert_to_cache(value, plan) != stored[fname]
                for fname, value in values.items()
            )
            values["actuals_date"] = now if changed or "actuals_date" not in stored else stored["actuals_date"]
            plan.update(values)

    @api.depends(*TARGET_FIELDS, *ACTUAL_FIELDS)
    def _compute_progress(self):
        for plan in self:
            plan.update(plan._prepare_progress_values(plan))

    @api.depends("date_from", "date_to")
    def _compute_time_progress(self):
        for plan in self:
            if plan.date_from and plan.date_to:
                today = (plan.company_id or self.env.company)._get_followup_today()
                elapsed, total = elapsed_days(plan.date_from, plan.date_to, today)
                plan.time_progress = progress(elapsed, total)
            else:
                plan.time_progress = 0.0

    @api.depends(*TARGET_FIELDS, *ACTUAL_FIELDS, "time_progress")
    def _compute_gap_summary(self):
        for plan in self:
            plan.gap_summary = plan._get_gap_summary((plan.company_id or self.env.company)._get_followup_today())

    @api.depends("user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "%(salesperson)s: %(date_from)s – %(date_to)s",
                salesperson=plan.user_id.name or "",
                date_from=format_date(self.env, plan.date_from),
                date_to=format_date(self.env, plan.date_to),
            )

    # ---- CONSTRAINTS ----

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for plan in self:
            if plan.date_from and plan.date_to and plan.date_to < plan.date_from:
                raise ValidationError(
                    self.env._(
                        "The sales plan %(plan)s ends on %(date_to)s, before it starts on %(date_from)s.",
                        plan=plan.display_name,
                        date_to=format_date(self.env, plan.date_to),
                        date_from=format_date(self.env, plan.date_from),
                    )
                )
            if plan.date_from and plan.date_to and (plan.date_to - plan.date_from).days >= MAX_PLAN_DAYS:
                raise ValidationError(
                    self.env._(
                        "The sales plan %(plan)s covers more than a year: plan a month, a quarter "
                        "or another period of a year at most.",
                        plan=plan.display_name,
                    )
                )

    @api.constrains("user_id", "company_id", "date_from", "date_to")
    def _check_overlap(self):
        self.flush_model(["user_id", "company_id", "date_from", "date_to", "period_kind"])
        rows = self.env.execute_query(
            SQL(
                """SELECT plan.id, other.id
                     FROM crm_sales_plan plan
                     JOIN crm_sales_plan other
                       ON other.user_id = plan.user_id
                      AND other.company_id = plan.company_id
                      AND (other.period_kind = plan.period_kind
                           OR 'custom' IN (other.period_kind, plan.period_kind))
                      AND other.id != plan.id
                      AND other.date_from <= plan.date_to
                      AND plan.date_from <= other.date_to
                    WHERE plan.id = ANY(%s)
                    ORDER BY plan.id, other.id
                    LIMIT 1""",
                self.ids,
            )
        )
        if rows:
            # sudo: the other plan may be one the user cannot read; its name is the fact to report.
            plan, other = self.browse(rows[0][0]), self.sudo().browse(rows[0][1])
            raise ValidationError(
                self.env._(
                    "The sales plan %(plan)s overlaps the plan %(other)s of the same salesperson: "
                    "a salesperson has one plan of a kind per period.",
                    plan=plan.display_name,
                    other=other.display_name,
                )
            )

    @api.constrains("user_id", "team_id", "company_id")
    def _check_salesperson(self):
        """A plan's salesperson works in its team and its company: the plan's figures, computed
        in superuser mode, are read by whoever may read the plan (the team's leader)."""
        # sudo: the team's members and the salesperson's companies, whoever enters the plan
        for plan in self.sudo():
            user, team = plan.user_id, plan.team_id
            if team and user not in team.member_ids | team.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is neither a member nor the leader of the sales team %(team)s: "
                        "a plan of the team is for its members.",
                        user=user.name,
                        team=team.name,
                    )
                )
            if plan.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work for %(company)s: a plan of the company is for its users.",
                        user=user.name,
                        company=plan.company_id.name,
                    )
                )

    # ---- CRUD ----

    def write(self, vals):
        result = super().write(vals)
        if not self.env.su and {"team_id", "period_id", "company_id"} & vals.keys():
            # Odoo checks the record rules before a write only: a team leader enters the
            # plans of their own team, and does not move one into another team.
            self.check_access("write")
        return result

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        return self.env._(
            "The field %(field)s of sales plans is computed from sales data; nobody sets it by hand.",
            field=self._fields[fnames[0]]._description_string(self.env),
        )

    @api.model
    def get_view(self, view_id=None, view_type="form", **options):
        # Like Odoo's own access rights on views, but with the record rules: who may enter
        # no plan (a salesperson who leads no team) is offered no *New* button.
        result = super().get_view(view_id, view_type, **options)
        return self._get_view_for_plans_reader(result, view_type)

    # ---- READS: the figures a person opens are current ----
    # The screens of *Plan against actual* and *My plan* read with FRESH_FIGURES_CONTEXT_KEY
    # in their context: the plans they show are refreshed first. These reads then need a
    # read/write cursor (``_readonly = False``): Odoo would otherwise run them read-only and
    # retry them, logging a warning, at the first figure written.

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        self._refresh_actuals_on_read(domain)
        return super().web_search_read(
            domain, specification, offset=offset, limit=limit, order=order, count_limit=count_limit
        )

    web_search_read._readonly = False

    def web_read(self, specification):
        self._refresh_actuals_on_read()
        return super().web_read(specification)

    web_read._readonly = False

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        # The pivot reads read_group, the graph and a grouped list web_read_group (which reads it).
        self._refresh_actuals_on_read(domain)
        return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)

    read_group._readonly = False

    @api.model
    def web_read_group(self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True):
        return super().web_read_group(domain, fields, groupby, limit=limit, offset=offset, orderby=orderby, lazy=lazy)

    web_read_group._readonly = False

    # ---- ACTIONS ----

    def action_refresh_actuals(self):
        """Button: compute the figures of the plans again from today's data."""
        # The figures are computed in superuser mode: only of plans the user may read.
        self.check_access("read")
        plans = self or self.search([("date_to", ">=", self.env.company._get_followup_today())])
        plans._refresh_actuals()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def action_open_my_plan(self):
        """*My plan*: the current user's plans of today's periods; the month's plan opens
        directly (the list, filtered on months, holds the others). Its screens read the
        figures fresh (``FRESH_FIGURES_CONTEXT_KEY`` in the action's context)."""
        today = self.env.company._get_followup_today()
        plans = self.search([("user_id", "=", self.env.uid), ("date_from", "<=", today), ("date_to", ">=", today)])
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_crm_sales_plan_my")
        shown = plans.filtered(lambda plan: plan.period_kind == "month") or plans
        if len(shown) == 1:
            action.update({"res_id": shown.id, "view_mode": "form", "views": [(False, "form")]})
        return action

    @api.model
    def _cron_refresh_actuals(self):
        """Scheduled: the figures of the plans of current periods and of the month just ended,
        through the job runner (``jobs.run_batches``): company by company, in batches; a
        plan that fails is logged and notified, the others are refreshed."""
        # Every company's today is at most a day after UTC's: its periods have begun by then.
        today = fields.Date.add(fields.Date.today(), days=1)
        plans = self.search(
            [("date_from", "<=", today), *self._get_refreshed_plans_domain(today)], order="company_id, id"
        )
        jobs.run_batches(
            self.env,
            plans,
            lambda batch: batch._refresh_actuals(),
            job_name="Sales plan figures",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.plan_batch_size", 200),
            company_of=lambda plan: plan.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Sales plan figures not refreshed"),
                self.env._(
                    "The figures of %(failed)s of %(total)s sales plans of %(company)s could not be refreshed: "
                    "%(problem)s. The other plans are up to date; the server log has the details.",
                    failed=failed,
                    total=total,
                    company=company.name,
                    problem=problem,
                ),
            ),
        )

    # ---- BUSINESS METHODS ----

    @api.model
    def _user_enters_plans(self):
        """Whether the current user may enter plans at all: a Sales administrator, or the
        leader of a sales team (who enters that team's)."""
        user = self.env.user
        return user.has_group("sales_team.group_sale_manager") or bool(
            self.env["crm.team"].search_count([("user_id", "=", user.id)], limit=1)
        )

    @api.model
    def _get_view_for_plans_reader(self, result, view_type):
        """``result`` of ``get_view`` (of plans or team periods) without *New* for a
        user who enters no plan."""
        if view_type in ("list", "form", "kanban") and not self._user_enters_plans():
            node = etree.fromstring(result["arch"])
            node.set("create", "0")
            result["arch"] = etree.tostring(node, encoding="unicode")
        return result

    @api.model
    def _get_refreshed_plans_domain(self, today):
        """The plans whose figures are kept current (by the hourly job, and when they are
        opened): those of periods not ended before the previous month. Older figures stay
        as they were last computed (*Figures of*)."""
        return [("date_to", ">=", fields.Date.subtract(today, months=1))]

    def _refresh_actuals_on_read(self, domain=None):
        """Before a screen of plans reads them (``FRESH_FIGURES_CONTEXT_KEY`` in the context):
        refresh the figures of the plans it reads, ``self`` or those of ``domain``, among the
        plans kept current (``_get_refreshed_plans_domain``). A plan that another transaction
        is writing (a colleague's screen, the hourly job) is left to it, and a conflict
        leaves the figures as they were: the screen shows them, it does not fail."""
        if not self.env.context.get(FRESH_FIGURES_CONTEXT_KEY) or self.env.cr.readonly:
            return
        today = fields.Date.today()
        if domain is not None:
            plans = self.search([*(domain or []), *self._get_refreshed_plans_domain(today)])
        else:
            plans = self.exists().filtered_domain(self._get_refreshed_plans_domain(today))
        # The figures are computed in superuser mode: only of plans the user may read.
        plans = plans._filtered_access("read")
        if not plans:
            return
        try:
            with self.env.cr.savepoint():
                rows = self.env.execute_query(
                    SQL(
                        "SELECT id FROM crm_sales_plan WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED",
                        plans.ids,
                    )
                )
                plans.browse(row[0] for row in rows)._refresh_actuals()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # Another transaction changed these plans since this one began: its figures are as fresh.
            _logger.info("Sales plan figures not refreshed on reading, a concurrent update: %s", error.pgcode)

    def _refresh_actuals(self):
        """Compute the figures of ``self`` again, set-based (one query per figure). A plan
        whose figures did not change is not written."""
        if not self:
            return
        # sudo: the figures are computed from documents the plan's reader may not read
        # (a team leader with own-documents rights); only figures are stored, no record.
        plans = self.sudo()
        # The stored figures, to compare the new ones with: only a change is written.
        plans.fetch(list(COMPUTED_FIELDS))
        # Figures first, then the achievement that reads them.
        for fnames in (ACTUAL_FIELDS, COMPUTED_FIELDS - ACTUAL_FIELDS - {"period_kind", "period_name"}):
            for fname in fnames:
                self.env.add_to_compute(plans._fields[fname], plans)
            plans.flush_recordset(list(fnames))

    def _get_current_figures(self, today=None, until=None):
        """The figures of the plans ``self`` from today's data, computed without writing
        them, as {plan id: {field name: value}} for the actual figures and the achievement
        (``progress_*``, ``revenue_gap``): for a reader, such as a digest, that needs them
        fresh and must not rewrite the plans that users are refreshing. With ``until``,
        the figures of the period up to that day included (a digest's last day): the
        documents dated after it are not counted. Today is the day of each plan's company."""
        figures = self.with_context(followup_figures_until=until)._get_actual_figures(today) if self else {}
        current = {}
        for plan in self:
            values = plan._prepare_actual_values(
                figures.get(plan.id, {}), today or plan.company_id._get_followup_today()
            )
            values.update(plan._prepare_progress_values(values))
            current[plan.id] = values
        return current

    def _prepare_actual_values(self, figures, today):
        """The actual figures of the plan ``self`` (but their date) from the values of
        ``_get_actual_figures``."""
        self.ensure_one()
        revenue = figures.get("actual_revenue", 0.0)
        ended = self.date_to < today
        pipeline = figures.get("pipeline_revenue", 0.0) if not ended else 0.0
        return {
            "actual_active_customers": figures.get("actual_active_customers", 0),
            "actual_new_customers": figures.get("actual_new_customers", 0),
            "actual_prospects": figures.get("actual_prospects", 0),
            "actual_revenue": revenue,
            "actual_activities": figures.get("actual_activities", 0),
            "actual_calls": figures.get("actual_calls", 0),
            "actual_meetings": figures.get("actual_meetings", 0),
            "pipeline_revenue": pipeline,
            "forecast_revenue": forecast(revenue, pipeline, self.date_from, self.date_to, today),
            **{
                # a category without deals is NULL in its query
                fname: (figures.get(fname) or 0.0) if category == "closed" or not ended else 0.0
                for category, fname in CATEGORY_FIELDS.items()
            },
        }

    def _prepare_progress_values(self, actuals):
        """The achievement of the plan ``self`` against its targets, for the actual
        figures ``actuals`` (a mapping of the actual fields, or the plan itself)."""
        self.ensure_one()
        return {
            "progress_active_customers": progress(actuals["actual_active_customers"], self.target_active_customers),
            "progress_new_customers": progress(actuals["actual_new_customers"], self.target_new_customers),
            "progress_prospects": progress(actuals["actual_prospects"], self.target_prospects),
            "progress_revenue": progress(actuals["actual_revenue"], self.target_revenue),
            "progress_activities": progress(actuals["actual_activities"], self.target_activities),
            "progress_forecast": progress(actuals["forecast_revenue"], self.target_revenue),
            "progress_commit": progress(
                actuals["category_closed_revenue"] + actuals["category_commit_revenue"], self.target_revenue
            ),
            "revenue_gap": max(0.0, self.target_revenue - actuals["forecast_revenue"]),
        }

    def _plans_values_sql(self):
        """The plans as an SQL table; ``date_to`` is the last day whose documents count:
        the plan's, or the day of ``followup_figures_until`` in the context if earlier
        (``_get_current_figures``); ``period_end`` is the plan's last day. Days are the
        plan's company's: ``[begins_at, ends_at)`` are the naive UTC bounds of ``date_from`` to
        ``date_to`` there, for datetimes; ``today`` is the company's today."""
        until = self.env.context.get("followup_figures_until")
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s::date, %s::date, %s::date, %s::timestamp, %s::timestamp, %s::date)",
                plan.id,
                plan.user_id.id,
                plan.company_id.id,
                plan.date_from,
                min(plan.date_to, until) if until else plan.date_to,
                plan.date_to,
                *plan.company_id._get_followup_day_bounds(
                    plan.date_from, min(plan.date_to, until) if until else plan.date_to
                ),
                plan.company_id._get_followup_today(),
            )
            for plan in self
        )
        return SQL(
            "(VALUES %s) AS plan(id, user_id, company_id, date_from, date_to, period_end, begins_at, ends_at, today)",
            rows,
        )

    def _get_actual_figures(self, today):
        """Hook: the figures of the plans ``self``, as {plan id: {field name: value}};
        each figure is one query for all plans. Override to add a figure. ``today``:
        the day the pipeline starts, else each plan's company's today."""
        self._flush_sources()
        plans = self._plans_values_sql()
        figures = {plan.id: {} for plan in self}

        def collect(query, *fnames):
            for row in self.env.execute_query(query):
                figures[row[0]].update(zip(fnames, row[1:], strict=True))

        # The levels' groups, not their keys: a company's own level rule counts the same.
        Partner = self.env["res.partner"]
        groups = Partner._get_level_groups()
        collect(
            SQL(
                """SELECT plan.id, COUNT(partner.id)
                     FROM %s
                     JOIN res_partner partner
                       ON partner.user_id = plan.user_id
                      AND %s
                      AND partner.active
                      AND partner.id = partner.commercial_partner_id
                      AND (partner.company_id IS NULL OR partner.company_id = plan.company_id)
                 GROUP BY plan.id""",
                plans,
                Partner._get_level_condition("regular"),
            ),
            "actual_active_customers",
        )
        collect(
            SQL(
                """SELECT plan.id,
                          COUNT(DISTINCT change.partner_id) FILTER (
                              WHERE change.level_from = ANY(%(no_purchase)s) AND change.level_to = ANY(%(buying)s)),
                          COUNT(DISTINCT change.partner_id) FILTER (
                              WHERE change.level_from = ANY(%(not_contacted)s) AND change.level_to = ANY(%(contact)s))
                     FROM %(plans)s
                     JOIN res_partner_level_change change
                       ON change.salesperson_id = plan.user_id
                      AND change.date >= plan.begins_at
                      AND change.date < plan.ends_at
                      AND change.level_to = ANY(%(levels_to)s)
                      AND (change.company_id IS NULL OR change.company_id = plan.company_id)
                 GROUP BY plan.id""",
                plans=plans,
                no_purchase=[*groups["not_contacted"], *groups["contact"]],
                buying=list(groups["buying"]),
                not_contacted=list(groups["not_contacted"]),
                contact=list(groups["contact"]),
                levels_to=[*groups["buying"], *groups["contact"]],
            ),
            "actual_new_customers",
            "actual_prospects",
        )
        by_invoice = self.filtered(lambda plan: plan.company_id.plan_revenue_source == "invoice")
        by_order = self - by_invoice
        if by_order:
            collect(
                SQL(
                    """SELECT plan.id, SUM(sale.amount_untaxed / COALESCE(NULLIF(sale.currency_rate, 0), 1))
                         FROM %s
                         JOIN sale_order sale
                           ON sale.user_id = plan.user_id
                          AND sale.company_id = plan.company_id
                          AND sale.state = 'sale'
                          AND sale.date_order >= plan.begins_at
                          AND sale.date_order < plan.ends_at
                     GROUP BY plan.id""",
                    by_order._plans_values_sql(),
                ),
                "actual_revenue",
            )
        if by_invoice:
            collect(
                SQL(
                    """SELECT plan.id, SUM(move.amount_untaxed_signed)
                         FROM %s
                         JOIN account_move move
                           ON move.invoice_user_id = plan.user_id
                          AND move.company_id = plan.company_id
                          AND move.state = 'posted'
                          AND move.move_type IN ('out_invoice', 'out_refund')
                          AND move.invoice_date BETWEEN plan.date_from AND plan.date_to
                     GROUP BY plan.id""",
                    by_invoice._plans_values_sql(),
                ),
                "actual_revenue",
            )
        collect(
            SQL(
                """SELECT plan.id,
                          COUNT(message.id),
                          COUNT(message.id) FILTER (WHERE activity_type.category = 'phonecall'),
                          COUNT(message.id) FILTER (WHERE activity_type.category = 'meeting')
                     FROM %s
                     JOIN res_users salesperson ON salesperson.id = plan.user_id
                     JOIN mail_message message
                       ON message.author_id = salesperson.partner_id
                      AND message.mail_activity_type_id IS NOT NULL
                      AND message.date >= plan.begins_at
                      AND message.date < plan.ends_at
                     JOIN mail_activity_type activity_type ON activity_type.id = message.mail_activity_type_id
                 GROUP BY plan.id""",
                plans,
            ),
            "actual_activities",
            "actual_calls",
            "actual_meetings",
        )
        collect(
            SQL(
                """SELECT plan.id, SUM(lead.prorated_revenue)
                     FROM %s
                     JOIN crm_lead lead
                       ON lead.user_id = plan.user_id
                      AND (lead.company_id IS NULL OR lead.company_id = plan.company_id)
                      AND lead.active
                      AND lead.type = 'opportunity'
                      AND lead.probability < 100
                      AND lead.date_deadline BETWEEN GREATEST(plan.date_from, COALESCE(%s, plan.today))
                                                 AND plan.period_end
                 GROUP BY plan.id""",
                plans,
                today,
            ),
            "pipeline_revenue",
        )
        self._collect_category_figures(plans, today, collect)
        return figures

    def _collect_category_figures(self, plans, today, collect):
        """The revenue per forecast category of the plans ``plans`` (their SQL table), in
        one query: the expected revenue of the salesperson's opportunities won in the period
        (Closed), and of the open ones expected to close from ``today`` to the period's end,
        the deadlines the weighted pipeline counts, per category (Commit, Best case,
        Pipeline: an empty category reads as Pipeline, the default)."""
        category = SQL("COALESCE(lead.forecast_category, 'pipeline')")
        # won within the company's days of the period; due from today (the plan's company's
        # when none is given) to the period's end
        won = SQL("%s = 'closed' AND lead.date_closed >= plan.begins_at AND lead.date_closed < plan.ends_at", category)
        due = SQL(
            "lead.active AND lead.date_deadline BETWEEN GREATEST(plan.date_from, COALESCE(%s, plan.today)) "
            "AND plan.period_end",
            today,
        )
        open_sums = [
            SQL("SUM(lead.expected_revenue) FILTER (WHERE %s AND %s = %s)", due, category, name)
            for name in ("commit", "best_case", "pipeline")
        ]
        collect(
            SQL(
                """SELECT plan.id, SUM(lead.expected_revenue) FILTER (WHERE %(won)s), %(open_sums)s
                     FROM %(plans)s
                     JOIN crm_lead lead
                       ON lead.user_id = plan.user_id
                      AND (lead.company_id IS NULL OR lead.company_id = plan.company_id)
                      AND lead.type = 'opportunity'
                      AND ((%(won)s) OR (%(due)s AND %(category)s IN ('commit', 'best_case', 'pipeline')))
                 GROUP BY plan.id""",
                won=won,
                due=due,
                category=category,
                open_sums=SQL(", ").join(open_sums),
                plans=plans,
            ),
            *(CATEGORY_FIELDS[name] for name in ("closed", "commit", "best_case", "pipeline")),
        )

    def _flush_sources(self):
        """Write to the database what the figures' queries read."""
        self.env["res.partner"].flush_model(
            ["user_id", "relationship_level", "active", "commercial_partner_id", "company_id"]
        )
        self.env["res.partner.level.change"].flush_model()
        self.env["sale.order"].flush_model(["user_id", "company_id", "state", "date_order", "amount_untaxed"])
        self.env["account.move"].flush_model(
            ["invoice_user_id", "company_id", "state", "move_type", "invoice_date", "amount_untaxed_signed"]
        )
        self.env["mail.message"].flush_model(["author_id", "mail_activity_type_id", "date"])
        self.env["crm.lead"].flush_model(
            [
                "user_id",
                "company_id",
                "active",
                "type",
                "probability",
                "date_deadline",
                "prorated_revenue",
                "expected_revenue",
                "date_closed",
                "forecast_category",
            ]
        )

    def _get_gap_summary(self, today):
        """What is behind the time elapsed, and what would close the revenue gap, as HTML."""
        self.ensure_one()
        if not self.date_from or not self.date_to:
            return False
        elapsed, total = elapsed_days(self.date_from, self.date_to, today)
        share = elapsed / total if total else 1.0
        lines = []
        for target_name in TARGET_FIELDS:
            target = self[target_name]
            actual = self[target_name.replace("target_", "actual_")]
            expected = target * share
            if target and actual < expected:
                label = self._fields[target_name.replace("target_", "actual_")]._description_string(self.env)
                if target_name == "target_revenue":
                    missing = format_amount(self.env, target - actual, self.currency_id)
                    expected_text = format_amount(self.env, expected, self.currency_id)
                    actual_text = format_amount(self.env, actual, self.currency_id)
                else:
                    missing, expected_text, actual_text = target - actual, round(expected), actual
                lines.append(
                    self.env._(
                        "%(figure)s: %(actual)s done, %(expected)s expected by now; %(missing)s to go.",
                        figure=label,
                        actual=actual_text,
                        expected=expected_text,
                        missing=missing,
                    )
                )
        if self.revenue_gap and self.date_to >= today:
            days_left = max(1, total - elapsed)
            lines.append(
                self.env._(
                    "To close the revenue gap of %(gap)s: %(per_day)s more a day, or win opportunities "
                    "beyond the weighted pipeline of %(pipeline)s.",
                    gap=format_amount(self.env, self.revenue_gap, self.currency_id),
                    per_day=format_amount(self.env, self.revenue_gap / days_left, self.currency_id),
                    pipeline=format_amount(self.env, self.pipeline_revenue, self.currency_id),
                )
            )
        if not lines:
            return Markup("<p>%s</p>") % self.env._("On track: nothing is behind.")
        return Markup("<ul>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % escape(line) for line in lines)
