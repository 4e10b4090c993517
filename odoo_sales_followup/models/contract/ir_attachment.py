from odoo import _, api, models
from odoo.exceptions import UserError

#: What replaces an attachment's content or moves it off its document.
CONTENT_FIELDS = frozenset(
    {"datas", "raw", "db_datas", "store_fname", "res_model", "res_id", "res_field", "type", "url"}
)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _get_contract_files(self):
        """Those of these attachments that are a contract's files (a version's DOCX or PDF, the
        signed copy): the engine keeps them; a contract is withdrawn by cancelling it."""
        candidates = self.filtered(lambda attachment: attachment.res_model == "crm.lead")
        if not candidates:
            return self.browse()
        # sudo: which files are a contract's, whatever the user may read of the contracts
        Version = self.env["followup.contract.version"].sudo()
        versions = Version.search(
            ["|", ("docx_attachment_id", "in", candidates.ids), ("pdf_attachment_id", "in", candidates.ids)]
        )
        signed = self.env["followup.contract"].sudo().search([("signed_attachment_id", "in", candidates.ids)])
        kept = versions.docx_attachment_id | versions.pdf_attachment_id | signed.signed_attachment_id
        return candidates.filtered(lambda attachment: attachment.id in kept.ids)

    def _check_contract_files(self):
        if self.env.su:
            return  # the engine itself, or Odoo deleting the opportunity with its files
        files = self._get_contract_files()
        if not files:
            return
        # sudo: which kind of document the files are of, whatever the user may read of them
        documents = (
            self.env["followup.contract"]
            .sudo()
            .search(
                [
                    "|",
                    "|",
                    ("version_ids.docx_attachment_id", "in", files.ids),
                    ("version_ids.pdf_attachment_id", "in", files.ids),
                    ("signed_attachment_id", "in", files.ids),
                ]
            )
        )
        if set(documents.mapped("document_kind")) == {"act"}:
            raise UserError(
                _(
                    "%(files)s: the files of an act cannot be deleted or replaced. To withdraw an act, cancel it "
                    "from its form (Acts on the opportunity); prepare or upload a new version to change it.",
                    files=", ".join(files.mapped("name")),
                )
            )
        raise UserError(
            _(
                "%(files)s: the files of a contract cannot be deleted or replaced. To withdraw a contract, "
                "cancel it from its form (Contracts on the opportunity); prepare or upload a new version "
                "to change it.",
                files=", ".join(files.mapped("name")),
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contract_files(self):
        self._check_contract_files()

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals):
            self._check_contract_files()
        return super().write(vals)
