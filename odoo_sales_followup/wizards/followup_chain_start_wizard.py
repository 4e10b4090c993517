from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupChainStartWizard(models.TransientModel):
    _name = "followup.chain.start.wizard"
    _description = "Start an activity chain"

    # Not required in the database: a window opened without records says so (_get_records).
    res_model = fields.Char()
    res_ids = fields.Json()
    available_chain_ids = fields.Many2many(
        "followup.chain", compute="_compute_available_chain_ids", string="Chains that can start"
    )
    chain_id = fields.Many2one(
        "followup.chain",
        string="Chain",
        required=True,
        domain="[('id', 'in', available_chain_ids)]",
    )

    @api.depends("res_model", "res_ids")
    def _compute_available_chain_ids(self):
        Chain = self.env["followup.chain"]
        for wizard in self:
            try:
                records = wizard._get_records()
            except UserError:
                wizard.available_chain_ids = Chain
                continue
            wizard.available_chain_ids = Chain._get_startable_by_hand(records)

    @api.model
    def _action_open(self, records):
        return {
            "type": "ir.actions.act_window",
            "name": _("Start a chain"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": records._name, "default_res_ids": records.ids},
        }

    def action_start(self):
        self.ensure_one()
        self.chain_id._action_start(self._get_records())
        return {"type": "ir.actions.act_window_close"}

    def _get_records(self):
        """The records the window was opened for: refused with a message unless chains run on
        their model and they all exist."""
        Chain = self.env["followup.chain"]
        models = dict(Chain._fields["res_model"]._description_selection(self.env))
        if self.res_model not in models or self.res_model not in self.env:
            raise UserError(
                _(
                    "Chains do not run on “%(model)s”: they run on %(models)s.",
                    model=self.res_model,
                    models=", ".join(models.values()),
                )
            )
        ids = self.res_ids
        if not ids or not isinstance(ids, list) or not all(type(res_id) is int and res_id > 0 for res_id in ids):
            raise UserError(
                _("Choose the records to start the chain on: “%(ids)s” is not a list of record ids.", ids=str(ids)[:80])
            )
        records = self.env[self.res_model].browse(ids)
        if missing := records - records.exists():
            raise UserError(
                _(
                    "The %(model)s records %(ids)s do not exist (any more).",
                    model=models[self.res_model],
                    ids=", ".join(str(record_id) for record_id in missing.ids[:10]),
                )
            )
        return records
