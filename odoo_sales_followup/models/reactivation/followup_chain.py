from odoo import fields, models


class FollowupChain(models.Model):
    _inherit = "followup.chain"

    trigger = fields.Selection(
        selection_add=[("reactivation", "Customer flagged for reactivation"), ("manual",)],
        ondelete={"reactivation": "set default"},
    )
