from odoo import _, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    referral_count = fields.Integer(string="Referrals", compute="_compute_referral_count")

    def _compute_referral_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("referrer_partner_id", "child_of", commercial.ids)], ["referrer_partner_id"], ["__count"])
        )
        by_commercial = {}
        for referrer, count in counts.items():
            key = referrer.commercial_partner_id
            by_commercial[key] = by_commercial.get(key, 0) + count
        for partner in self:
            partner.referral_count = by_commercial.get(partner.commercial_partner_id, 0)

    # ---- ACTIONS ----

    def action_new_referral(self):
        """A new lead referred by this customer."""
        self.ensure_one()
        return self._get_new_referral_action()

    def action_view_referrals(self):
        """The leads and opportunities this customer (and its contacts) referred, lost ones included."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(
            name=_("Referrals of %(customer)s", customer=self.commercial_partner_id.display_name),
            domain=[("referrer_partner_id", "child_of", self.commercial_partner_id.id)],
            context={"active_test": False, "default_referrer_partner_id": self.id},
        )
        return action

    # ---- REFERRALS ----

    def _get_new_referral_action(self):
        """The form of a new lead referred by this customer: who else could use what we sold."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("New referral"),
            "res_model": "crm.lead",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_referrer_partner_id": self.id,
                "default_referred": self.display_name,
                "default_user_id": self.env.user.id,
            },
        }
