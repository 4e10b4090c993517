from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["crm.lead"]._queue_criteria_updates(order_ids=orders.filtered("opportunity_id").ids)
        return orders

    def write(self, vals):
        previous_leads = self.opportunity_id if "opportunity_id" in vals else self.env["crm.lead"]
        result = super().write(vals)
        if {"state", "signed_on", "opportunity_id"} & vals.keys():
            self.env["crm.lead"]._queue_criteria_updates(document_lead_ids=previous_leads.ids, order_ids=self.ids)
        return result

    def unlink(self):
        # A deleted quotation may have met "Proposal accepted" (signed online): its deal no longer shows it.
        leads = self.opportunity_id
        result = super().unlink()
        if leads:
            self.env["crm.lead"]._queue_criteria_updates(document_lead_ids=leads.ids)
        return result

    def _compute_amounts(self):
        result = super()._compute_amounts()
        # A confirmed order edited: whether its deal is paid in full may change.
        edited = self.filtered(
            lambda order: isinstance(order.id, int) and order.state == "sale" and order.opportunity_id
        )
        if edited:
            self.env["crm.lead"]._queue_criteria_updates(order_ids=edited.ids)
        return result
