import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import before_commit

_logger = logging.getLogger(__name__)

#: Key of the opportunities, orders and invoices whose criteria to bring up to date at the end
#: of the transaction, in ``cr.precommit.data``.
PENDING_CRITERIA = "odoo_sales_followup.criteria_updates"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    criterion_line_ids = fields.One2many("crm.lead.criterion", "lead_id", string="Success criteria", copy=False)
    criteria_count = fields.Integer(compute="_compute_criteria_progress", store=True)
    criteria_met_count = fields.Integer(string="Criteria met", compute="_compute_criteria_progress", store=True)
    criteria_progress = fields.Float(
        string="Criteria progress", compute="_compute_criteria_progress", store=True, aggregator="avg"
    )
    criteria_missing_ids = fields.Many2many(
        "crm.success.criterion",
        string="Missing criteria",
        compute="_compute_criteria_missing_ids",
        search="_search_criteria_missing_ids",
    )

    @api.depends("criterion_line_ids.is_met")
    def _compute_criteria_progress(self):
        for lead in self:
            lines = lead.criterion_line_ids
            lead.criteria_count = len(lines)
            lead.criteria_met_count = len(lines.filtered("is_met"))
            lead.criteria_progress = 100.0 * lead.criteria_met_count / len(lines) if lines else 0.0

    @api.depends("criterion_line_ids.is_met")
    def _compute_criteria_missing_ids(self):
        for lead in self:
            lead.criteria_missing_ids = lead.criterion_line_ids.filtered(lambda line: not line.is_met).criterion_id

    def _search_criteria_missing_ids(self, operator, value):
        return [("criterion_line_ids", "any", [("criterion_id", operator, value), ("is_met", "=", False)])]

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        opportunities = leads.filtered(lambda lead: lead.type == "opportunity")
        opportunities._add_checklist_lines()
        opportunities._check_criteria_gates()
        return leads

    def write(self, vals):
        moving = self.browse()
        if "stage_id" in vals:
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            moving = self.filtered(lambda lead: lead.stage_id != stage)
        result = super().write(vals)
        if {"type", "team_id"} & vals.keys():
            self._queue_criteria_updates(lead_ids=self.ids)
        if "stage_id" in vals:
            moving._check_criteria_gates()
        return result

    # ---- ACTIONS ----

    def action_open_criteria_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Override criteria"),
            "res_model": "crm.lead.criteria.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    # ---- HOOKS ----

    def _on_criteria_met(self, lines):
        """Hook: the automatic rules just met ``lines`` (criterion lines of these
        opportunities). Other capabilities override it to act on a fact, e.g. the
        after-sale call planned once a deal is paid in full."""

    # ---- SUCCESS CRITERIA ----

    def _add_checklist_lines(self):
        """List on these opportunities the criteria of their team that they do not list yet."""
        groups = defaultdict(lambda: self.browse())
        for lead in self:
            groups[lead.team_id, lead.company_id or self.env.company] += lead
        vals_list = []
        for (team, company), leads in groups.items():
            criteria = team._get_checklist_criteria(company)
            for lead in leads:
                missing = criteria - lead.criterion_line_ids.criterion_id
                vals_list += [{"lead_id": lead.id, "criterion_id": criterion.id} for criterion in missing]
        if vals_list:
            self.env["crm.lead.criterion"].sudo().create(vals_list)

    def _get_required_criteria(self):
        """The criteria this opportunity must meet to be in its current stage."""
        self.ensure_one()
        required = self.stage_id.required_criterion_ids
        if self.stage_id.is_won:
            required |= self.team_id.won_criterion_ids
        return required.filtered(lambda criterion: criterion.company_id in (self.company_id, self.company_id.browse()))

    def _check_criteria_gates(self):
        """Refuse stages (and "won") whose required criteria these opportunities have not met.

        A sales administrator moving them with ``followup_criteria_override`` (a reason) in the
        context passes when the team allows it; the reason is logged on the opportunity.
        """
        required = {
            lead: criteria
            for lead in self.filtered(lambda lead: lead.stage_id.required_criterion_ids or lead.stage_id.is_won)
            if (criteria := lead._get_required_criteria())
        }
        if not required:
            return
        if self.env.cr.precommit.data.get(PENDING_CRITERIA):
            # facts of this very transaction (an order confirmed just before) count
            self.env["crm.lead"].sudo()._apply_pending_criteria_updates()
        missing = {}
        for lead, criteria in required.items():
            lacking = criteria - lead.criterion_line_ids.filtered("is_met").criterion_id
            if lacking:
                missing[lead] = lacking
        if not missing:
            return
        reason = self.env.context.get("followup_criteria_override")
        may_override = self.env.user.has_group("sales_team.group_sale_manager") and all(
            lead.team_id.criteria_override or not lead.team_id for lead in missing
        )
        if reason and may_override:
            for lead, lacking in missing.items():
                lead._message_log(
                    body=_(
                        "Moved to %(stage)s without %(criteria)s by %(user)s. Reason: %(reason)s",
                        stage=lead.stage_id.name,
                        criteria=", ".join(lacking.mapped("name")),
                        user=self.env.user.name,
                        reason=reason,
                    )
                )
            return
        lines = []
        for lead, lacking in missing.items():
            names = ", ".join(lacking.mapped("name"))
            if lead.stage_id.is_won:
                lines.append(
                    _('"%(lead)s" cannot be marked won: missing %(criteria)s.', lead=lead.name, criteria=names)
                )
            else:
                lines.append(
                    _(
                        '"%(lead)s" cannot move to stage "%(stage)s": missing %(criteria)s.',
                        lead=lead.name,
                        stage=lead.stage_id.name,
                        criteria=names,
                    )
                )
        if any(lead.team_id.criteria_override or not lead.team_id for lead in missing):
            lines.append(_("A sales administrator can move it anyway with Override criteria, giving a reason."))
        raise UserError("\n".join(lines))

    def _queue_criteria_updates(self, lead_ids=(), order_ids=(), move_ids=()):
        """Bring the criteria of these documents' opportunities up to date at the end of the transaction.

        Like the levels, the work is collected and done once per transaction, set-based, after
        Odoo's own flush: a write never waits for it.
        """
        # sudo: the automatic rules act on every document of the opportunity, whoever's action it follows
        pending = before_commit.collect(
            self.env,
            PENDING_CRITERIA,
            self.env["crm.lead"].sudo()._apply_pending_criteria_updates,
            lambda: {"leads": set(), "orders": set(), "moves": set()},
        )
        pending["leads"].update(lead_ids)
        pending["orders"].update(order_ids)
        pending["moves"].update(move_ids)

    def _apply_pending_criteria_updates(self):
        pending = before_commit.take(self.env, PENDING_CRITERIA)
        if not pending:
            return
        self.env.flush_all()
        orders = self.env["sale.order"].browse(pending["orders"])
        if pending["moves"]:
            orders |= self.env["account.move"].browse(pending["moves"]).exists().line_ids.sale_line_ids.order_id
        leads = (self.browse(pending["leads"]) | orders.exists().opportunity_id).exists()
        leads = leads.filtered(lambda lead: lead.type == "opportunity")
        if not leads:
            return
        try:
            with self.env.cr.savepoint():
                leads._add_checklist_lines()
                leads._update_automatic_criteria()
                self.env.flush_all()
        except Exception:
            # An unexpected fact must never fail the user's action: the checklist keeps its state.
            _logger.exception("Success criteria of opportunities %s could not be updated", leads.ids)

    def _update_automatic_criteria(self):
        """Meet, or no longer meet, the automatic criteria from the opportunities' documents."""
        lines = self.criterion_line_ids.filtered(lambda line: line.rule != "manual")
        if not lines:
            return
        facts = self._get_criteria_facts()
        to_meet = defaultdict(lambda: self.env["crm.lead.criterion"])
        to_unmeet = self.env["crm.lead.criterion"]
        for line in lines:
            document = facts[line.lead_id.id].get(line.rule)
            if document and not line.is_met:
                to_meet[document] |= line
            elif not document and line.is_met and line.met_origin:
                to_unmeet |= line
        auto = {"followup_criteria_auto": True}
        now = fields.Datetime.now()
        for document, met in to_meet.items():
            met.with_context(**auto).write(
                {
                    "is_met": True,
                    "met_date": now,
                    "met_user_id": self.env.uid,
                    "met_origin": f"{document._name},{document.id}",
                }
            )
        to_unmeet.with_context(**auto).write(
            {"is_met": False, "met_date": False, "met_user_id": False, "met_origin": False}
        )
        met = self.env["crm.lead.criterion"].concat(*to_meet.values())
        if met:
            met.lead_id._on_criteria_met(met)

    def _get_criteria_facts(self):
        """{lead id: {rule: the document that shows it}} from the opportunities' orders and invoices."""
        facts = defaultdict(dict)
        orders = self.env["sale.order"].search(
            [("opportunity_id", "in", self.ids), ("state", "!=", "cancel")], order="date_order, id"
        )
        orders_by_lead = defaultdict(lambda: self.env["sale.order"])
        for order in orders:
            orders_by_lead[order.opportunity_id.id] |= order
        for lead in self:
            lead_orders = orders_by_lead[lead.id]
            confirmed = lead_orders.filtered(lambda order: order.state == "sale")
            accepted = confirmed or lead_orders.filtered("signed_on")
            if accepted:
                facts[lead.id]["proposal_accepted"] = accepted[0]
            invoices = confirmed.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type in ("out_invoice", "out_refund")
            )
            received = defaultdict(float)
            for invoice in invoices:
                sign = -1 if invoice.move_type == "out_refund" else 1
                received[invoice.currency_id] += sign * (invoice.amount_total - invoice.amount_residual)
            paying = invoices.filtered(
                lambda move: move.move_type == "out_invoice" and move.payment_state in ("partial", "in_payment", "paid")
            ).sorted(lambda move: (move.invoice_date or move.date, move.id))
            if not paying or not any(currency.compare_amounts(amount, 0) > 0 for currency, amount in received.items()):
                continue
            facts[lead.id]["prepayment"] = paying[0]
            due = defaultdict(float)
            for order in confirmed:
                due[order.currency_id] += order.amount_total
            if all(currency.compare_amounts(received[currency], amount) >= 0 for currency, amount in due.items()):
                facts[lead.id]["full_payment"] = paying[-1]
        return facts
