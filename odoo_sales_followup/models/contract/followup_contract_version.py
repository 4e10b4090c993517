from odoo import fields, models


class FollowupContractVersion(models.Model):
    _name = "followup.contract.version"
    _description = "Contract version"
    _order = "contract_id, number desc, id desc"
    _rec_name = "number"

    contract_id = fields.Many2one("followup.contract", string="Contract", required=True, index=True, ondelete="cascade")
    number = fields.Integer(string="Version", readonly=True)
    origin = fields.Selection([("prepared", "Prepared"), ("uploaded", "Uploaded")], readonly=True, default="prepared")
    docx_attachment_id = fields.Many2one("ir.attachment", string="Document (DOCX)", readonly=True)
    pdf_attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True)
    template_id = fields.Many2one("followup.contract.template", string="Template", readonly=True)
    # cascade: the version goes with its opportunity (a "set null" would update a row its
    # contract's own cascade deletes in the same statement)
    lead_id = fields.Many2one(related="contract_id.lead_id", store=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
