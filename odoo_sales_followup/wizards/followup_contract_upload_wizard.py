import base64

from odoo import _, fields, models
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
    signed_date = fields.Date(string="Signed on", default=fields.Date.context_today)

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
