from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupChainDoneWizard(models.TransientModel):
    _name = "followup.chain.done.wizard"
    _description = "Mark a chain activity done"

    run_id = fields.Many2one("followup.chain.run", string="Chain", required=True, readonly=True)
    activity_id = fields.Many2one(related="run_id.activity_id", string="Activity")
    step_id = fields.Many2one(related="run_id.step_id", string="Step")
    has_outcomes = fields.Boolean(compute="_compute_has_outcomes")
    outcome_id = fields.Many2one(
        "followup.chain.outcome",
        string="Outcome",
        compute="_compute_outcome_id",
        store=True,
        readonly=False,
        domain="[('step_id', '=', step_id)]",
    )
    feedback = fields.Text()

    @api.depends("step_id")
    def _compute_has_outcomes(self):
        for wizard in self:
            wizard.has_outcomes = bool(wizard.step_id.outcome_ids)

    @api.depends("step_id")
    def _compute_outcome_id(self):
        for wizard in self:
            wizard.outcome_id = False

    def action_done(self):
        self.ensure_one()
        activity = self.run_id.activity_id
        if not activity:
            raise UserError(_("The chain “%s” has no open activity to mark done.", self.run_id.name))
        if self.has_outcomes and not self.outcome_id:
            raise UserError(_("Choose the outcome of “%s”.", activity.summary or self.step_id.name))
        activity.with_context(followup_outcome_id=self.outcome_id.id).action_feedback(feedback=self.feedback)
        return {"type": "ir.actions.act_window_close"}
