from odoo import models


class FollowupChainRecord(models.AbstractModel):
    """What an activity chain needs of the documents it runs on (opportunities and
    customer invoices). A model that chains may run on inherits it and overrides the
    hooks; ``followup.chain`` and ``followup.chain.run`` only call these."""

    _name = "followup.chain.record"
    _description = "Document an activity chain runs on"

    # ---- ACTIONS ----

    def action_start_followup_chain(self):
        return self.env["followup.chain.start.wizard"]._action_open(self)

    # ---- HOOKS ----

    def _get_followup_lead(self):
        """Hook: the opportunity of this document (an opportunity is its own)."""
        self.ensure_one()
        return self.env["crm.lead"]

    def _get_followup_salesperson(self):
        """Hook: the salesperson of this document, who gets the steps by default."""
        self.ensure_one()
        return self.env["res.users"]

    def _get_followup_amount(self):
        """Hook: the amount a chain's minimum amount is compared with."""
        self.ensure_one()
        return 0.0
