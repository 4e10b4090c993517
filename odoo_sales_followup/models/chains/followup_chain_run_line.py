from odoo import fields, models


class FollowupChainRunLine(models.Model):
    _name = "followup.chain.run.line"
    _description = "Activity chain history"
    _order = "run_id, id"

    run_id = fields.Many2one("followup.chain.run", string="Chain run", required=True, ondelete="cascade", index=True)
    step_id = fields.Many2one("followup.chain.step", string="Step", ondelete="set null")
    name = fields.Char(string="Activity", required=True)
    date_deadline = fields.Date(string="Due date")
    date_done = fields.Date(string="Done on", required=True)
    user_id = fields.Many2one("res.users", string="Done by", ondelete="set null")
    outcome_id = fields.Many2one("followup.chain.outcome", string="Outcome", ondelete="set null")
