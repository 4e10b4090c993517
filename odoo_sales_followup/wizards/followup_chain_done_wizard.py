from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupChainDoneWizard(models.TransientModel):
    _name = "followup.chain.done.wizard"
    _description = "Mark a chain activity done"

    run_id = fields.Many2one("followup.chain.run", string="Chain", required=True, readonly=True)
    # The step and activity the window was opened for: if the chain moves on meanwhile (someone
    # else marked the step done), the outcome chosen here is refused, not applied to another step.
    step_id = fields.Many2one(
        "followup.chain.step", string="Step", compute="_compute_run_position", store=True, precompute=True
    )
    activity_id = fields.Many2one(
        "mail.activity", string="Activity", compute="_compute_run_position", store=True, precompute=True
    )
    has_outcomes = fields.Boolean(compute="_compute_has_outcomes")
    outcome_id = fields.Many2one("followup.chain.outcome", string="Outcome", domain="[('step_id', '=', step_id)]")
    feedback = fields.Text()

    @api.depends("run_id")
    def _compute_run_position(self):
        for wizard in self:
            wizard.step_id = wizard.run_id.step_id
            wizard.activity_id = wizard.run_id.activity_id

    @api.depends("step_id")
    def _compute_has_outcomes(self):
        for wizard in self:
            wizard.has_outcomes = bool(wizard.step_id.outcome_ids)

    def action_done(self):
        self.ensure_one()
        run = self.run_id
        run._check_done_step(self.step_id, self.activity_id)
        if self.has_outcomes and not self.outcome_id:
            raise UserError(_("Choose the outcome of “%s”.", self.activity_id.summary or self.step_id.name))
        run._action_done_step(self.activity_id, self.outcome_id, self.feedback)
        return {"type": "ir.actions.act_window_close"}
