import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import ormcache

from ...tools import LEVEL_SELECTION
from .. import jobs

_logger = logging.getLogger(__name__)

#: What starts a chain. Each kind of document (``followup.chain.record``) adds the triggers
#: it starts (``selection_add`` in its file) and claims them (``_get_followup_triggers``).
TRIGGER_SELECTION = [
    ("manual", "Started by hand"),
]

#: States of a run that count for the "one running instance per record" rule.
OPEN_STATES = ("running", "paused")


class FollowupChain(models.Model):
    _name = "followup.chain"
    _description = "Activity chain"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, help="Leave empty to run the chain in every company."
    )
    description = fields.Text(translate=True, help="When and why salespeople follow this chain.")
    trigger = fields.Selection(TRIGGER_SELECTION, required=True, default="manual")
    res_model = fields.Selection(
        selection="_selection_res_model",
        string="Runs on",
        compute="_compute_res_model",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The kind of document the chain runs on, set by its trigger: a chain started by a quotation "
        "or an invoice runs on it, with a link to its opportunity.",
    )
    trigger_stage_id = fields.Many2one(
        "crm.stage",
        string="Trigger stage",
        check_company=True,
        help="The chain starts when an opportunity enters this stage and stops when it leaves it.",
    )
    # ---- conditions ----
    team_ids = fields.Many2many(
        "crm.team", string="Sales teams", check_company=True, help="Only records of these teams (all if empty)."
    )
    tag_ids = fields.Many2many(
        "crm.tag", string="Tags", help="Only opportunities with one of these tags (all if empty)."
    )
    stage_ids = fields.Many2many(
        "crm.stage",
        "followup_chain_condition_stage_rel",
        string="In stages",
        check_company=True,
        help="Only opportunities in one of these stages when the chain starts (all if empty).",
    )
    amount_min = fields.Monetary(
        string="Minimum amount",
        currency_field="currency_id",
        help="Expected revenue of the opportunity or total of the invoice, at least this much.",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", string="Currency", help="Currency of the minimum amount."
    )
    partner_level = fields.Selection(
        LEVEL_SELECTION, string="Customer level", help="Only customers at this relationship level (any if empty)."
    )
    stop_on_reply = fields.Boolean(
        string="Stop when the customer replies",
        help="An email of the customer (or of a contact of their company) on the document or its opportunity "
        "stops the chain, whatever its step: the salesperson takes the conversation over.",
    )
    # ---- steps and runs ----
    step_ids = fields.One2many("followup.chain.step", "chain_id", string="Steps", copy=True)
    step_count = fields.Integer(compute="_compute_run_stats", string="Number of steps")
    run_ids = fields.One2many("followup.chain.run", "chain_id", string="Runs")
    running_count = fields.Integer(compute="_compute_run_stats", string="Running")
    done_count = fields.Integer(compute="_compute_run_stats", string="Completed")
    stopped_count = fields.Integer(compute="_compute_run_stats", string="Stopped")

    @api.model
    def _selection_res_model(self):
        """The kinds of documents chains may run on: the models of ``followup.chain.record``."""
        models = [self.env[name] for name in self._get_record_models()]
        return [(Model._name, Model._get_followup_record_label()) for Model in models]

    @api.model
    def _get_record_models(self):
        """Names of the models chains may run on, in their order (``_followup_record_sequence``)."""
        names = self.env.registry.descendants(["followup.chain.record"], "_inherit")
        models = [self.env[name] for name in names if not self.env[name]._abstract]
        return [
            Model._name for Model in sorted(models, key=lambda Model: (Model._followup_record_sequence, Model._name))
        ]

    @api.model
    def _get_trigger_model(self, trigger):
        """The model whose documents the chains of ``trigger`` run on, or None when no kind of
        document claims it (the chain's author chooses, as for chains started by hand)."""
        for name in self._get_record_models():
            if trigger in self.env[name]._get_followup_triggers():
                return name
        return None

    @api.depends("trigger")
    def _compute_res_model(self):
        record_models = self._get_record_models()
        for chain in self:
            if owner := self._get_trigger_model(chain.trigger):
                chain.res_model = owner
            elif not chain.res_model and record_models:
                chain.res_model = record_models[0]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for chain in self:
            chain.currency_id = (chain.company_id or self.env.company).currency_id

    def _compute_run_stats(self):
        counts = {
            (chain.id, state): count
            for chain, state, count in self.env["followup.chain.run"]._read_group(
                [("chain_id", "in", self.ids)], ["chain_id", "state"], ["__count"]
            )
        }
        for chain in self:
            chain.step_count = len(chain.step_ids)
            chain.running_count = counts.get((chain.id, "running"), 0) + counts.get((chain.id, "paused"), 0)
            chain.done_count = counts.get((chain.id, "done"), 0)
            chain.stopped_count = counts.get((chain.id, "stopped"), 0)

    # ---- constraints ----

    @api.constrains("trigger", "trigger_stage_id", "res_model")
    def _check_trigger(self):
        for chain in self:
            if chain.trigger == "stage" and not chain.trigger_stage_id:
                raise ValidationError(_("The chain “%s” starts when a stage is entered: choose the stage.", chain.name))
            owner = self._get_trigger_model(chain.trigger)
            if owner and chain.res_model != owner:
                raise ValidationError(
                    _(
                        "The chain “%(chain)s” is started by its trigger on %(model)s records: it runs on them.",
                        chain=chain.name,
                        model=dict(self._selection_res_model()).get(owner, owner),
                    )
                )

    @api.constrains("amount_min")
    def _check_amount_min(self):
        for chain in self:
            if chain.amount_min < 0:
                raise ValidationError(_("The minimum amount of the chain “%s” cannot be negative.", chain.name))

    @api.constrains("step_ids")
    def _check_exit(self):
        """Every step must lead to the end of the chain by some outcome: no loop without exit."""
        for chain in self:
            if trapped := chain._get_trapped_step():
                raise ValidationError(
                    _(
                        "The chain “%(chain)s” never ends from the step “%(step)s”: its outcomes jump back "
                        "in a loop. Give one of them the action “Next step” or “End the chain”.",
                        chain=chain.name,
                        step=trapped.name,
                    )
                )

    def _get_trapped_step(self, removed=None):
        """The first step of this chain from which no outcome leads to the end of the chain, or
        an empty recordset. ``removed``: steps and outcomes about to be deleted, left out."""
        self.ensure_one()
        removed_ids = {(record._name, record.id) for record in removed or ()}
        steps = [step for step in self._get_steps() if (step._name, step.id) not in removed_ids]
        following = {step: steps[index + 1] if index + 1 < len(steps) else None for index, step in enumerate(steps)}
        # successors of each step; None is the end of the chain
        successors = {}
        for step in steps:
            outcomes = [outcome for outcome in step.outcome_ids if (outcome._name, outcome.id) not in removed_ids]
            targets = set()
            for outcome in outcomes or [None]:
                action = outcome.action if outcome else "next"
                if action == "jump":
                    # a step removed or of another chain never reaches this chain's end
                    targets.add(outcome.jump_step_id)
                elif action in ("next", "repeat", "stage"):
                    targets.add(following[step])
                else:
                    targets.add(None)
            successors[step] = targets
        reaching_end = {None}
        changed = True
        while changed:
            changed = False
            for step, targets in successors.items():
                if step not in reaching_end and targets & reaching_end:
                    reaching_end.add(step)
                    changed = True
        trapped = [step for step in steps if step not in reaching_end]
        return trapped[0] if trapped else self.env["followup.chain.step"]

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        chains = super().create(vals_list)
        self.env.registry.clear_cache()  # _get_trigger_chain_ids
        return chains

    def copy_data(self, default=None):
        vals_list = super().copy_data(default)
        # A jump of the copy must point to the copy's own step, not to the original's (which the
        # outcome refuses): the copies are created ending there, and ``copy`` sets the jumps.
        for vals in vals_list:
            for step_command in vals.get("step_ids", ()):
                for outcome_command in step_command[2].get("outcome_ids", ()):
                    if outcome_command[2].get("jump_step_id"):
                        outcome_command[2].update(action="end", jump_step_id=False)
        return vals_list

    def copy(self, default=None):
        copies = super().copy(default)
        for chain, copy in zip(self, copies, strict=True):
            steps = dict(zip(chain._get_steps(), copy._get_steps(), strict=True))
            for step, new_step in steps.items():
                outcomes = zip(step.outcome_ids.sorted(), new_step.outcome_ids.sorted(), strict=True)
                for outcome, new_outcome in outcomes:
                    if outcome.action == "jump" and outcome.jump_step_id in steps:
                        new_outcome.write({"action": "jump", "jump_step_id": steps[outcome.jump_step_id].id})
        return copies

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            # the steps and outcomes follow the chain's company: their users and stages must too
            self.step_ids._check_company()
            self.step_ids.outcome_ids._check_company()
        if {"active", "trigger", "res_model"} & vals.keys():
            self.env.registry.clear_cache()  # _get_trigger_chain_ids
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _get_trigger_chain_ids
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_runs(self):
        # sudo: runs of every company count, not only those of the companies the user works in
        runs = self.env["followup.chain.run"].sudo()._read_group([("chain_id", "in", self.ids)], ["chain_id"])
        if runs:
            raise UserError(
                _(
                    "The chain “%s” has already run: archive it instead, so that its history and statistics stay.",
                    self.browse(runs[0][0].id).name,
                )
            )

    # ---- actions ----

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_followup_chain_run")
        action["domain"] = [("chain_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 0}
        return action

    # ---- business methods ----

    @api.model
    def _start_chains(self, trigger, records):
        """Start the active chains of ``trigger`` on ``records`` whose conditions they meet.

        Set-based: one search of the chains, one of the open runs, a batched create of the
        runs and of their first activities. Returns the runs started.
        """
        Run = self.env["followup.chain.run"]
        if not records:
            return Run
        # sudo: chains are automation; a salesperson who sends a quotation starts them
        # although templates and other people's runs are beyond their rights.
        chains = self.sudo().browse(self._get_trigger_chain_ids(trigger, records._name))
        if not chains:
            return Run
        return chains._start(records).with_env(self.env)

    @api.model
    @ormcache("trigger", "res_model")
    def _get_trigger_chain_ids(self, trigger, res_model):
        """Ids of the active chains of a trigger: cached, so that the documents'
        hooks cost no query on a database where no chain of that trigger exists."""
        return tuple(self.sudo().search([("trigger", "=", trigger), ("res_model", "=", res_model)]).ids)

    def _start(self, records):
        """Start these chains on ``records`` (same model), skipping those that already run;
        return the runs started, in the environment of the caller."""
        # sudo: runs are the engine's records, whoever starts them
        Run = self.env["followup.chain.run"].sudo()
        chains = self.filtered("step_ids")
        records = records.sudo().exists()
        if not chains or not records:
            return Run.with_env(self.env)
        busy = Run._get_open_pairs(chains, records, any_state=any(c.trigger == "invoice_overdue" for c in chains))
        pairs = [
            (chain, record)
            for chain in chains
            for record in records
            if (chain.id, record.id) not in busy and chain._matches(record)
        ]
        if not pairs:
            return Run.with_env(self.env)
        return Run._create_runs(pairs).with_env(self.env)

    def _action_start(self, records):
        """Start this chain by hand on ``records`` (the "Start a chain" window): refused with a
        message unless the chain is active, is started by hand, has steps, runs on records of
        that model, the user may edit the records, and it runs on none of them yet. Returns the
        runs started."""
        self.ensure_one()
        models = dict(self._fields["res_model"]._description_selection(self.env))
        if not self.active:
            raise UserError(_("The chain “%s” is archived: it starts no new run.", self.name))
        if records._name != self.res_model:
            raise UserError(
                _(
                    "The chain “%(chain)s” runs on %(chain_model)s records, not on %(model)s records.",
                    chain=self.name,
                    chain_model=models.get(self.res_model, self.res_model),
                    model=models.get(records._name, records._description),
                )
            )
        if self.trigger != "manual":
            triggers = dict(self._fields["trigger"]._description_selection(self.env))
            raise UserError(
                _(
                    "The chain “%(chain)s” starts by itself (trigger: %(trigger)s): it cannot be started by hand.",
                    chain=self.name,
                    trigger=triggers.get(self.trigger, self.trigger),
                )
            )
        if not self.step_ids:
            raise UserError(_("The chain “%s” has no steps yet: add its steps first.", self.name))
        if forbidden := records - records._filtered_access("write"):
            raise AccessError(
                _(
                    "You may not edit the %(model)s records %(ids)s: a chain starts only on records you may edit.",
                    model=models.get(records._name, records._description),
                    ids=", ".join(str(record_id) for record_id in forbidden.ids[:10]),
                )
            )
        busy = {res_id for _chain_id, res_id in self.env["followup.chain.run"]._get_open_pairs(self, records)}
        if busy:
            raise UserError(
                _(
                    "The chain “%(chain)s” already runs on “%(records)s”: stop it there first to start it again.",
                    chain=self.name,
                    records="”, “".join(records.filtered(lambda record: record.id in busy).mapped("display_name")[:5]),
                )
            )
        runs = self._start(records)
        if not runs:
            raise UserError(
                _(
                    "The chain “%s” did not start: the sales team, tags, stage, amount or customer level of "
                    "these records do not meet its conditions.",
                    self.name,
                )
            )
        return runs

    @api.model
    def _get_startable_by_hand(self, records):
        """The chains that *Start a chain* offers on ``records``: active, started by hand, with
        steps, of their model, running on none of them, and whose conditions they all meet."""
        chains = self.search([("res_model", "=", records._name), ("trigger", "=", "manual"), ("step_ids", "!=", False)])
        if not chains or not records:
            return self.browse()
        busy = {chain_id for chain_id, _res_id in self.env["followup.chain.run"]._get_open_pairs(chains, records)}
        # sudo: the conditions are read as the engine reads them when it starts the chain
        records_sudo = records.sudo()
        return chains.filtered(
            lambda chain: chain.id not in busy and all(chain.sudo()._matches(record) for record in records_sudo)
        )

    def _get_steps(self):
        """The steps in their order (without the query of ``sorted()``)."""
        self.ensure_one()
        return self.step_ids.sorted(lambda step: (step.sequence, step.id))

    def _matches(self, record):
        """Whether ``record`` (a ``followup.chain.record``) meets this chain's conditions, as
        its hooks describe it: its company, team, opportunity (tags, stage), amount, customer."""
        self.ensure_one()
        if self.company_id and record._get_followup_company() != self.company_id:
            return False
        lead = record._get_followup_lead()
        if self.trigger == "stage" and lead.stage_id != self.trigger_stage_id:
            return False
        if self.team_ids and record._get_followup_team() not in self.team_ids:
            return False
        if self.tag_ids and not (lead.tag_ids & self.tag_ids):
            return False
        if self.stage_ids and lead.stage_id not in self.stage_ids:
            return False
        if self.amount_min and record._get_followup_amount() < self.amount_min:
            return False
        return not self.partner_level or record._get_followup_partner().relationship_level == self.partner_level

    @api.model
    def _cron_start_overdue_chains(self):
        """Start the "invoice overdue" chains on the posted customer invoices past their due date.

        Through the job runner (``jobs.run_batches``): company by company, in batches of the
        system parameter ``odoo_sales_followup.chain_batch_size``, each committed; an invoice
        whose chain fails is logged and notified to its company's Sales administrators, and
        the other invoices are still processed. A chain starts once per invoice, so a rerun
        goes on from where the last one stopped."""
        chains = self.search([("trigger", "=", "invoice_overdue"), ("step_ids", "!=", False)])
        if not chains:
            return
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ],
            order="company_id, id",
        )
        jobs.run_batches(
            self.env,
            invoices,
            lambda batch: chains.with_env(batch.env)._start(batch),
            job_name="Overdue-invoice chains",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.chain_batch_size", 1000),
            company_of=lambda invoice: invoice.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Activity chains of overdue invoices not started"),
                self.env._(
                    "The scheduled action “Sales follow-up: start the chains of overdue invoices” failed "
                    "in %(company)s: %(error)s. Overdue invoices not processed: %(failed)s of %(count)s. The "
                    "other invoices were processed; the next run tries again.",
                    company=company.name,
                    failed=failed,
                    count=total,
                    error=problem,
                ),
            ),
        )
