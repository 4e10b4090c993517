from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_prepare_contract(self):
        """Prepare the contract of this quotation's opportunity from this quotation."""
        self.ensure_one()
        if not self.opportunity_id:
            raise UserError(
                _("Quotation %(order)s has no opportunity: a contract is prepared on an opportunity.", order=self.name)
            )
        # the form's defaults (default_type...) are not the contract's nor its files'
        lead = self.opportunity_id.with_context(clean_context(self.env.context))
        return lead._action_prepare_contract(order=self.with_context(clean_context(self.env.context)))
