from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "followup.engine.fields.mixin"]
    _followup_engine_fields = ("referral_deal_id",)

    referrer_partner_id = fields.Many2one(
        "res.partner",
        string="Referred by customer",
        tracking=True,
        check_company=True,
        index="btree_not_null",
        copy=False,
        help="The customer who recommended us to this lead. Their latest won deal meets the Recommendation "
        "criterion, and the lead counts in the Referrals report.",
    )
    referral_deal_id = fields.Many2one(
        "crm.lead",
        string="Recommendation met on",
        compute="_compute_referral_deal_id",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The referrer's latest won deal when the referral was recorded: this lead meets its "
        "Recommendation criterion.",
    )
    referral_count = fields.Integer(related="partner_id.referral_count")

    @api.depends("referrer_partner_id")
    def _compute_referral_deal_id(self):
        referrers = self.referrer_partner_id.commercial_partner_id
        deals = self.browse()
        if referrers:
            # sudo: the referrer's won deal may be another salesperson's; only its id is kept
            deals = (
                self.sudo()
                .search(
                    [
                        ("partner_id", "child_of", referrers.ids),
                        ("type", "=", "opportunity"),
                        ("stage_id.is_won", "=", True),
                    ],
                    order="date_closed desc, id desc",
                )
                .with_env(self.env)
            )
        for lead in self:
            referrer = lead.referrer_partner_id.commercial_partner_id
            lead.referral_deal_id = next(
                (
                    deal
                    for deal in deals
                    if deal.partner_id.commercial_partner_id == referrer
                    and deal.id != lead._origin.id
                    and (not lead.company_id or not deal.company_id or deal.company_id == lead.company_id)
                ),
                self.browse(),
            )

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        referred = leads.filtered("referrer_partner_id")
        if referred:
            referred._on_referral_changed(self.browse())
        return leads

    def write(self, vals):
        if "referrer_partner_id" not in vals:
            return super().write(vals)
        before = {lead.id: lead.referral_deal_id for lead in self}
        result = super().write(vals)
        self._on_referral_changed(self.browse().union(*before.values()))
        return result

    def unlink(self):
        referred = self.filtered("referrer_partner_id")
        deals = referred.referral_deal_id
        result = super().unlink()
        if referred:
            self.env["res.partner.level.change"]._forget_referrals(referred)
            if deals.exists():
                self._queue_criteria_updates(document_lead_ids=deals.exists().ids)
        return result

    # ---- ACTIONS ----

    def action_new_referral(self):
        """A new lead referred by this deal's customer, e.g. named during the after-sale call."""
        self.ensure_one()
        return self.partner_id._get_new_referral_action()

    def action_view_referrals(self):
        self.ensure_one()
        return self.partner_id.action_view_referrals()

    # ---- REFERRALS ----

    def _on_referral_changed(self, previous_deals):
        """These leads got a referrer (or another one): note it in the referrer's history, and
        bring up to date the Recommendation of the deals they credit now and of ``previous_deals``."""
        history = self.env["res.partner.level.change"]
        history._forget_referrals(self)
        history._note_referrals(self.filtered("referrer_partner_id"))
        deals = previous_deals | self.referral_deal_id
        if deals:
            self._queue_criteria_updates(document_lead_ids=deals.ids)

    def _get_criteria_facts(self):
        facts = super()._get_criteria_facts()
        # sudo: a referral is a fact whoever's lead it is, lost ones included
        referrals = (
            self.sudo().with_context(active_test=False).search([("referral_deal_id", "in", self.ids)], order="id")
        )
        for referral in referrals:
            facts[referral.referral_deal_id.id].setdefault("referral", referral)
        return facts
