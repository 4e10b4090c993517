from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression


class FollowupChainRunLine(models.Model):
    _name = "followup.chain.run.line"
    _description = "Activity chain history"
    _order = "run_id, id"

    # The history of a run is the engine's record of what was done: read-only for users.
    run_id = fields.Many2one(
        "followup.chain.run", string="Chain run", required=True, readonly=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one("followup.chain.step", string="Step", readonly=True, ondelete="set null")
    name = fields.Char(string="Activity", required=True, readonly=True)
    date_deadline = fields.Date(string="Due date", readonly=True)
    date_done = fields.Date(string="Done on", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Done by", readonly=True, ondelete="set null")
    outcome_id = fields.Many2one("followup.chain.outcome", string="Outcome", readonly=True, ondelete="set null")
    # the id of the activity done (removed once done): what a Done clicked on a line behind the
    # chain is matched with, to say who did that step and when
    activity_ref = fields.Integer(string="Activity id", readonly=True)
    # What the customer did that ended the step by itself (a step that waits for the customer):
    # the message, payment or signed document, and its description as it was then. The
    # description is what the history shows: it stays true when the record is gone.
    event_model = fields.Char(string="Ended by (model)", readonly=True)
    event_res_id = fields.Many2oneReference(string="Ended by (id)", model_field="event_model", readonly=True)
    event_name = fields.Char(string="Ended by", readonly=True)

    def action_open_event(self):
        """Open what ended the step: the document of the message, the payment, the signed document
        (with the user's own rights: a record they may not read is refused as anywhere else)."""
        self.ensure_one()
        # sudo: which record ended the step of a history line the user may read
        line = self.sudo()
        if not line.event_model or line.event_model not in self.env or not line.event_res_id:
            return False
        record = self.env[line.event_model].browse(line.event_res_id).exists()
        if record._name == "mail.message":
            # a message is read on its document
            if not record.sudo().model or record.sudo().model not in self.env:
                return False
            record = self.env[record.sudo().model].browse(record.sudo().res_id).exists()
        if not record:
            return False
        record.check_access("read")
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id, "view_mode": "form"}

    def _check_access(self, operation):
        """The history of a run follows the run, which follows its document."""
        result = super()._check_access(operation)
        if self.env.su or not any(self._ids):
            return result
        allowed = self - result[0] if result else self
        # sudo: which run a line belongs to; whether the user may read that run is checked next
        runs = allowed.sudo().run_id
        readable = set(runs.with_env(self.env)._filtered_access("read")._ids)
        denied = allowed.filtered(lambda line: line.sudo().run_id.id not in readable)
        if not denied:
            return result
        if result:
            return result[0] | denied, result[1]
        return denied, lambda: AccessError(_("You may not see the history of a chain whose document you may not read."))

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        runs = self.env["followup.chain.run"]._search([])
        return super()._search(expression.AND([domain, [("run_id", "in", runs)]]), offset, limit, order)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine()
        return super().write(vals)

    def _check_engine(self):
        # who did a step, when and with which outcome is recorded by the chain, never typed
        if not self.env.su:
            raise AccessError(_("The history of a chain is recorded by the chain itself: it cannot be edited."))
