from odoo import api, fields, models

from ...tools import LEVEL_SELECTION

EVENT_SELECTION = [
    ("initial", "Installation"),
    ("recompute", "Recomputation"),
    ("scheduled", "Time passed"),
    ("quotation", "Quotation created"),
    ("order_confirmed", "Order confirmed"),
    ("order_cancelled", "Order cancelled"),
    ("order_changed", "Order changed"),
    ("invoice_posted", "Invoice posted"),
    ("invoice_cancelled", "Invoice cancelled or reset"),
    ("invoice_changed", "Invoice changed"),
    ("lead", "Lead or opportunity"),
    ("activity_done", "Activity done"),
]

ORIGIN_MODELS = [
    ("sale.order", "Sales Order"),
    ("account.move", "Invoice"),
    ("crm.lead", "Lead/Opportunity"),
    ("res.partner", "Contact"),
]


class ResPartnerLevelChange(models.Model):
    _name = "res.partner.level.change"
    _description = "Relationship level change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    level_from = fields.Selection(LEVEL_SELECTION, string="From level", readonly=True)
    level_to = fields.Selection(LEVEL_SELECTION, string="To level", required=True, readonly=True, index=True)
    event = fields.Selection(EVENT_SELECTION, required=True, readonly=True, index=True)
    origin_model = fields.Char(string="Cause model", readonly=True)
    origin_id = fields.Many2oneReference(string="Cause ID", model_field="origin_model", readonly=True)
    origin_ref = fields.Reference(ORIGIN_MODELS, string="Caused by", compute="_compute_origin_ref")
    user_id = fields.Many2one("res.users", string="Changed by", readonly=True, default=lambda self: self.env.user)
    salesperson_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    @api.depends("origin_model", "origin_id")
    def _compute_origin_ref(self):
        for change in self:
            origin_ok = change.origin_model in self.env and change.origin_id
            change.origin_ref = f"{change.origin_model},{change.origin_id}" if origin_ok else False

    @api.model
    def _get_move_domain(self):
        """Hook: the domain of the history lines that are moves of a level. A capability that
        notes a fact in the history without a move (a referral) leaves its lines out of what
        counts moves (the digests)."""
        return []

    @api.depends("partner_id", "level_from", "level_to")
    def _compute_display_name(self):
        labels = dict(self._fields["level_to"]._description_selection(self.env))
        for change in self:
            change.display_name = "{}: {} → {}".format(
                change.partner_id.display_name,
                labels.get(change.level_from, "-"),
                labels.get(change.level_to),
            )
