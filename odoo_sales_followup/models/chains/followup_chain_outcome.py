from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .followup_chain_step import DELAY_UNITS, MAX_DELAY, MAX_REPEAT

OUTCOME_ACTIONS = [
    ("next", "Next step"),
    ("repeat", "Repeat the step"),
    ("jump", "Jump to a step"),
    ("stage", "Move the opportunity to a stage"),
    ("lost", "Mark the opportunity lost"),
    ("end", "End the chain"),
]

#: What the customer does that ends a waiting step by itself (``customer_event`` of an outcome):
#: the outcome named so is applied, as if the salesperson had chosen it.
CUSTOMER_EVENTS = [
    ("reply", "Customer replied"),
    ("payment", "Paid"),
    ("signature", "Signed"),
    ("no_answer", "No reply by the due date"),
]


class FollowupChainOutcome(models.Model):
    _name = "followup.chain.outcome"
    _inherit = ["followup.bounds.mixin"]
    _description = "Activity chain step outcome"
    _order = "step_id, sequence, id"
    _check_company_auto = True
    _followup_bounds = {"delay": (0, MAX_DELAY), "max_repeat": (0, MAX_REPEAT)}

    step_id = fields.Many2one("followup.chain.step", string="Step", required=True, ondelete="cascade", index=True)
    chain_id = fields.Many2one(related="step_id.chain_id", store=True, string="Chain")
    company_id = fields.Many2one(related="step_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Outcome", required=True, translate=True)
    action = fields.Selection(
        OUTCOME_ACTIONS,
        default="next",
        required=True,
        help="What happens when the step is done with this outcome. After the last repetition, "
        "“Repeat the step” goes on to the next step.",
    )
    delay = fields.Integer(string="Repeat after", default=1)
    delay_unit = fields.Selection(DELAY_UNITS, string="Repeat unit", default="business_days", required=True)
    max_repeat = fields.Integer(string="Repeat up to", default=3, help="Number of repetitions of the step at most.")
    jump_step_id = fields.Many2one(
        "followup.chain.step", string="Jump to", ondelete="restrict", domain="[('chain_id', '=', chain_id)]"
    )
    stage_id = fields.Many2one("crm.stage", string="Move to stage", ondelete="restrict", check_company=True)
    lost_reason_id = fields.Many2one(
        "crm.lost.reason",
        string="Lost reason",
        ondelete="restrict",
        help="Written on the opportunity this outcome marks lost; required with “Mark the opportunity lost”.",
    )
    customer_event = fields.Selection(
        CUSTOMER_EVENTS,
        string="Given by itself when",
        help="The step waits for the customer: its activity is marked done by itself with this outcome when "
        "the customer replies by email (they or a contact of their company, on the document or its "
        "opportunity), pays the invoice, signs the contract, or when the due date passes without any of these.",
    )

    # ---- CONSTRAINTS ----

    @api.constrains("action", "delay", "max_repeat", "jump_step_id", "stage_id", "lost_reason_id", "step_id")
    def _check_action(self):
        for outcome in self:
            names = {"outcome": outcome.name, "step": outcome.step_id.name, "chain": outcome.chain_id.name}
            if outcome.action == "repeat" and outcome.max_repeat < 1:
                raise ValidationError(
                    _(
                        "The outcome “%(outcome)s” of the step “%(step)s” (chain “%(chain)s”): “%(field)s” is "
                        "%(count)s, it must be from %(min)s to %(max)s.",
                        field=outcome._fields["max_repeat"]._description_string(self.env),
                        count=outcome.max_repeat,
                        min=1,
                        max=MAX_REPEAT,
                        **names,
                    )
                )
            if outcome.action == "jump":
                if not outcome.jump_step_id:
                    raise ValidationError(_("The outcome “%s” jumps to a step: choose the step.", outcome.name))
                if outcome.jump_step_id.chain_id != outcome.step_id.chain_id:
                    raise ValidationError(
                        _(
                            "The outcome “%(outcome)s” cannot jump to the step “%(step)s” of another chain "
                            "(“%(chain)s”).",
                            outcome=outcome.name,
                            step=outcome.jump_step_id.name,
                            chain=outcome.jump_step_id.chain_id.name,
                        )
                    )
            if outcome.action == "stage" and not outcome.stage_id:
                raise ValidationError(_("The outcome “%s” moves the opportunity: choose the stage.", outcome.name))
            if outcome.action == "lost" and not outcome.lost_reason_id:
                raise ValidationError(
                    _(
                        "The outcome “%(outcome)s” of the step “%(step)s” (chain “%(chain)s”) marks the "
                        "opportunity lost: choose its lost reason.",
                        **names,
                    )
                )
        self.step_id.chain_id._check_exit()

    @api.constrains("customer_event", "step_id")
    def _check_customer_event(self):
        for step in self.step_id:
            events = [outcome.customer_event for outcome in step.outcome_ids if outcome.customer_event]
            if duplicate := next((event for event in events if events.count(event) > 1), None):
                raise ValidationError(
                    _(
                        "The step “%(step)s” of the chain “%(chain)s” has several outcomes given when “%(event)s”: "
                        "keep one.",
                        step=step.name,
                        chain=step.chain_id.name,
                        event=dict(self._fields["customer_event"]._description_selection(self.env))[duplicate],
                    )
                )

    # ---- CRUD ----

    def write(self, vals):
        # an outcome moved to another step leaves its former step: that chain must still end
        former = self.step_id.chain_id if "step_id" in vals else self.env["followup.chain"]
        result = super().write(vals)
        (former - self.step_id.chain_id)._check_exit()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trapping(self):
        for chain in self.step_id.chain_id:
            if trapped := chain._get_trapped_step(removed=self):
                raise UserError(
                    _(
                        "The outcome “%(outcome)s” cannot be deleted: without it the chain “%(chain)s” never "
                        "ends from the step “%(step)s”. Give another outcome of that step the action “Next "
                        "step” or “End the chain” first.",
                        outcome=(self & chain.step_ids.outcome_ids)[0].name,
                        chain=chain.name,
                        step=trapped.name,
                    )
                )
