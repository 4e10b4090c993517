from odoo import api, fields, models


class ResPartnerLevelChange(models.Model):
    _inherit = "res.partner.level.change"

    event = fields.Selection(selection_add=[("referral", "Brought a referral")], ondelete={"referral": "cascade"})

    @api.model
    def _get_move_domain(self):
        # a referral is noted in the customer's history; it moves no level
        return [*super()._get_move_domain(), ("event", "!=", "referral")]

    @api.model
    def _note_referrals(self, leads):
        """Note in the history of the referrers of ``leads`` that they brought these leads,
        at the level they stand (a referrer without a level yet is not noted)."""
        vals_list = [
            {
                "partner_id": referrer.id,
                "level_from": referrer.relationship_level,
                "level_to": referrer.relationship_level,
                "event": "referral",
                "origin_model": "crm.lead",
                "origin_id": lead.id,
                "salesperson_id": referrer.user_id.id or lead.user_id.id,
                "team_id": (referrer.user_id or lead.user_id).sale_team_id.id,
                "company_id": lead.company_id.id or referrer.company_id.id,
            }
            for lead in leads
            if (referrer := lead.referrer_partner_id.commercial_partner_id).relationship_level
        ]
        # sudo: the history is a log written by the addon; salespeople only read it
        self.sudo().create(vals_list)

    @api.model
    def _forget_referrals(self, leads):
        """Remove the referral notes of ``leads`` (deleted, or recorded as another's referral)."""
        # sudo: the history is a log written by the addon; salespeople only read it
        self.sudo().search(
            [("event", "=", "referral"), ("origin_model", "=", "crm.lead"), ("origin_id", "in", leads.ids)]
        ).unlink()
