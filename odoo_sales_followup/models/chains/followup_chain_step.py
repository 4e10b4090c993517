from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...tools import MAX_DELAY_DAYS

DELAY_UNITS = [("days", "Days"), ("business_days", "Business days")]

RESPONSIBLE_SELECTION = [
    ("salesperson", "Salesperson of the record"),
    ("team_leader", "Team leader"),
    ("user", "Named user"),
]

#: Longest delay of a step or an outcome, in days or business days: ten years. Beyond it a
#: due date is a typing error (and far enough beyond, a date Python cannot hold).
MAX_DELAY = MAX_DELAY_DAYS

#: Most repetitions of a step an outcome may ask for.
MAX_REPEAT = 100


class FollowupChainStep(models.Model):
    _name = "followup.chain.step"
    _inherit = ["followup.bounds.mixin"]
    _description = "Activity chain step"
    _order = "chain_id, sequence, id"
    _check_company_auto = True
    _followup_bounds = {"delay": (0, MAX_DELAY)}

    chain_id = fields.Many2one("followup.chain", string="Chain", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="chain_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Summary", required=True, translate=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type", required=True, ondelete="restrict")
    note = fields.Html(string="Note or call script", translate=True, sanitize_style=True)
    delay = fields.Integer(default=0, help="Days until the activity is due.")
    delay_unit = fields.Selection(
        DELAY_UNITS,
        default="days",
        required=True,
        help="Business days skip the weekends and the public holidays of the company's working calendar.",
    )
    delay_from = fields.Selection(
        [
            ("trigger", "Start of the chain"),
            ("previous", "Previous step done"),
            ("due_date", "Invoice due date"),
        ],
        string="Counted from",
        default="previous",
        required=True,
    )
    responsible = fields.Selection(RESPONSIBLE_SELECTION, default="salesperson", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="User",
        check_company=True,
        help="Assignee when the responsible is a named user. If this user is archived, the "
        "record's salesperson gets the activity.",
    )
    outcome_ids = fields.One2many("followup.chain.outcome", "step_id", string="Outcomes", copy=True)
    is_waiting = fields.Boolean(
        string="Waits for the customer",
        compute="_compute_is_waiting",
        store=True,
        help="One of its outcomes is given by itself when the customer replies, pays or signs, or when the due "
        "date passes: the step's activity is then marked done without the salesperson.",
    )

    @api.depends("outcome_ids.customer_event")
    def _compute_is_waiting(self):
        for step in self:
            step.is_waiting = any(step.outcome_ids.mapped("customer_event"))

    # ---- CONSTRAINTS ----

    @api.constrains("activity_type_id")
    def _check_activity_type(self):
        for step in self:
            if not step.activity_type_id:
                step._raise_no_activity_type(step.name, step.chain_id.name)

    @api.constrains("responsible", "user_id")
    def _check_user(self):
        for step in self:
            if step.responsible == "user" and not step.user_id:
                raise ValidationError(
                    _(
                        "The step “%(step)s” of the chain “%(chain)s” is assigned to a named user: choose the user.",
                        step=step.name,
                        chain=step.chain_id.name,
                    )
                )

    @api.constrains("sequence", "outcome_ids", "chain_id")
    def _check_chain_exit(self):
        self.chain_id._check_exit()

    def _raise_no_activity_type(self, step, chain):
        raise ValidationError(
            _(
                "The step “%(step)s” of the chain “%(chain)s” needs an activity type (call, email, meeting...).",
                step=step,
                chain=chain,
            )
        )

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        # The column is NOT NULL: say what is missing before the database refuses it.
        for vals in vals_list:
            if not vals.get("activity_type_id"):
                chain = self.env["followup.chain"].browse(
                    vals.get("chain_id") or self.env.context.get("default_chain_id")
                )
                self._raise_no_activity_type(vals.get("name") or "", chain.name or "")
        return super().create(vals_list)

    def write(self, vals):
        if "chain_id" in vals and (moved := self.filtered(lambda step: step.chain_id.id != vals["chain_id"])):
            # A run follows its step: a step moved to another chain would carry its runs, and the
            # outcomes that jump to it, into that chain.
            raise UserError(
                _(
                    "The step “%(step)s” belongs to the chain “%(chain)s”: it cannot move to the chain "
                    "“%(target)s”. Add a step there instead.",
                    step=moved[0].name,
                    chain=moved[0].chain_id.name,
                    target=self.env["followup.chain"].browse(vals["chain_id"]).name,
                )
            )
        if "activity_type_id" in vals and not vals["activity_type_id"]:
            self[:1]._raise_no_activity_type(self[:1].name, self[:1].chain_id.name)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        runs = (
            self.env["followup.chain.run"]
            .sudo()
            .search([("step_id", "in", self.ids), ("state", "in", ("running", "paused"))])
        )
        if runs:
            raise UserError(
                _(
                    "The step “%(step)s” is the current step of running or paused chains (chains: %(count)s). "
                    "Stop them or wait until they move on before deleting it; you can edit it or add steps "
                    "meanwhile.",
                    step=runs[0].step_id.name,
                    count=len(runs),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_jump_target(self):
        # sudo: an outcome of any company that jumps here would make the deletion fail
        jumps = (
            self.env["followup.chain.outcome"]
            .sudo()
            .search([("jump_step_id", "in", self.ids), ("step_id", "not in", self.ids)], limit=1)
        )
        if jumps:
            raise UserError(
                _(
                    "The outcome “%(outcome)s” of the step “%(other)s” jumps to the step “%(step)s” of the chain "
                    "“%(chain)s”: choose another action for it before deleting the step.",
                    outcome=jumps.name,
                    other=jumps.step_id.name,
                    step=jumps.jump_step_id.name,
                    chain=jumps.chain_id.name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trapping(self):
        for chain in self.chain_id:
            if trapped := chain._get_trapped_step(removed=self):
                raise UserError(
                    _(
                        "The step “%(removed)s” cannot be deleted: without it the chain “%(chain)s” never ends "
                        "from the step “%(step)s”. Change the outcomes of that step first.",
                        removed=(self & chain.step_ids)[0].name,
                        chain=chain.name,
                        step=trapped.name,
                    )
                )

    # ---- BUSINESS ----

    def _get_event_outcome(self, event):
        """The outcome of this step given by itself on the customer's ``event`` (a
        ``customer_event`` value), or an empty recordset when the step does not wait for it."""
        self.ensure_one()
        return self.outcome_ids.filtered(lambda outcome: outcome.customer_event == event)[:1]

    def _get_next_step(self):
        """The step after this one in its chain, or an empty recordset at the end."""
        self.ensure_one()
        steps = self.chain_id._get_steps()
        position = list(steps).index(self) if self in steps else len(steps)
        return steps[position + 1] if position + 1 < len(steps) else self.browse()
