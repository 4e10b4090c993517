import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FollowupContractUploadWizard(models.TransientModel):
    _name = "followup.contract.upload.wizard"
    _description = "Upload a contract version or its signed copy"

    contract_id = fields.Many2one("followup.contract", string="Contract", required=True, ondelete="cascade")
    mode = fields.Selection(
        [("upload", "Upload an edited version"), ("sign", "Mark signed")], required=True, default="upload"
    )
    file = fields.Binary(required=True)
    file_name = fields.Char(string="File name")
    signed_date = fields.Date(
        string="Signed on",
        compute="_compute_signed_date",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("contract_id")
    def _compute_signed_date(self):
        """Today of the document's company: the day it is signed, unless the user says another."""
        for wizard in self:
            wizard.signed_date = (wizard.contract_id.company_id or self.env.company)._get_followup_today()

    def action_confirm(self):
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        if not data:
            raise UserError(_("Choose the file to upload."))
        if self.mode == "sign":
            self.contract_id._mark_signed(data, self.file_name, self.signed_date)
            return {"type": "ir.actions.act_window_close"}
        notices = self.contract_id._upload_version(data, self.file_name)
        if not notices:
            return {"type": "ir.actions.act_window_close"}
        # what was removed from the document, or why it has no PDF, said where the user looks
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": "\n".join(notices),
                "sticky": True,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
