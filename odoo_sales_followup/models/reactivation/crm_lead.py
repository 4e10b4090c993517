from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext, index_exists

from .. import before_commit

#: Key of the confirmed orders that may reactivate customers, in ``cr.precommit.data``.
PENDING_REACTIVATIONS = "odoo_sales_followup.reactivation_orders"

#: Facts of a reactivation opportunity: only the scan sets them (in superuser mode).
REACTIVATION_FACTS = (
    "is_reactivation",
    "reactivation_open",
    "reactivation_last_purchase_date",
    "reactivation_interval_days",
    "reactivation_days_overdue",
)

#: Opportunities a refusal names at most.
NAMES_SHOWN = 5


def _names(records):
    names = list(dict.fromkeys(records.mapped("display_name")))
    return ", ".join(names[:NAMES_SHOWN]) + (", …" if len(names) > NAMES_SHOWN else "")


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "followup.engine.fields.mixin"]
    _followup_engine_fields = REACTIVATION_FACTS

    is_reactivation = fields.Boolean(
        string="Reactivation",
        readonly=True,
        copy=False,
        help="Created by the reactivation scan for a customer who stopped buying.",
    )
    reactivation_open = fields.Boolean(
        string="Open reactivation",
        compute="_compute_reactivation_open",
        store=True,
        help="A reactivation opportunity neither won nor lost: the scan adds no other one for the customer.",
    )
    reactivation_last_purchase_date = fields.Date(string="Last purchase before reactivation", readonly=True, copy=False)
    reactivation_interval_days = fields.Integer(string="Usual interval (days)", readonly=True, copy=False)
    reactivation_days_overdue = fields.Integer(
        string="Days overdue",
        readonly=True,
        copy=False,
        help="Days past the customer's usual purchase interval when the scan flagged them.",
    )

    reactivation_call_script = fields.Text(
        string="Call script",
        compute="_compute_reactivation_call_script",
        help="The script of the reactivation call: the default note of the activity type Reactivation call.",
    )

    def init(self):
        result = super().init()
        # One open reactivation opportunity per customer and company, even with two scans at once.
        if not index_exists(self.env.cr, "crm_lead_followup_reactivation_open_uniq"):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX crm_lead_followup_reactivation_open_uniq"
                    " ON %s (partner_id, company_id) WHERE reactivation_open",
                    SQL.identifier(self._table),
                )
            )
        return result

    @api.depends("is_reactivation", "active", "stage_id.is_won")
    def _compute_reactivation_open(self):
        for lead in self:
            lead.reactivation_open = lead.is_reactivation and lead.active and not lead.stage_id.is_won

    def _pls_get_naive_bayes_probabilities(self, batch_mode=False):
        # A reactivation opportunity keeps the probability its team starts it at: Odoo's
        # predictive lead scoring learnt from ordinary deals and would give a dormant
        # customer's call-back the odds of a hot lead. Left unscored, crm neither
        # recomputes its probability on a write nor in its daily job; winning and losing
        # still set 100 and 0.
        return super(CrmLead, self - self.filtered("is_reactivation"))._pls_get_naive_bayes_probabilities(
            batch_mode=batch_mode
        )

    @api.depends("is_reactivation")
    @api.depends_context("lang")
    def _compute_reactivation_call_script(self):
        activity_type = self.env.ref(
            "odoo_sales_followup.mail_activity_type_reactivation_call", raise_if_not_found=False
        )
        script = html2plaintext(activity_type.default_note or "") if activity_type else ""
        for lead in self:
            lead.reactivation_call_script = script if lead.is_reactivation else False

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # The pipeline of a reactivation team shows its own stages only, in their order
        # (crm adds Odoo's shared ones); a stage holding opportunities always shows.
        team_id = self.env.context.get("default_team_id")
        team = self.env["crm.team"].browse(team_id if isinstance(team_id, int) else ())
        if not team or not team._is_reactivation_team():
            return super()._read_group_stage_ids(stages, domain)
        stage_ids = stages.sudo()._search(
            ["|", ("id", "in", stages.ids), ("team_id", "=", team.id)], order=stages._order
        )
        return stages.browse(stage_ids)

    # ---- CRUD ----

    def write(self, vals):
        if {"active", "stage_id"} & vals.keys():
            self._check_reopened_reactivations(vals)
        lost = self._check_reactivation_lost(vals) if {"active", "lost_reason_id"} & vals.keys() else self.browse()
        result = super().write(vals)
        if lost:
            lost._reactivation_move_to_lost_stage()
        return result

    # ---- ACTIONS ----

    @api.model
    def action_open_reactivation_pipeline(self):
        """The reactivation pipeline of the current company: its heads (Sales
        administrators, the team's leader) see the whole team's, a member their own."""
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_reactivation_pipeline")
        team = self.env.company.reactivation_team_id
        context = {"default_type": "opportunity"}
        if team:
            context["default_team_id"] = team.id
        user = self.env.user
        if not user.has_group("sales_team.group_sale_manager") and user != team.user_id:
            context["search_default_assigned_to_me"] = 1
        action["context"] = context
        return action

    def action_set_lost(self, **additional_values):
        reactivations = self.filtered("is_reactivation")
        if reactivations:
            reason = self.env["crm.lost.reason"].browse(additional_values.get("lost_reason_id"))
            reactivations._check_churn_reason(reason)
            # The churn reason before the archiving: a reactivation opportunity is never
            # lost without one, whatever the way (this action, archiving, a write).
            reactivations.filtered("active").write({"lost_reason_id": reason.id})
        return super().action_set_lost(**additional_values)

    # ---- REACTIVATION ----

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        if not set(fnames) <= set(REACTIVATION_FACTS):
            return super()._get_followup_engine_refusal(fnames, names)
        return _(
            "%(leads)s: %(fields)s cannot be set by hand; only the reactivation scan sets them, "
            "on the opportunities it creates.",
            leads=self._format_followup_engine_names(names, _("New opportunity")),
            fields=self._format_followup_engine_labels(fnames),
        )

    def _check_churn_reason(self, reason):
        """Refuse to close these reactivation opportunities without a churn reason."""
        if not reason:
            raise UserError(
                _(
                    "Choose a churn reason to close the reactivation opportunities %(leads)s: "
                    "knowing why customers leave is the point of calling them.",
                    leads=_names(self),
                )
            )
        if not reason.is_churn_reason:
            raise UserError(
                _(
                    "%(reason)s is not a churn reason: choose a churn reason to close the reactivation "
                    "opportunities %(leads)s.",
                    reason=reason.display_name,
                    leads=_names(self),
                )
            )

    def _check_reactivation_lost(self, vals):
        """Refuse to leave a reactivation opportunity lost (archived) without a churn
        reason, before anything is written; return those this write loses."""
        reactivations = self.filtered(lambda lead: lead.is_reactivation and not vals.get("active", lead.active))
        if not reactivations:
            return self.browse()
        if "lost_reason_id" in vals:
            reactivations._check_churn_reason(self.env["crm.lost.reason"].browse(vals["lost_reason_id"]))
        else:
            for reason, leads in reactivations.grouped("lost_reason_id").items():
                leads._check_churn_reason(reason)
        return reactivations.filtered("active")

    def _reactivation_move_to_lost_stage(self):
        """Move these lost reactivation opportunities to their team's folded, not won
        stage ("Not reactivated"): one query for every team."""
        stages = self.env["crm.stage"].search(
            [("team_id", "in", self.team_id.ids), ("fold", "=", True), ("is_won", "=", False)], order="sequence, id"
        )
        lost_stage = {}
        for stage in stages:
            lost_stage.setdefault(stage.team_id, stage)
        by_stage = defaultdict(lambda: self.browse())
        for lead in self:
            stage = lost_stage.get(lead.team_id)
            if stage and lead.stage_id != stage:
                by_stage[stage] |= lead
        for stage, leads in by_stage.items():
            # With its probability (0, lost) in the values, crm keeps the closing date the
            # loss has just set: a move to a stage that is not won would empty it, and the
            # churn analysis groups by it.
            leads.write({"stage_id": stage.id, "probability": 0})

    def _check_reopened_reactivations(self, vals):
        """Refuse to reopen (restore, or move out of won) a reactivation opportunity whose
        customer already has an open one, with a message rather than the database's error."""
        stage = self.env["crm.stage"].browse(vals["stage_id"]) if "stage_id" in vals else None
        reopened = self.filtered(
            lambda lead: lead.is_reactivation
            and not lead.reactivation_open
            and vals.get("active", lead.active)
            and not (stage if stage is not None else lead.stage_id).is_won
        )
        if not reopened:
            return
        # sudo: the open one may belong to a caller this user does not see
        others = self.sudo().search(
            [
                ("reactivation_open", "=", True),
                ("partner_id", "in", reopened.partner_id.ids),
                ("id", "not in", reopened.ids),
            ]
        )
        open_pairs = {(lead.partner_id.id, lead.company_id.id) for lead in others}
        clash = reopened.filtered(lambda lead: (lead.partner_id.id, lead.company_id.id) in open_pairs)
        if clash:
            raise UserError(
                _(
                    "An open reactivation opportunity already exists for %(customers)s: close it before "
                    "reopening this one.",
                    customers=", ".join(clash.partner_id.mapped("display_name")),
                )
            )

    @api.model
    def _reactivation_queue_orders(self, orders):
        """Mark the customers' open reactivation opportunities won once the
        transaction confirming these orders commits (see ``_reactivation_close_won``)."""
        if not orders:
            return
        before_commit.collect(self.env, PENDING_REACTIVATIONS, self._reactivation_close_won).update(orders.ids)

    @api.model
    def _reactivation_close_won(self):
        """Before commit: win the open reactivation opportunities of the customers who
        confirmed an order. Only a refusal to win (UserError, e.g. success criteria
        missing) is caught; a failure of the database fails the transaction, and Odoo
        retries the request."""
        order_ids = before_commit.take(self.env, PENDING_REACTIVATIONS, set())
        # sudo: whoever confirms the order closes the opportunity, even one of a team they do not see.
        orders = self.env["sale.order"].sudo().browse(order_ids).exists().filtered(lambda o: o.state == "sale")
        if not orders:
            return
        # A customer whose commercial partner is empty (as SQL imports leave it) is its own.
        commercial_ids = list({(partner.commercial_partner_id or partner).id for partner in orders.partner_id})
        leads = self.sudo().search(
            [
                ("reactivation_open", "=", True),
                "|",
                ("partner_id.commercial_partner_id", "in", commercial_ids),
                ("partner_id", "in", commercial_ids),
            ]
        )
        orders_by_key = {}
        for order in orders:
            key = (order.company_id, order.partner_id.commercial_partner_id or order.partner_id)
            orders_by_key.setdefault(key, order)
        won = self.sudo()
        bodies = {}
        for lead in leads:
            order = orders_by_key.get((lead.company_id, lead.partner_id.commercial_partner_id or lead.partner_id))
            if order:
                won |= lead
                bodies[lead.id] = self.env._("Reactivated: the customer confirmed %(order)s.", order=order.name)
        if not won:
            return
        # Success criteria required to win may be missing on some: they stay open with a note
        # saying why, rather than fail the confirmation of the order.
        refused = won._followup_move_or_note("won", self.env._("The customer bought again"))
        won -= won.browse([lead.id for lead in refused])
        if won:
            won._message_log_batch(bodies={lead.id: bodies[lead.id] for lead in won})
        self.env.flush_all()
