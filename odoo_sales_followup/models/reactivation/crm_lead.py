from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, index_exists

from .. import before_commit

#: Key of the confirmed orders that may reactivate customers, in ``cr.precommit.data``.
PENDING_REACTIVATIONS = "odoo_sales_followup.reactivation_orders"


class CrmLead(models.Model):
    _inherit = "crm.lead"

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

    def init(self):
        super().init()
        # One open reactivation opportunity per customer and company, even with two scans at once.
        if not index_exists(self.env.cr, "crm_lead_followup_reactivation_open_uniq"):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX crm_lead_followup_reactivation_open_uniq"
                    " ON %s (partner_id, company_id) WHERE reactivation_open",
                    SQL.identifier(self._table),
                )
            )

    @api.depends("is_reactivation", "active", "stage_id.is_won")
    def _compute_reactivation_open(self):
        for lead in self:
            lead.reactivation_open = lead.is_reactivation and lead.active and not lead.stage_id.is_won

    # ---- CRUD ----

    def write(self, vals):
        if {"active", "stage_id"} & vals.keys():
            self._check_reopened_reactivations(vals)
        return super().write(vals)

    # ---- ACTIONS ----

    def action_set_lost(self, **additional_values):
        reactivations = self.filtered("is_reactivation")
        if reactivations:
            reason = self.env["crm.lost.reason"].browse(additional_values.get("lost_reason_id"))
            if not reason.is_churn_reason:
                raise UserError(
                    _(
                        "Choose a churn reason to close the reactivation opportunities %(leads)s: "
                        "knowing why customers leave is the point of calling them.",
                        leads=", ".join(reactivations.mapped("name")),
                    )
                )
        result = super().action_set_lost(**additional_values)
        for team in reactivations.team_id:
            # The lost opportunities land in the team's folded "Not reactivated" stage.
            stage = self.env["crm.stage"].search(
                [("team_id", "=", team.id), ("fold", "=", True), ("is_won", "=", False)], limit=1
            )
            if stage:
                reactivations.filtered(lambda lead, team=team: lead.team_id == team).stage_id = stage
        return result

    # ---- REACTIVATION ----

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
        order_ids = before_commit.take(self.env, PENDING_REACTIVATIONS, set())
        # sudo: whoever confirms the order closes the opportunity, even one of a team they do not see.
        orders = self.env["sale.order"].sudo().browse(order_ids).exists().filtered(lambda o: o.state == "sale")
        if not orders:
            return
        leads = self.sudo().search(
            [
                ("reactivation_open", "=", True),
                ("partner_id.commercial_partner_id", "in", orders.partner_id.commercial_partner_id.ids),
            ]
        )
        won = self.sudo()
        bodies = {}
        for lead in leads:
            order = orders.filtered(
                lambda o, lead=lead: o.company_id == lead.company_id
                and o.partner_id.commercial_partner_id == lead.partner_id.commercial_partner_id
            )[:1]
            if order:
                won |= lead
                bodies[lead.id] = self.env._("Reactivated: the customer confirmed %(order)s.", order=order.name)
        if not won:
            return
        try:
            with self.env.cr.savepoint():
                won.action_set_won()
        except UserError:
            # Success criteria required to win are missing on some: win the others, and say
            # on those why they stay open, rather than fail the confirmation of the order.
            for lead in won:
                try:
                    with self.env.cr.savepoint():
                        lead.action_set_won()
                except UserError as error:
                    bodies[lead.id] = self.env._(
                        "The customer bought again, but the opportunity stays open: %(reason)s",
                        reason=str(error),
                    )
        won._message_log_batch(bodies=bodies)
        self.env.flush_all()
