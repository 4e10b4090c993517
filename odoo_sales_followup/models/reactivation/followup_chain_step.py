from odoo import fields, models


class FollowupChainStep(models.Model):
    _inherit = "followup.chain.step"

    responsible = fields.Selection(
        selection_add=[("reactivation", "Reactivation team's assignee")],
        ondelete={"reactivation": "set default"},
    )
