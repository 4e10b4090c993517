from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .followup_chain_step import DELAY_UNITS

OUTCOME_ACTIONS = [
    ("next", "Next step"),
    ("repeat", "Repeat the step"),
    ("jump", "Jump to a step"),
    ("stage", "Move the opportunity to a stage"),
    ("lost", "Mark the opportunity lost"),
    ("end", "End the chain"),
]


class FollowupChainOutcome(models.Model):
    _name = "followup.chain.outcome"
    _description = "Activity chain step outcome"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one("followup.chain.step", string="Step", required=True, ondelete="cascade", index=True)
    chain_id = fields.Many2one(related="step_id.chain_id", store=True, string="Chain")
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
    stage_id = fields.Many2one("crm.stage", string="Move to stage", ondelete="restrict")
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost reason", ondelete="restrict")

    @api.constrains("action", "delay", "max_repeat", "jump_step_id", "stage_id", "step_id")
    def _check_action(self):
        for outcome in self:
            if outcome.action == "repeat" and (outcome.delay < 0 or outcome.max_repeat < 1):
                raise ValidationError(
                    _(
                        "The outcome “%s” repeats the step: its delay cannot be negative and it repeats at least once.",
                        outcome.name,
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
        self.step_id.chain_id._check_exit()
