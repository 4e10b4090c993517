from odoo import api, fields, models
from odoo.tools import SQL

from .crm_lead import _wants_true


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_no_next_step = fields.Boolean(
        string="No next step before purchase",
        compute="_compute_followup_no_next_step",
        search="_search_followup_no_next_step",
        help="A new or active customer with no activity planned, on the customer or on one of its "
        "open opportunities, before its next expected purchase.",
    )

    def _compute_followup_no_next_step(self):
        real = [partner_id for partner_id in self.ids if isinstance(partner_id, int)]
        found = set(self._get_no_next_step_ids(real)) if real else set()
        for partner in self:
            partner.followup_no_next_step = partner.id in found

    @api.model
    def _search_followup_no_next_step(self, operator, value):
        return [("id", "in" if _wants_true(operator, value) else "not in", self._get_no_next_step_ids())]

    @api.model
    def _get_no_next_step_ids(self, partner_ids=None):
        """Ids of the customers expected to buy again (the levels' ``buying`` group: new
        and active customers), all or of ``partner_ids``, with no activity planned before
        their next expected purchase, in one query."""
        self.env["res.partner"].flush_model(["relationship_level", "next_purchase_date", "commercial_partner_id"])
        self.env["mail.activity"].flush_model(["res_model", "res_id", "date_deadline", "active"])
        self.env["crm.lead"].flush_model(["partner_id", "active"])
        rows = self.env.execute_query(
            SQL(
                """SELECT partner.id
                     FROM res_partner partner
                    WHERE partner.active
                      AND partner.id = partner.commercial_partner_id
                      AND %s
                      AND (%s IS NULL OR partner.id = ANY(%s))
                      AND NOT EXISTS (
                          SELECT 1 FROM mail_activity activity
                       LEFT JOIN crm_lead lead
                              ON activity.res_model = 'crm.lead' AND lead.id = activity.res_id AND lead.active
                       LEFT JOIN res_partner contact ON contact.id = lead.partner_id
                           WHERE activity.active
                             AND (activity.date_deadline <= partner.next_purchase_date
                                  OR partner.next_purchase_date IS NULL)
                             AND ((activity.res_model = 'res.partner' AND activity.res_id = partner.id)
                                  OR contact.commercial_partner_id = partner.id))""",
                self.env["res.partner"]._get_level_condition("buying"),
                None if partner_ids is None else True,
                partner_ids or [],
            )
        )
        return [row[0] for row in rows]

    def _get_followup_responsible(self):
        """Hook: who gets the to-do of a customer without a next step: its salesperson
        (empty: nobody; a customer has no sales team of its own)."""
        self.ensure_one()
        return self.user_id
