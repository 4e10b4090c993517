from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

DELAY_UNITS = [("days", "Days"), ("business_days", "Business days")]

RESPONSIBLE_SELECTION = [
    ("salesperson", "Salesperson of the record"),
    ("team_leader", "Team leader"),
    ("user", "Named user"),
]


class FollowupChainStep(models.Model):
    _name = "followup.chain.step"
    _description = "Activity chain step"
    _order = "chain_id, sequence, id"

    chain_id = fields.Many2one("followup.chain", string="Chain", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Summary", required=True, translate=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type", ondelete="restrict")
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
        help="Assignee when the responsible is a named user. If this user is archived, the "
        "record's salesperson gets the activity.",
    )
    outcome_ids = fields.One2many("followup.chain.outcome", "step_id", string="Outcomes", copy=True)

    @api.constrains("delay")
    def _check_delay(self):
        for step in self:
            if step.delay < 0:
                raise ValidationError(
                    _(
                        "The delay of the step “%(step)s” cannot be negative (%(delay)s).",
                        step=step.name,
                        delay=step.delay,
                    )
                )

    @api.constrains("activity_type_id")
    def _check_activity_type(self):
        for step in self:
            if not step.activity_type_id:
                raise ValidationError(_("The step “%s” needs an activity type (call, email, meeting...).", step.name))

    @api.constrains("responsible", "user_id")
    def _check_user(self):
        for step in self:
            if step.responsible == "user" and not step.user_id:
                raise ValidationError(_("The step “%s” is assigned to a named user: choose the user.", step.name))

    @api.constrains("sequence", "outcome_ids", "chain_id")
    def _check_chain_exit(self):
        self.chain_id._check_exit()

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
                    "The step “%(step)s” is the current step of %(count)s running chains. Stop them or "
                    "wait until they move on before deleting it; you can edit it or add steps meanwhile.",
                    step=runs[0].step_id.name,
                    count=len(runs),
                )
            )

    def _get_next_step(self):
        """The step after this one in its chain, or an empty recordset at the end."""
        self.ensure_one()
        steps = self.chain_id._get_steps()
        position = list(steps).index(self) if self in steps else len(steps)
        return steps[position + 1] if position + 1 < len(steps) else self.browse()
