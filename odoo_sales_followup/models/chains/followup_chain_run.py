import logging
from collections import defaultdict, namedtuple
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from ...tools import BusinessDays, add_delay
from .. import jobs
from .followup_chain import OPEN_STATES

_logger = logging.getLogger(__name__)

#: Why a run stops, whatever its document. Each kind of document adds its own reasons
#: (``selection_add`` in its file, returned by its ``_get_followup_stop_reason``).
STOP_REASONS = [
    ("manual", "Stopped by hand"),
    ("cancelled", "Cancelled or reset to draft"),
    ("activity_deleted", "Activity cancelled"),
    ("calendar", "No business day in the calendar"),
    ("delay", "Due date out of range"),
    ("replied", "Customer replied"),
]

#: What the customer did (or did not do) that ends a waiting step by itself: ``kind`` (a
#: ``customer_event`` of outcomes), the ``outcome`` it gives, the ``record`` that shows it (the
#: message, the payment or invoice, the signed document; None for no answer), its ``name`` for
#: the history, and the ``actor`` whose rights the outcome's effects run with (the assignee).
CustomerEvent = namedtuple("CustomerEvent", "kind outcome record name actor")

#: Fields of a run that only the chain engine sets, in superuser mode: users start, pause,
#: resume, stop and mark steps done through the run's actions, never by writing them.
ENGINE_FIELDS = (
    "chain_id",
    "res_model",
    "res_id",
    "lead_id",
    "partner_id",
    "user_id",
    "team_id",
    "company_id",
    "state",
    "stop_reason",
    "step_id",
    "activity_id",
    "activity_user_id",
    "date_deadline",
    "repeat_count",
    "date_start",
    "date_end",
    "line_ids",
)


class BusinessCalendars(dict):
    """{company: tools.BusinessDays} of companies' working calendars, read when first asked
    for (only steps counted in business days need them)."""

    def __missing__(self, company):
        self[company] = company._get_followup_business_days() if company else BusinessDays()
        return self[company]


