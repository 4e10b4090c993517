from odoo import models


class CrmLead(models.Model):
    """The chains hear the signatures of the opportunities' documents. Imported after the
    contract (``models/__init__.py``), which defines the hook, so that this override runs."""

    _inherit = "crm.lead"

    def _on_followup_document_signed(self, documents):
        result = super()._on_followup_document_signed(documents)
        self.env["followup.chain.run"]._on_documents_signed(self, documents)
        return result
