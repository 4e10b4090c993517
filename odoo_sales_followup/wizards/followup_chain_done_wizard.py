from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupChainDoneWizard(models.TransientModel):
    _name = "followup.chain.done.wizard"
    _description = "Mark a chain activity done"

    run_id = fields.Many2one("followup.chain.run", string="Chain", required=True, readonly=True)
    # The step and activity of the line the user clicked Done on (``followup.chain.run.
    # _action_open_done_wizard``), never the run's current ones: if the chain moves on meanwhile,
    # the outcome chosen here is refused, not applied to another step. The activity by its id: once
    # marked done elsewhere it is gone, and the refusal still names who did it and when.
    step_id = fields.Many2one("followup.chain.step", string="Step", required=True, readonly=True)
    activity_ref = fields.Integer(string="Activity id", required=True, readonly=True)
    has_outcomes = fields.Boolean(compute="_compute_has_outcomes")
    outcome_id = fields.Many2one("followup.chain.outcome", string="Outcome", domain="[('step_id', '=', step_id)]")
    outcome_effect = fields.Char(compute="_compute_outcome_effect", string="What happens next")
    feedback = fields.Text()

    @api.depends("step_id")
    def _compute_has_outcomes(self):
        for wizard in self:
            wizard.has_outcomes = bool(wizard.step_id.outcome_ids)

    @api.depends("run_id", "step_id", "outcome_id")
    def _compute_outcome_effect(self):
        for wizard in self:
            if wizard.has_outcomes and not wizard.outcome_id:
                wizard.outcome_effect = False
            else:
                wizard.outcome_effect = wizard.run_id._describe_outcome(wizard.step_id, wizard.outcome_id)

    def action_done(self):
        self.ensure_one()
        run = self.run_id
        activity = self.env["mail.activity"].browse(self.activity_ref)
        run._check_done_step(self.step_id, activity)
        if self.has_outcomes and not self.outcome_id:
            raise UserError(_("Choose the outcome of “%s”.", activity.summary or self.step_id.name))
        run._action_done_step(activity, self.outcome_id, self.feedback)
        return {"type": "ir.actions.act_window_close"}
