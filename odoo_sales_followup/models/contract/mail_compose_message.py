from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        result = super()._action_send_mail(auto_commit=auto_commit)
        for composer in self.filtered(lambda composer: composer.model == "crm.lead"):
            if composer.composition_mode != "comment":
                continue
            leads = self.env["crm.lead"].browse(composer._evaluate_res_ids()).exists()
            for lead in leads:
                contract = lead.contract_id
                # Sent with its PDF attached: the contract went out.
                if contract.pdf_attachment_id and contract.pdf_attachment_id in composer.attachment_ids:
                    lead._on_contract_sent(contract, composer.partner_ids)
                act = lead.act_id
                if act.pdf_attachment_id and act.pdf_attachment_id in composer.attachment_ids:
                    lead._on_act_sent(act, composer.partner_ids)
        return result
