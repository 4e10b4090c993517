from odoo import api, fields, models
from odoo.tools.misc import clean_context


class FollowupContractPrepareWizard(models.TransientModel):
    _name = "followup.contract.prepare.wizard"
    _description = "Prepare a contract"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade")
    document_kind = fields.Selection(
        [("contract", "Contract"), ("act", "Act of completed work")], string="Kind", required=True, default="contract"
    )
    allowed_template_ids = fields.Many2many("followup.contract.template", compute="_compute_allowed_template_ids")
    template_id = fields.Many2one(
        "followup.contract.template",
        string="Template",
        compute="_compute_template_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', allowed_template_ids)]",
        help="The contract is written entirely in the template's language.",
    )
    lang = fields.Selection(related="template_id.lang", string="Language")
    reason = fields.Char(string="Why this template", compute="_compute_reason")

    @api.depends("lead_id", "document_kind")
    def _compute_allowed_template_ids(self):
        for wizard in self:
            company = wizard.lead_id.company_id or self.env.company
            wizard.allowed_template_ids = (
                self.env["followup.contract.template"]
                .with_company(company)
                ._get_templates_for_lead(wizard.lead_id, wizard.document_kind)
            )

    @api.depends("lead_id", "document_kind")
    def _compute_template_id(self):
        for wizard in self:
            company = wizard.lead_id.company_id or self.env.company
            wizard.template_id = (
                self.env["followup.contract.template"]
                .with_company(company)
                ._find_for_lead(wizard.lead_id, wizard.document_kind)
            )

    @api.depends("lead_id", "document_kind", "template_id")
    def _compute_reason(self):
        for wizard in self:
            company = wizard.lead_id.company_id or self.env.company
            found, reason = (
                self.env["followup.contract.template"]
                .with_company(company)
                ._find_for_lead_with_reason(wizard.lead_id, wizard.document_kind)
            )
            if not wizard.template_id:
                wizard.reason = False
            elif wizard.template_id == found:
                wizard.reason = reason
            else:
                wizard.reason = self.env._("chosen by hand")

    def action_prepare(self):
        self.ensure_one()
        template = self.template_id
        chosen = template if template != self._origin_template() else None
        # the window's defaults (default_lead_id) are not the contract's nor its files'
        lead = self.lead_id.with_env(self.env(context=clean_context(self.env.context)))
        if self.document_kind == "act":
            return lead._action_prepare_act(template=chosen)
        return lead._action_prepare_contract(template=chosen)

    def _origin_template(self):
        """The template the opportunity would use when the user changes nothing."""
        company = self.lead_id.company_id or self.env.company
        return (
            self.env["followup.contract.template"]
            .with_company(company)
            ._find_for_lead(self.lead_id, self.document_kind)
        )
