from odoo import fields, models


class FollowupChain(models.Model):
    """The levels' chain trigger: a customer moved to a level (``res.partner.
    _on_relationship_levels_changed``). Loaded after the chains (``models/__init__.py``)."""

    _inherit = "followup.chain"

    trigger = fields.Selection(
        selection_add=[("level", "Customer moved to a level"), ("manual",)],
        ondelete={"level": "set default"},
    )
    partner_level = fields.Selection(
        help="Only customers at this relationship level (any if empty). With the trigger “Customer moved "
        "to a level”, the level the customer moved to; the chain runs on the customer's latest open "
        "opportunity."
    )
