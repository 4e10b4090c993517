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
        order = self.with_env(self.env(context=clean_context(self.env.context)))
        return order.opportunity_id._action_prepare_contract(order=order)
