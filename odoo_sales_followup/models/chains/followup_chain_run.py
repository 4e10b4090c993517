import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ...tools import DEFAULT_WORKDAYS, add_delay
from .followup_chain import OPEN_STATES

_logger = logging.getLogger(__name__)

STOP_REASONS = [
    ("manual", "Stopped by hand"),
    ("won", "Opportunity won"),
    ("lost", "Opportunity lost"),
    ("stage", "Opportunity left the stage"),
    ("paid", "Invoice paid"),
    ("cancelled", "Invoice cancelled or reset to draft"),
    ("activity_deleted", "Activity cancelled"),
    ("calendar", "No business day in the calendar"),
]


class BusinessCalendars(dict):
    """{company: (working weekdays, holidays)} of companies' working calendars, read
    when first asked for (only steps counted in business days need them)."""

    def __missing__(self, company):
        calendar = company.resource_calendar_id
        workdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek")) or DEFAULT_WORKDAYS
        holidays = set()
        for leave in calendar.global_leave_ids.filtered(lambda leave: not leave.resource_id):
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                holidays.add(day)
                day += timedelta(days=1)
        self[company] = (workdays, frozenset(holidays))
        return self[company]


class FollowupChainRun(models.Model):
    _name = "followup.chain.run"
    _description = "Running activity chain"
    _order = "date_start desc, id desc"
    _rec_names_search = ["chain_id", "lead_id", "move_id"]

    name = fields.Char(compute="_compute_name")
    chain_id = fields.Many2one("followup.chain", string="Chain", required=True, ondelete="restrict", index=True)
    res_model = fields.Char(string="Document model", required=True, index=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, index=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", ondelete="set null", index=True)
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    team_id = fields.Many2one("crm.team", string="Sales team", index=True)
    company_id = fields.Many2one("res.company", string="Company", index=True)
    state = fields.Selection(
        [("running", "Running"), ("paused", "Paused"), ("done", "Completed"), ("stopped", "Stopped")],
        default="running",
        required=True,
        index=True,
    )
    stop_reason = fields.Selection(STOP_REASONS, readonly=True)
    step_id = fields.Many2one("followup.chain.step", string="Current step", ondelete="set null")
    activity_id = fields.Many2one(
        "mail.activity", string="Current activity", ondelete="set null", index="btree_not_null"
    )
    activity_user_id = fields.Many2one(related="activity_id.user_id", string="Assigned to")
    date_deadline = fields.Date(related="activity_id.date_deadline", store=True, string="Next due date", index=True)
    repeat_count = fields.Integer(string="Repetitions", readonly=True, help="Repetitions of the current step so far.")
    date_start = fields.Date(string="Started on", required=True, default=fields.Date.context_today, index=True)
    date_end = fields.Date(string="Ended on", readonly=True)
    line_ids = fields.One2many("followup.chain.run.line", "run_id", string="History")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")

    def init(self):
        super().init()
        # One running instance of a template per document, even under concurrent starts.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS followup_chain_run_open_uniq ON %s (chain_id, res_model, res_id) "
                "WHERE state IN ('running', 'paused')",
                SQL.identifier(self._table),
            )
        )

    @api.depends("chain_id", "res_model", "res_id")
    def _compute_name(self):
        for run in self:
            record = run._get_record()
            run.name = f"{run.chain_id.name}: {record.display_name}" if record else run.chain_id.name

    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for run in self:
            run.is_overdue = run.state == "running" and bool(run.date_deadline) and run.date_deadline < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on overdue chains."))
        domain = [("state", "=", "running"), ("date_deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    # ---- actions ----

    def action_pause(self):
        running = self.filtered(lambda run: run.state == "running")
        activities = running.activity_id
        running.write({"state": "paused"})
        activities.with_context(followup_keep_runs=True).unlink()
        return True

    def action_resume(self):
        paused = self.filtered(lambda run: run.state == "paused")
        paused.write({"state": "running"})
        paused._schedule(fields.Date.context_today(self))
        return True

    def action_stop(self):
        self.filtered(lambda run: run.state in OPEN_STATES)._stop("manual")
        return True

    def action_open_done_wizard(self):
        self.ensure_one()
        if not self.activity_id:
            raise UserError(_("The chain “%s” has no open activity to mark done.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark done"),
            "res_model": "followup.chain.done.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_run_id": self.id},
        }

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # ---- engine ----

    def _get_record(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id)

    def _get_records(self):
        """{model: documents} of these runs, their display names read at once (mail.activity
        computes the name of each activity's document alone)."""
        ids_by_model = defaultdict(list)
        for run in self:
            ids_by_model[run.res_model].append(run.res_id)
        records = {model: self.env[model].browse(ids) for model, ids in ids_by_model.items()}
        for documents in records.values():
            documents.mapped("display_name")
        return records

    @api.model
    def _get_open_pairs(self, chains, records, any_state=False):
        """(chain id, record id) of the runs of ``chains`` on ``records`` that are open
        (or, with ``any_state``, that exist at all)."""
        domain = [("chain_id", "in", chains.ids), ("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if not any_state:
            domain.append(("state", "in", OPEN_STATES))
        rows = self.sudo()._read_group(domain, ["chain_id", "res_id"])
        return {(chain.id, res_id) for chain, res_id in rows}

    @api.model
    def _create_runs(self, pairs):
        """Create a run for each (chain, record) and plan the first step of each."""
        today = fields.Date.context_today(self)
        vals_list = []
        for chain, record in pairs:
            lead = record._get_followup_lead()
            vals_list.append(
                {
                    "chain_id": chain.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "lead_id": lead.id,
                    "move_id": record.id if record._name == "account.move" else False,
                    "partner_id": record.partner_id.commercial_partner_id.id,
                    "user_id": record._get_followup_salesperson().id,
                    "team_id": record.team_id.id,
                    "company_id": record.company_id.id,
                    "date_start": today,
                    "step_id": chain._get_steps()[:1].id,
                }
            )
        runs = self.sudo().create(vals_list)
        runs._schedule(today)
        return runs

    def _schedule(self, today, delays=None):
        """Create the activity of the current step of each run, due by the step's delay
        (or ``delays[run]``: (delay, unit) counted from ``today``), in one create."""
        delays = delays or {}
        calendars = BusinessCalendars()
        records = self._get_records()
        model_ids = {model: self.env["ir.model"]._get_id(model) for model in records}
        # lists, not recordsets: a union per run would cost O(n²) on large batches
        vals_list, scheduled, broken = [], [], []
        for run in self:
            step = run.step_id
            record = records[run.res_model].browse(run.res_id).with_prefetch(records[run.res_model]._prefetch_ids)
            delay, unit = delays.get(run, (step.delay, step.delay_unit))
            if run in delays or step.delay_from == "previous":
                start = today
            elif step.delay_from == "due_date" and record._name == "account.move" and record.invoice_date_due:
                start = record.invoice_date_due
            else:
                start = run.date_start
            workdays, holidays = calendars[run.company_id] if unit == "business_days" else (DEFAULT_WORKDAYS, ())
            try:
                deadline = add_delay(start, delay, unit, workdays, holidays)
            except ValueError:
                _logger.warning("Chain run %s: no business day in the calendar of %s", run.id, run.company_id.name)
                broken.append(run.id)
                continue
            vals_list.append(
                {
                    "res_model_id": model_ids[run.res_model],
                    "res_id": run.res_id,
                    "activity_type_id": step.activity_type_id.id,
                    "summary": step.name,
                    "note": step.note,
                    "date_deadline": deadline,
                    "user_id": run._get_step_user(step, record).id,
                    "followup_run_id": run.id,
                }
            )
            scheduled.append(run)
        # Chain activities are planned by the chain, not handed over by someone: no
        # "assigned to you" email for each, the assignee sees them in the activity menu.
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for run, activity in zip(scheduled, activities, strict=True):
            run.activity_id = activity
        self.browse(broken)._stop("calendar")
        return activities

    def _get_step_user(self, step, record):
        """The assignee of ``step`` on ``record``: never an archived or missing user."""
        salesperson = record._get_followup_salesperson()
        user = self._get_responsible_user(step, record)
        if user and user.active:
            return user
        fallback = salesperson if salesperson.active else self.env.user
        if step.responsible != "salesperson" or user:
            _logger.info(
                "Chain run %s, step %r: responsible %s unavailable, assigned to %s instead",
                self.id,
                step.name,
                user.login or step.responsible,
                fallback.login,
            )
        return fallback

    def _get_responsible_user(self, step, record):
        """Hook: the user that ``step.responsible`` designates on ``record`` (possibly
        empty or archived: ``_get_step_user`` then falls back on the salesperson).
        A capability that adds a kind of responsible overrides it."""
        if step.responsible == "team_leader":
            return record.team_id.user_id
        if step.responsible == "user":
            return step.user_id
        return record._get_followup_salesperson()

    def _advance(self, done, outcome=None):
        """The current activities of these runs were marked done: record them and plan
        what comes next, by the outcome given or else the step's first outcome.

        ``done`` maps each run to the summary and due date of its activity done."""
        today = fields.Date.context_today(self)
        self.write({"activity_id": False})
        lines, to_schedule, delays, ended, closures = [], [], {}, [], []
        for run in self:
            step = run.step_id
            summary, deadline = done.get(run, (step.name, False))
            chosen = (
                outcome
                if outcome and outcome.step_id == step
                else step.outcome_ids.sorted(lambda outcome: (outcome.sequence, outcome.id))[:1]
            )
            lines.append(
                {
                    "run_id": run.id,
                    "step_id": step.id,
                    "name": summary or step.name,
                    "date_deadline": deadline,
                    "date_done": today,
                    "user_id": self.env.uid,
                    "outcome_id": chosen.id,
                }
            )
            if run.state != "running":
                continue
            if run._get_stop_reason():
                ended.append(run)
                continue
            action = chosen.action if chosen else "next"
            if action == "repeat" and run.repeat_count < chosen.max_repeat:
                run.repeat_count += 1
                delays[run] = (chosen.delay, chosen.delay_unit)
                to_schedule.append(run.id)
                continue
            if action == "jump":
                next_step = chosen.jump_step_id
            elif action in ("lost", "end"):
                next_step = step.browse()
            else:
                next_step = step._get_next_step()
            if action in ("stage", "lost") and run.lead_id:
                closures.append((run.lead_id, chosen))
            if next_step:
                run.write({"step_id": next_step.id, "repeat_count": 0})
                to_schedule.append(run.id)
            else:
                run.write({"state": "done", "date_end": today})
        self.env["followup.chain.run.line"].sudo().create(lines)
        self.browse(to_schedule)._schedule(today, delays)
        for run in ended:
            run._stop(run._get_stop_reason())
        for lead, chosen in closures:
            # The activity is done whatever happens to the opportunity: a stage or a lost
            # reason refused by another rule is logged, not raised at the salesperson.
            try:
                with self.env.cr.savepoint():
                    if chosen.action == "stage":
                        lead.write({"stage_id": chosen.stage_id.id})
                    else:
                        lead.action_set_lost(lost_reason_id=chosen.lost_reason_id.id)
            except UserError as error:
                _logger.warning("Chain outcome %r not applied to %s: %s", chosen.name, lead.display_name, error)

    def _get_stop_reason(self):
        """Why this run has no purpose any more, or False."""
        self.ensure_one()
        trigger = self.chain_id.trigger
        if self.res_model == "account.move":
            invoice = self.move_id
            if invoice.state != "posted":
                return "cancelled"
            if invoice.payment_state in ("paid", "in_payment", "reversed"):
                return "paid"
            return False
        lead = self.lead_id
        if not lead.active and trigger != "lost":
            return "lost"
        if lead.stage_id.is_won and trigger != "won":
            return "won"
        if trigger == "stage" and lead.stage_id != self.chain_id.trigger_stage_id:
            return "stage"
        return False

    def _stop(self, reason, cancel_activities=True):
        """Stop these runs and cancel their open activities."""
        runs = self.filtered(lambda run: run.state in OPEN_STATES)
        if not runs:
            return
        activities = runs.activity_id
        runs.write({"state": "stopped", "stop_reason": reason, "date_end": fields.Date.context_today(self)})
        if cancel_activities:
            activities.with_context(followup_keep_runs=True).sudo().unlink()

    @api.model
    def _stop_on_records(self, records, reasons=None):
        """Stop the open runs of ``records`` that lost their purpose (one search)."""
        if not records:
            return
        runs = self.sudo().search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids), ("state", "in", OPEN_STATES)]
        )
        by_reason = defaultdict(list)
        for run in runs:
            reason = run._get_stop_reason()
            if reason and (reasons is None or reason in reasons):
                by_reason[reason].append(run.id)
        for reason, ids in by_reason.items():
            runs.browse(ids)._stop(reason)