class FollowupChainRun(models.Model):
    _name = "followup.chain.run"
    _inherit = ["followup.engine.fields.mixin"]
    _description = "Running activity chain"
    _order = "date_start desc, id desc"
    _rec_names_search = ["chain_id", "res_name", "lead_id"]
    _followup_engine_fields = ENGINE_FIELDS

    # Every stored field is the engine's (ENGINE_FIELDS): read-only for users, written in
    # superuser mode by the chain itself.
    name = fields.Char(compute="_compute_name")
    chain_id = fields.Many2one(
        "followup.chain", string="Chain", required=True, readonly=True, ondelete="restrict", index=True
    )
    res_model = fields.Char(string="Document model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True, index=True
    )
    res_name = fields.Char(string="Document name", compute="_compute_res_name", search="_search_res_name")
    # Stored for the opportunity's *Activity chains* tab, its searches and the record rules:
    # the document's opportunity, as its ``_get_followup_lead`` hook gives it.
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        compute="_compute_lead_id",
        store=True,
        readonly=True,
        compute_sudo=True,
        ondelete="set null",
        index=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True, index=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True, index=True)
    state = fields.Selection(
        [("running", "Running"), ("paused", "Paused"), ("done", "Completed"), ("stopped", "Stopped")],
        default="running",
        required=True,
        readonly=True,
        index=True,
    )
    stop_reason = fields.Selection(STOP_REASONS, readonly=True)
    step_id = fields.Many2one("followup.chain.step", string="Current step", readonly=True, ondelete="set null")
    activity_id = fields.Many2one(
        "mail.activity", string="Current activity", readonly=True, ondelete="set null", index="btree_not_null"
    )
    activity_user_id = fields.Many2one(related="activity_id.user_id", string="Assigned to")
    date_deadline = fields.Date(related="activity_id.date_deadline", store=True, string="Next due date", index=True)
    repeat_count = fields.Integer(string="Repetitions", readonly=True, help="Repetitions of the current step so far.")
    date_start = fields.Date(
        string="Started on", required=True, readonly=True, default=fields.Date.context_today, index=True
    )
    date_end = fields.Date(string="Ended on", readonly=True)
    line_ids = fields.One2many("followup.chain.run.line", "run_id", string="History", readonly=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")

    def init(self):
        result = super().init()
        # One running instance of a template per document, even under concurrent starts.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS followup_chain_run_open_uniq ON %s (chain_id, res_model, res_id) "
                "WHERE state IN ('running', 'paused')",
                SQL.identifier(self._table),
            )
        )
        return result

    @api.depends("chain_id", "res_model", "res_id")
    def _compute_name(self):
        # the documents of all the runs at once, per model: a list of runs costs a few queries
        documents = self._get_records()
        for run in self:
            record = run._get_existing_record(documents)
            run.name = f"{run.chain_id.name}: {record.display_name}" if record else run.chain_id.name

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        # sudo: the name of the document of a run the user may read
        documents = self.sudo()._get_records()
        for run in self:
            record = run._get_existing_record(documents)
            run.res_name = record.display_name if record else False

    def _search_res_name(self, operator, value):
        if operator not in ("ilike", "not ilike", "=", "!=") or not isinstance(value, str):
            raise UserError(_("Unsupported search on the documents of running chains."))
        positive = operator in ("ilike", "=")
        name_operator = "ilike" if operator in ("ilike", "not ilike") else "="
        domains = []
        for model in self.env["followup.chain"]._fields["res_model"].get_values(self.env):
            if model in self.env:
                # the documents' names, as the user may search them (lost opportunities too)
                Documents = self.env[model].with_context(active_test=False)
                found = Documents._search([("display_name", name_operator, value)])
                domains.append(["&", ("res_model", "=", model), ("res_id", "in", found)])
        domain = expression.OR(domains) if domains else expression.FALSE_DOMAIN
        return domain if positive else ["!", *domain]

    @api.depends("res_model", "res_id")
    def _compute_lead_id(self):
        documents = self._get_records()
        for run in self:
            record = run._get_existing_record(documents)
            run.lead_id = record._get_followup_lead() if record else False

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

    # ---- ACCESS ----

    def _check_access(self, operation):
        """A run follows its document: whatever the run's own rules allow, a user reaches only
        the runs of the opportunities and invoices they may read (as ``mail.activity`` does)."""
        result = super()._check_access(operation)
        if self.env.su or not any(self._ids):
            return result
        allowed = self - result[0] if result else self
        denied = allowed - allowed._filtered_by_document()
        if not denied:
            return result
        if result:
            return result[0] | denied, result[1]

        def make_error():
            # sudo: the kind and ids of the documents, which the user may not read
            models = sorted(set(denied.sudo().mapped("res_model")))
            return AccessError(
                _(
                    "You may not see these running chains: they run on documents you may not read "
                    "(%(model)s, ids %(ids)s).",
                    model=", ".join(self.env["ir.model"]._get(model).name for model in models),
                    ids=", ".join(str(res_id) for res_id in denied.sudo().mapped("res_id")[:6]),
                )
            )

        return denied, make_error

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        # Lists, counts and reports of runs show only those whose document the user may read.
        return super()._search(expression.AND([domain, self._get_document_domain()]), offset, limit, order)

    @api.model
    def _get_document_domain(self):
        """Domain of the runs whose document (opportunity, invoice) the current user may read."""
        domains = []
        for model in self.env["followup.chain"]._fields["res_model"].get_values(self.env):
            Documents = self.env[model].with_context(active_test=False)  # lost opportunities too
            if Documents.has_access("read"):
                domains.append(["&", ("res_model", "=", model), ("res_id", "in", Documents._search([]))])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    def _filtered_by_document(self, operation="read"):
        """These runs, less those whose document the current user may not ``operation``."""
        allowed = set()
        # sudo: which document a run belongs to is what its access is decided by
        for model, documents in self.sudo()._get_documents().items():
            documents = documents.with_env(self.env).exists()
            allowed.update((model, res_id) for res_id in documents._filtered_access(operation)._ids)
        return self.filtered(lambda run: (run.sudo().res_model, run.sudo().res_id) in allowed)

    def _check_document_access(self):
        """Raise an AccessError unless the current user may plan and remove activities on the
        documents of these runs, as Odoo asks of anyone who does (``_mail_post_access``)."""
        if self.env.su:
            return
        # sudo: reading which documents the runs belong to; the check is the user's
        for documents in self.sudo()._get_documents().values():
            documents = documents.with_env(self.env)
            documents.check_access(getattr(documents, "_mail_post_access", "write"))

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        return _(
            "The field “%(field)s” of a running chain is set by the chain itself: start chains with "
            "“Start a chain” and move them with their Done, Pause, Resume and Stop buttons.",
            field=self._fields[fnames[0]]._description_string(self.env),
        )

    # ---- ACTIONS ----

    def action_pause(self):
        runs = self._check_action_access()
        running = runs.filtered(lambda run: run.state == "running")
        activities = running.activity_id.with_prefetch()  # its own prefetch: the runs let go of it below
        # the run lets go of its activity before removing it: removing it then stops nothing
        running.write({"state": "paused", "activity_id": False})
        activities.unlink()
        return True

    def action_resume(self):
        runs = self._check_action_access()
        paused = runs.filtered(lambda run: run.state == "paused")
        paused.write({"state": "running"})
        # the step is planned again for today, whatever its delay: it was due while paused
        paused._schedule(fields.Date.context_today(self), dict.fromkeys(paused, (0, "days")))
        return True

    def action_stop(self):
        runs = self._check_action_access()
        runs.filtered(lambda run: run.state in OPEN_STATES)._stop("manual")
        return True

    def action_open_done_wizard(self):
        """The *Done* button of a chain's line (and of the run's form): the window for the step
        and activity the line showed, which the button passes in its context
        (``followup_done_step_id``, ``followup_done_activity_id``: what the user saw, checked
        against the run, never trusted). Without them, nothing is opened: the run's current step
        may be one the user has not seen."""
        self.ensure_one()
        context = self.env.context
        return self._action_open_done_wizard(
            context.get("followup_done_step_id"), context.get("followup_done_activity_id")
        )

    def _action_open_done_wizard(self, step_id, activity_id):
        """The Done window for the step ``step_id`` and its activity ``activity_id`` (ids) of this
        run, as the user saw them; when the chain has moved on since, a notification that says
        who did that step and when, where the chain is now, and reloads the record to show it."""
        self.ensure_one()
        self.check_access("read")
        if not (type(step_id) is int and type(activity_id) is int and step_id > 0 and activity_id > 0):
            raise UserError(
                _(
                    "Mark the step done from the chain's line on its opportunity or invoice: it says which step "
                    "you did (the chain “%(chain)s” was given step “%(step)s”, activity “%(activity)s”).",
                    chain=self.name,
                    step=str(step_id)[:40],
                    activity=str(activity_id)[:40],
                )
            )
        step = self.env["followup.chain.step"].browse(step_id)
        activity = self.env["mail.activity"].browse(activity_id)
        if message := self._get_done_step_refusal(step, activity):
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "title": _("Already done"),
                    "message": message,
                    "sticky": False,
                    # the line the user clicked is behind the chain: closing reloads the record the
                    # button is on (its form and tab stay open), which shows where the chain is now
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark done"),
            "res_model": "followup.chain.done.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_run_id": self.id, "default_step_id": step_id, "default_activity_ref": activity_id},
        }

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def _check_action_access(self):
        """Check that the current user may act on these runs (their rules, and the activities of
        their documents); return them in superuser mode, for the engine to write its fields."""
        self.check_access("write")
        self._check_document_access()
        # sudo: the run's fields are the engine's; the user's rights were checked just above
        return self.sudo()

    # ---- ENGINE ----

    def _get_record(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id)

    def _get_documents(self):
        """{model: documents} of these runs, one browse per model (models not installed left out)."""
        ids_by_model = defaultdict(list)
        for run in self:
            if run.res_model in self.env and run.res_id:
                ids_by_model[run.res_model].append(run.res_id)
        return {model: self.env[model].browse(ids) for model, ids in ids_by_model.items()}

    def _get_records(self):
        """{model: documents} of these runs, their display names read at once (mail.activity
        computes the name of each activity's document alone)."""
        records = self._get_documents()
        for model, documents in records.items():
            records[model] = documents = documents.exists()
            documents.mapped("display_name")
        return records

    def _get_existing_record(self, records):
        """The document of this run among ``records`` (``_get_records``), or None when it is gone."""
        documents = records.get(self.res_model)
        if documents is None or self.res_id not in documents._ids:
            return None
        return documents.browse(self.res_id).with_prefetch(documents._prefetch_ids)

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
        """Create a run for each (chain, record) and plan the first step of each; return the
        runs in the caller's environment."""
        today = fields.Date.context_today(self)
        vals_list = []
        for chain, record in pairs:
            vals_list.append(
                {
                    "chain_id": chain.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "partner_id": record._get_followup_partner().id,
                    "user_id": record._get_followup_salesperson().id,
                    "team_id": record._get_followup_team().id,
                    "company_id": record._get_followup_company().id,
                    "date_start": today,
                    "step_id": chain._get_steps()[:1].id,
                }
            )
        # sudo: runs are the engine's records; whoever triggers a chain starts it
        runs = self.sudo().create(vals_list)
        runs._schedule(today)
        return runs.with_env(self.env)

    def _schedule(self, today, delays=None):
        """Create the activity of the current step of each run, due by the step's delay
        (or ``delays[run]``: (delay, unit) counted from ``today``), in one create; return the
        activities in the runs' environment."""
        delays = delays or {}
        # sudo: the engine writes the runs and plans their activities, whoever triggered them
        runs = self.sudo()
        calendars = BusinessCalendars()
        records = runs._get_records()
        model_ids = {model: self.env["ir.model"]._get_id(model) for model in records}
        # lists, not recordsets: a union per run would cost O(n²) on large batches
        vals_list, scheduled, broken, out_of_range = [], [], [], []
        for run in runs:
            step = run.step_id
            record = records[run.res_model].browse(run.res_id).with_prefetch(records[run.res_model]._prefetch_ids)
            delay, unit = delays.get(run, (step.delay, step.delay_unit))
            if run in delays or step.delay_from == "previous":
                start = today
            elif step.delay_from == "due_date" and (due_date := record._get_followup_due_date()):
                start = due_date
            else:
                start = run.date_start
            business_days = calendars[run.company_id] if unit == "business_days" else BusinessDays()
            try:
                deadline = add_delay(start, delay, unit, *business_days)
            except ValueError:
                _logger.warning("Chain run %s: no business day in the calendar of %s", run.id, run.company_id.name)
                broken.append(run.id)
                continue
            except OverflowError:
                _logger.warning("Chain run %s: the delay %s of step %r is out of range", run.id, delay, step.name)
                out_of_range.append(run.id)
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
        runs.browse(broken)._stop("calendar")
        runs.browse(out_of_range)._stop("delay")
        return activities.with_env(self.env)

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
            return record._get_followup_team().user_id
        if step.responsible == "user":
            return step.user_id
        return record._get_followup_salesperson()

    def _check_done_step(self, step, activity):
        """Raise a UserError unless ``activity`` of ``step`` is still what this run waits for
        (a window opened earlier may be behind the chain); the message says where it is now."""
        if message := self._get_done_step_refusal(step, activity):
            raise UserError(message)

    def _get_done_step_refusal(self, step, activity):
        """Why ``activity`` of ``step`` cannot be marked done on this run (who did it and when, and
        where the chain is now), or False when it is the run's open activity."""
        self.ensure_one()
        self.check_access("read")
        run = self.sudo()  # sudo: the current step, activity and history of a run the user may read
        if run.state == "running" and run.activity_id and run.step_id == step and run.activity_id == activity:
            return False
        # a step of another chain is not named: its id may come from anyone's context
        step = step.sudo().exists().filtered(lambda step: step.chain_id == run.chain_id)
        line = run.line_ids.filtered(lambda line: line.activity_ref == activity.id)[-1:]
        if line:
            message = _(
                "The step “%(step)s” was already marked done by %(user)s on %(date)s.",
                step=line.name or step.name,
                user=line.user_id.name or _("someone"),
                date=format_date(self.env, line.date_done),
            )
        elif step:
            message = _("The step “%(step)s” is no longer open.", step=step.name)
        else:
            message = _("This step is no longer open.")
        if run.state == "running" and run.activity_id:
            where = _(
                "The chain “%(chain)s” is now at the step “%(step)s”, due on %(date)s, assigned to %(user)s.",
                chain=run.name,
                step=run.step_id.name,
                date=format_date(self.env, run.activity_id.date_deadline),
                user=run.activity_id.user_id.name,
            )
        else:
            where = _(
                "The chain “%(chain)s” has no open step: its status is %(state)s.",
                chain=run.name,
                state=dict(run._fields["state"]._description_selection(self.env))[run.state],
            )
        return f"{message} {where}"

    def _describe_outcome(self, step, outcome=None):
        """What marking ``step`` of this run done with ``outcome`` (else the step's first outcome)
        will do, in a sentence for the Done window: the user reads it before confirming."""
        self.ensure_one()
        # sudo: the names of the steps, stages and reasons of a chain the user may read a run of
        run, step = self.sudo(), step.sudo()
        outcome = (outcome or step.outcome_ids.sorted(lambda outcome: (outcome.sequence, outcome.id))[:1]).sudo()
        action = outcome.action if outcome else "next"
        if action == "repeat" and run.step_id == step and run.repeat_count < outcome.max_repeat:
            units = dict(outcome._fields["delay_unit"]._description_selection(self.env))
            return _(
                "This outcome will plan the step again. Delay (%(unit)s): %(delay)s. Repetition: %(count)s of "
                "%(max)s.",
                unit=units[outcome.delay_unit].lower(),
                delay=outcome.delay,
                count=run.repeat_count + 1,
                max=outcome.max_repeat,
            )
        if action == "lost":
            if not run.lead_id:
                return _("This outcome will end the chain.")
            return _(
                "This outcome will mark the opportunity lost (reason: %(reason)s) and end the chain.",
                reason=outcome.lost_reason_id.name,
            )
        if action == "end":
            return _("This outcome will end the chain.")
        next_step = outcome.jump_step_id if action == "jump" else step._get_next_step()
        if next_step:
            then = _("The next step is “%(step)s”.", step=next_step.name)
        else:
            then = _("It is the last step: the chain will be completed.")
        if action == "stage" and run.lead_id:
            return _(
                "This outcome will move the opportunity to the stage “%(stage)s”. %(then)s",
                stage=outcome.stage_id.name,
                then=then,
            )
        return then

    def _action_done_step(self, activity, outcome=None, feedback=False):
        """Mark ``activity``, the current activity of this run, done with ``outcome`` (one of
        the current step's outcomes; without it, the step's first outcome applies) and plan
        what comes next. This is how the chain's Done button passes the outcome chosen.

        Runs in the environment of the user who does the step: the activity is marked done
        with their rights, as Odoo's own Done does, and so are the outcome's effects."""
        self.ensure_one()
        run = self.sudo()  # sudo: the engine writes the run
        self._check_done_step(run.step_id, activity)
        if outcome and outcome.sudo().step_id != run.step_id:
            raise UserError(
                _(
                    "The outcome “%(outcome)s” belongs to the step “%(other)s”, not to the step “%(step)s” "
                    "of the chain “%(chain)s”.",
                    outcome=outcome.sudo().name,
                    other=outcome.sudo().step_id.name,
                    step=run.step_id.name,
                    chain=run.chain_id.name,
                )
            )
        done = {run: (activity.summary, activity.date_deadline, activity.id)}
        # The run lets go of its activity first: marking it done below moves no chain by itself.
        run.activity_id = False
        activity.action_feedback(feedback=feedback)
        self._advance(done, outcome=outcome.sudo() if outcome else None)

    def _advance(self, done, outcome=None, events=None):
        """The current activities of these runs were marked done: record them and plan what
        comes next, by ``outcome`` (for the runs at its step) or else the step's first outcome.

        ``done`` maps each run to the summary, due date and id of its activity done. Called in the
        environment of the user who did the steps: the engine writes its own records in
        superuser mode, while the outcomes' effects on the opportunities (a stage, lost) run
        with that user's rights (``_apply_outcome_effects``). Set-based: the runs' writes are
        grouped by value, whatever the number of runs.

        ``events``: {run: ``CustomerEvent``} of the runs whose step the customer ended (a waiting
        step): its outcome applies, the history names the event and no user, and the outcome's
        effects run with the rights of the activity's assignee, never the customer's."""
        today = fields.Date.context_today(self)
        # sudo: runs, their history and their activities are the engine's records
        runs = self.sudo()
        runs.write({"activity_id": False})
        stop_reasons = runs._get_stop_reasons()
        events = events or {}
        lines, to_schedule, delays, finished = [], [], {}, []
        repeats, moves, ended, effects = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
        for run in runs:
            step = run.step_id
            event = events.get(run)
            summary, deadline, activity_ref = done.get(run, (step.name, False, False))
            if event:
                chosen = event.outcome
            elif outcome and outcome.step_id == step:
                chosen = outcome
            else:
                chosen = step.outcome_ids.sorted(lambda outcome: (outcome.sequence, outcome.id))[:1]
            lines.append(
                {
                    "run_id": run.id,
                    "step_id": step.id,
                    "name": summary or step.name,
                    "date_deadline": deadline,
                    "activity_ref": activity_ref,
                    "date_done": today,
                    "user_id": False if event else self.env.uid,
                    "outcome_id": chosen.id,
                    **self._prepare_event_line_values(event),
                }
            )
            if run.state != "running":
                continue
            if run.id in stop_reasons:
                ended[stop_reasons[run.id]].append(run.id)
                continue
            action = chosen.action if chosen else "next"
            if action == "repeat" and run.repeat_count < chosen.max_repeat:
                repeats[run.repeat_count + 1].append(run.id)
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
                effects[event.actor if event else None].append((run, chosen))
            if next_step:
                moves[next_step.id].append(run.id)
                to_schedule.append(run.id)
            else:
                finished.append(run.id)
        self.env["followup.chain.run.line"].sudo().create(lines)
        for count, ids in repeats.items():
            runs.browse(ids).write({"repeat_count": count})
        for step_id, ids in moves.items():
            runs.browse(ids).write({"step_id": step_id, "repeat_count": 0})
        if finished:
            runs.browse(finished).write({"state": "done", "date_end": today})
        runs.browse(to_schedule)._schedule(today, delays)
        for reason, ids in ended.items():
            runs.browse(ids)._stop(reason)
        for actor, pairs in effects.items():
            # what the customer ended moves the opportunity with the rights of the step's assignee
            (self.with_user(actor) if actor else self)._apply_outcome_effects(pairs)

    @api.model
    def _prepare_event_line_values(self, event):
        """The history's values naming what the customer did (``event``), or none."""
        if not event:
            return {}
        return {
            "event_model": event.record._name if event.record else False,
            "event_res_id": event.record.id if event.record else False,
            "event_name": event.name,
        }

    def _apply_outcome_effects(self, effects):
        """Move the opportunities to a stage, or mark them lost, as the outcomes chosen say,
        with the rights of the user who did the steps (the environment of ``self``, never
        superuser mode unless the caller was in it).

        ``effects``: (run, outcome) pairs; the opportunities of one outcome move at once.
        When the user's rights (AccessError) or a gate (UserError, e.g. the criteria a stage
        requires) refuse a move, the move is not made: the step stays done, the chain goes on,
        and the user is told why, with a note on the opportunity."""
        lead_ids = defaultdict(list)
        for run, outcome in effects:
            lead_ids[outcome].append(run.lead_id.id)
        Lead = self.env["crm.lead"]
        for outcome, ids in lead_ids.items():
            # sudo: the names of the step the user just did
            cause = _(
                "The step “%(step)s” of the chain “%(chain)s” is done",
                step=outcome.sudo().step_id.name,
                chain=outcome.sudo().chain_id.name,
            )
            refusals = Lead.browse(ids)._followup_move_or_note(
                "stage" if outcome.action == "stage" else "lost",
                cause,
                stage=outcome.stage_id,
                lost_reason=outcome.lost_reason_id,
            )
            for lead, reason in refusals.items():
                self._notify_refused_effect(outcome, lead, reason)

    def _notify_refused_effect(self, outcome, lead, reason):
        """Tell the user who did the step what the chain did not do (the opportunity has its note)."""
        # sudo: the names of the step the user just did, and of the opportunity it was for
        outcome, lead_sudo = outcome.sudo(), lead.sudo()
        values = {
            "step": outcome.step_id.name,
            "chain": outcome.chain_id.name,
            "lead": lead_sudo.display_name,
            "reason": reason,
        }
        if outcome.action == "stage":
            message = _(
                "The step “%(step)s” of the chain “%(chain)s” is done, but “%(lead)s” was not moved to the "
                "stage “%(stage)s”: %(reason)s",
                stage=outcome.stage_id.name,
                **values,
            )
        else:
            message = _(
                "The step “%(step)s” of the chain “%(chain)s” is done, but “%(lead)s” was not marked lost: "
                "%(reason)s",
                **values,
            )
        self.env.user._bus_send(
            "simple_notification",
            {"type": "warning", "title": _("Chain outcome not applied"), "message": message, "sticky": True},
        )

    # ---- LISTENING TO THE CUSTOMER ----

    @api.model
    def _get_listening_runs(self, records):
        """{run: document among ``records``} of the running chains that hear what the customer does
        on ``records`` (documents chains run on, of one model): the runs on these documents, and
        those on their opportunities, at a step with an open activity. Nothing else: an event
        on a document never reaches the chains of another customer's or another deal's documents."""
        records = records.sudo().exists()  # sudo: the engine reads which opportunity a document is of
        if not records:
            return {}
        by_lead = {}
        for record in records:
            by_lead.setdefault(record._get_followup_lead().id, record)
        by_lead.pop(False, None)
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if by_lead:
            domain = expression.OR([domain, [("res_model", "=", "crm.lead"), ("res_id", "in", list(by_lead))]])
        runs = self.sudo().search([*domain, ("state", "=", "running"), ("activity_id", "!=", False)])
        return {
            run: records.browse(run.res_id) if run.res_model == records._name else by_lead[run.res_id] for run in runs
        }

    @api.model
    def _on_customer_message(self, records, message):
        """``message`` was posted on ``records``: when it is an email of their customer (or of a
        contact of the customer's company) and no note, it ends the waiting steps that wait for
        a reply (outcome *Customer replied*) and stops the chains that stop when the customer
        replies. Whoever processes the email, it does nothing else."""
        message = message.sudo()  # sudo: the engine reads who wrote the message it was given
        author = message.author_id
        if (
            message.message_type != "email"
            or not author
            or message.is_internal
            or message.subtype_id.internal
            or author.user_ids.filtered(lambda user: not user.share)  # a colleague is no customer
        ):
            return
        listening = {
            run: record
            for run, record in self._get_listening_runs(records).items()
            if run.chain_id.stop_on_reply or run.step_id._get_event_outcome("reply")
        }
        if not listening:
            return
        customer = author.commercial_partner_id
        # the customer of the chain's own document (of the opportunity, for a run on it), as it is now
        heard = [run for run in listening if customer == run._get_current_customer()]
        if not heard:
            return
        subject = (message.subject or message.preview or "").strip()
        name = _(
            "Email from %(author)s: “%(subject)s”",
            author=author.name or author.email or "",
            subject=subject[:80] + ("…" if len(subject) > 80 else ""),
        )
        Run = self.sudo().browse()
        stopping = Run.browse([run.id for run in heard if run.chain_id.stop_on_reply])
        stopping._stop_by_customer("replied", message, name)
        waiting = Run.browse([run.id for run in heard if run not in stopping])
        waiting._end_steps_by_customer(
            {
                run: CustomerEvent("reply", run.step_id._get_event_outcome("reply"), message, name, None)
                for run in waiting
            }
        )

    @api.model
    def _on_invoices_paid(self, invoices):
        """``invoices`` (customer invoices) were paid: the steps that wait for the payment, on them or
        on their opportunities, end with their outcome *Paid*, and the history names the payment."""
        listening = {
            run: invoice
            for run, invoice in self._get_listening_runs(invoices).items()
            if run.step_id._get_event_outcome("payment")
        }
        if not listening:
            return
        events = {}
        for invoice in set(listening.values()):
            # reconciled, or matched while in payment (a payment without its journal entry yet)
            payment = (invoice._get_reconciled_payments() | invoice.matched_payment_ids).sorted("id")[-1:]
            if payment:
                name = _("Payment %(payment)s of invoice %(invoice)s", payment=payment.name, invoice=invoice.name)
            else:
                name = _("Invoice %(invoice)s paid", invoice=invoice.name)
            events[invoice] = (payment or invoice, name)
        self.sudo().browse([run.id for run in listening])._end_steps_by_customer(
            {
                run: CustomerEvent("payment", run.step_id._get_event_outcome("payment"), *events[invoice], None)
                for run, invoice in listening.items()
            }
        )

    @api.model
    def _on_documents_signed(self, leads, documents):
        """``documents`` (a contract, an act) of ``leads`` were marked signed: the steps of the
        opportunities' chains that wait for the signature end with their outcome *Signed*."""
        listening = {
            run: lead
            for run, lead in self._get_listening_runs(leads).items()
            if run.res_model == "crm.lead" and run.step_id._get_event_outcome("signature")
        }
        if not listening:
            return
        documents = documents.sudo()  # sudo: the names of the documents the user just marked signed
        events = {}
        for run, lead in listening.items():
            document = (
                documents.filtered(lambda doc, lead=lead: "lead_id" in doc._fields and doc.lead_id == lead)[:1]
                or documents[:1]
            )
            name = _("%(document)s signed", document=document.display_name)
            events[run] = CustomerEvent("signature", run.step_id._get_event_outcome("signature"), document, name, None)
        self.sudo().browse([run.id for run in listening])._end_steps_by_customer(events)

    def _get_current_customer(self):
        """The customer (commercial entity) of this run's document as it is now, else the run's."""
        self.ensure_one()
        record = self._get_record()
        record = record.exists() if record is not None else None
        return (record._get_followup_partner() if record else None) or self.partner_id

    def _end_steps_by_customer(self, events):
        """End the current steps of these runs by what the customer did or did not do: ``events``
        maps each run to its ``CustomerEvent``. The activities are marked done by OdooBot (the
        customer is no user, and the salesperson did nothing), with the event as feedback; then
        the chains go on as after any Done (``_advance``)."""
        # sudo: the engine writes its runs and marks its activities done
        runs = self.sudo().filtered(lambda run: run.state == "running" and run.activity_id and run in events)
        if not runs:
            return
        done, feedbacks = {}, defaultdict(list)
        events = dict(events)
        for run in runs:
            activity = run.activity_id
            done[run] = (activity.summary, activity.date_deadline, activity.id)
            events[run] = event = events[run]._replace(actor=activity.user_id)
            feedback = _("%(outcome)s: %(event)s", outcome=event.outcome.name, event=event.name)
            feedbacks[feedback].append(activity.id)
        # The runs let go of their activities first: marking them done below moves no chain by itself.
        runs.write({"activity_id": False})
        Activity = self.env["mail.activity"].with_user(SUPERUSER_ID)
        for feedback, activity_ids in feedbacks.items():
            Activity.browse(activity_ids)._action_done(feedback=feedback)
        runs._advance(done, events=events)

    def _stop_by_customer(self, reason, record, name):
        """Stop these runs because of what the customer did (``record``, described by ``name``):
        the history names it on the step that was open."""
        runs = self.sudo().filtered(lambda run: run.state == "running")  # sudo: the engine writes its runs
        if not runs:
            return
        today = fields.Date.context_today(self)
        event = CustomerEvent(reason, None, record, name, None)
        self.env["followup.chain.run.line"].sudo().create(
            [
                {
                    "run_id": run.id,
                    "step_id": run.step_id.id,
                    "name": run.activity_id.summary or run.step_id.name,
                    "date_deadline": run.activity_id.date_deadline,
                    "activity_ref": run.activity_id.id,
                    "date_done": today,
                    **self._prepare_event_line_values(event),
                }
                for run in runs
            ]
        )
        runs._stop(reason)

    def _end_unanswered_steps(self):
        """End the waiting steps of these runs whose due date has passed (a day of the run's
        company) with their outcome given when there is no reply; those without one wait for the
        salesperson. Idempotent: a step ended is no longer waiting."""
        runs = self.sudo().filtered(lambda run: run.state == "running" and run.activity_id)
        todays, events = {}, {}
        for run in runs:
            company = run.company_id or self.env.company
            if company not in todays:
                todays[company] = company._get_followup_today()
            outcome = run.step_id._get_event_outcome("no_answer")
            deadline = run.activity_id.date_deadline
            if outcome and deadline and deadline < todays[company]:
                name = _("No reply by %(date)s", date=format_date(self.env, deadline))
                events[run] = CustomerEvent("no_answer", outcome, None, name, None)
        runs.browse([run.id for run in events])._end_steps_by_customer(events)

    @api.model
    def _cron_end_unanswered_steps(self):
        """End the waiting steps whose due date has passed without the customer: daily, through
        the job runner (``jobs.run_batches``), in batches of ``odoo_sales_followup.chain_batch_size``."""
        # a company's today is at most a day ahead of UTC's: a due date before it is before UTC's
        # tomorrow; each run is then checked against the today of its own company
        horizon = fields.Date.today() + timedelta(days=1)
        runs = self.sudo().search(
            [
                ("state", "=", "running"),
                ("activity_id", "!=", False),
                ("step_id.outcome_ids.customer_event", "=", "no_answer"),
                ("date_deadline", "<", horizon),
            ],
            order="company_id, id",
        )
        jobs.run_batches(
            self.env,
            runs,
            lambda batch: batch._end_unanswered_steps(),
            job_name="Unanswered chain steps",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.chain_batch_size", 1000),
            company_of=lambda run: run.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Waiting steps of activity chains not ended"),
                self.env._(
                    "The scheduled action “Sales follow-up: end the waiting steps nobody answered” failed "
                    "in %(company)s: %(error)s. Steps not ended: %(failed)s of %(count)s. The other steps "
                    "were ended; the next run tries again.",
                    company=company.name,
                    failed=failed,
                    count=total,
                    error=problem,
                ),
            ),
        )

    def _get_stop_reason(self):
        """Why this run has no purpose any more, or False: its document says
        (``_get_followup_stop_reason``); a document gone stops nothing here."""
        self.ensure_one()
        record = self._get_record()
        if record is None or not record.exists():
            return False
        return record.sudo()._get_followup_stop_reason(self.chain_id)

    def _get_stop_reasons(self):
        """{run id: why it has no purpose any more} of these runs; those that still have one
        are left out. The chains and documents of all of them are read at once."""
        # sudo: the engine reads the state of the documents, whoever triggers the check
        runs = self.sudo()
        # one query per model: whether the documents still exist (their names are not needed)
        records = {model: documents.exists() for model, documents in runs._get_documents().items()}
        reasons = {}
        for run in runs:
            record = run._get_existing_record(records)
            if record is not None and (reason := record._get_followup_stop_reason(run.chain_id)):
                reasons[run.id] = reason
        return reasons

    def _stop(self, reason, cancel_activities=True):
        """Stop these runs and cancel their open activities."""
        # sudo: the engine writes the runs and removes their activities
        runs = self.sudo().filtered(lambda run: run.state in OPEN_STATES)
        if not runs:
            return
        activities = runs.activity_id.with_prefetch()  # its own prefetch: the runs let go of it below
        # the runs let go of their activities before removing them: removing them stops nothing more
        runs.write(
            {
                "state": "stopped",
                "stop_reason": reason,
                "date_end": fields.Date.context_today(self),
                "activity_id": False,
            }
        )
        if cancel_activities:
            activities.unlink()

    @api.model
    def _stop_on_records(self, records, reasons=None, orphans=False):
        """Stop the open runs of ``records`` that lost their purpose (one search); with
        ``orphans``, the running ones that lost their activity instead."""
        if not records:
            return
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids), ("state", "in", OPEN_STATES)]
        if orphans:
            domain += [("state", "=", "running"), ("activity_id", "=", False)]
        runs = self.sudo().search(domain)
        if orphans:
            runs._stop("activity_deleted")
            return
        by_reason = defaultdict(list)
        for run_id, reason in runs._get_stop_reasons().items():
            if reasons is None or reason in reasons:
                by_reason[reason].append(run_id)
        for reason, ids in by_reason.items():
            runs.browse(ids)._stop(reason)

    @api.model
    def _detach_from_records(self, records):
        """Let go of the activities of the running chains of ``records``, which Odoo is about to
        remove (it removes the activities of the records it archives): the caller then stops
        them by the records' new state (``_stop_on_records``)."""
        # sudo: the engine writes its runs
        runs = self.sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "=", "running"),
                ("activity_id", "!=", False),
            ]
        )
        runs.write({"activity_id": False})

    def _stop_without_purpose(self):
        """Stop those of these open runs whose document says they have no purpose any more."""
        runs = self.sudo().filtered(lambda run: run.state in OPEN_STATES)  # sudo: the engine writes its runs
        by_reason = defaultdict(list)
        for run_id, reason in runs._get_stop_reasons().items():
            by_reason[reason].append(run_id)
        for reason, ids in by_reason.items():
            runs.browse(ids)._stop(reason)

    @api.model
    def _cron_stop_without_purpose(self):
        """Stop the open runs whose document lost its purpose with time alone (a quotation
        expired), which no write of the document tells: daily, through the job runner
        (``jobs.run_batches``), in batches of ``odoo_sales_followup.chain_batch_size``."""
        runs = self.sudo().search([("state", "in", OPEN_STATES)], order="company_id, id")
        jobs.run_batches(
            self.env,
            runs,
            lambda batch: batch._stop_without_purpose(),
            job_name="Chains without purpose",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.chain_batch_size", 1000),
            company_of=lambda run: run.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Activity chains not stopped"),
                self.env._(
                    "The scheduled action “Sales follow-up: stop the chains that lost their purpose” failed "
                    "in %(company)s: %(error)s. Chains not checked: %(failed)s of %(count)s. The other chains "
                    "were checked; the next run tries again.",
                    company=company.name,
                    failed=failed,
                    count=total,
                    error=problem,
                ),
            ),
        )
