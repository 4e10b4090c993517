import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, index_exists

_logger = logging.getLogger(__name__)

#: Key of the opportunities, orders and invoices whose criteria to bring up to date at the end
#: of the transaction, in ``cr.precommit.data``.
PENDING_CRITERIA = "odoo_sales_followup.criteria_updates"

#: Key of the confirmed orders that may reactivate customers, in ``cr.precommit.data``.
PENDING_REACTIVATIONS = "odoo_sales_followup.reactivation_orders"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    partner_relationship_level = fields.Selection(related="partner_id.relationship_level", string="Customer level")
    followup_run_ids = fields.One2many("followup.chain.run", "lead_id", string="Activity chains")
    followup_running_count = fields.Integer(compute="_compute_followup_running_count", string="Running chains")

    @api.depends("followup_run_ids.state")
    def _compute_followup_running_count(self):
        for lead in self:
            lead.followup_running_count = len(
                lead.followup_run_ids.filtered(lambda run: run.state in ("running", "paused"))
            )

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
    origin_lead_id = fields.Many2one(
        "crm.lead",
        string="Original deal",
        index="btree_not_null",
        copy=False,
        help="The won deal whose after-sale care opened this repeat sale.",
    )
    repeat_lead_ids = fields.One2many("crm.lead", "origin_lead_id", string="Repeat sales")
    repeat_sale_count = fields.Integer(compute="_compute_repeat_sale_count")
    after_sale_call_date = fields.Date(
        string="After-sale call planned on", readonly=True, copy=False, help="Set once the after-sale call is planned."
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

    def _compute_repeat_sale_count(self):
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("origin_lead_id", "in", self.ids)], ["origin_lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.repeat_sale_count = counts.get(lead, 0)

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

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self._update_partner_levels(leads)
        opportunities = leads.filtered(lambda lead: lead.type == "opportunity")
        opportunities._add_checklist_lines()
        opportunities._check_criteria_gates()
        opportunities.filtered(lambda lead: lead.stage_id.is_won)._plan_after_sale_calls("won")
        opportunities = opportunities.filtered("active")
        if opportunities:
            Chain = self.env["followup.chain"]
            Chain._start_chains("opportunity_created", opportunities)
            Chain._start_chains("stage", opportunities)
        return leads

    def write(self, vals):
        if {"active", "stage_id"} & vals.keys():
            self._check_reopened_reactivations(vals)
        # Compare cheaply: read what a trigger needs before super only when it may change.
        old_stages = {lead.id: lead.stage_id for lead in self} if "stage_id" in vals else {}
        moving = entering_won = self.browse()
        if "stage_id" in vals:
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            moving = self.filtered(lambda lead: lead.stage_id != stage)
            if stage.is_won:
                entering_won = moving.filtered(lambda lead: not lead.stage_id.is_won)
        new_opportunities = (
            self.filtered(lambda lead: lead.type != "opportunity") if vals.get("type") == "opportunity" else None
        )
        leads = self
        if "active" in vals and not vals["active"]:
            # Odoo removes the activities of archived (lost) opportunities: their chains stop as lost.
            leads = self.with_context(followup_stop_reason="lost")
        result = super(CrmLead, leads).write(vals)
        if "partner_id" in vals:
            self._update_partner_levels(self)
        if {"type", "team_id"} & vals.keys():
            self._queue_criteria_updates(lead_ids=self.ids)
        if "stage_id" in vals:
            moving._check_criteria_gates()
            entering_won._plan_after_sale_calls("won")
        if old_stages or new_opportunities or "active" in vals:
            self._followup_after_write(vals, old_stages, new_opportunities)
        return result

    def toggle_active(self):
        # Odoo removes the activities of archived (lost) opportunities: their chains stop as lost.
        return super(CrmLead, self.with_context(followup_stop_reason="lost")).toggle_active()

    def unlink(self):
        partners = self.partner_id
        runs = (
            self.env["followup.chain.run"].sudo().search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        result = super().unlink()
        # Runs on the opportunity itself go with it; runs on its invoices keep going.
        runs.exists().with_context(followup_keep_runs=True).unlink()
        partners._update_relationship_levels("lead")
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

    def action_new_repeat_sale(self):
        """Open the repeat sale that an after-sale call found, and close that call."""
        self.ensure_one()
        repeat = self.create(self._prepare_repeat_sale_values())
        call_type = self.env.ref("odoo_sales_followup.mail_activity_type_after_sale_call", raise_if_not_found=False)
        calls = self.activity_ids.filtered(lambda activity: activity.activity_type_id == call_type)
        calls.action_feedback(feedback=_("Repeat sale opened: %(name)s", name=repeat.name))
        self.message_post(
            body=Markup("%s %s") % (_("Repeat sale opened:"), repeat._get_html_link()),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": repeat.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_repeat_sales(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(domain=[("origin_lead_id", "=", self.id)], context={"default_origin_lead_id": self.id})
        return action

    # ---- SUCCESS CRITERIA ----

    def _prepare_repeat_sale_values(self):
        return {
            "name": _("Repeat sale: %(deal)s", deal=self.name),
            "type": "opportunity",
            "partner_id": self.partner_id.id,
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "tag_ids": [fields.Command.set(self.tag_ids.ids)],
            "origin_lead_id": self.id,
        }

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
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_CRITERIA)
        if pending is None:
            pending = precommit.data[PENDING_CRITERIA] = {"leads": set(), "orders": set(), "moves": set()}
            # sudo: the automatic rules act on every document of the opportunity, whoever's action it follows
            precommit.add(self.env["crm.lead"].sudo()._apply_pending_criteria_updates)
        pending["leads"].update(lead_ids)
        pending["orders"].update(order_ids)
        pending["moves"].update(move_ids)

    def _apply_pending_criteria_updates(self):
        pending = self.env.cr.precommit.data.pop(PENDING_CRITERIA, None)
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
        met.filtered(lambda line: line.rule == "full_payment").lead_id._plan_after_sale_calls("full_payment")

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

    # ---- AFTER-SALE CARE ----

    def _plan_after_sale_calls(self, trigger):
        """Plan the after-sale call of these deals when their company plans it on ``trigger``."""
        call_type = self.env.ref("odoo_sales_followup.mail_activity_type_after_sale_call", raise_if_not_found=False)
        leads = self.filtered(
            lambda lead: not lead.after_sale_call_date
            and (lead.company_id or self.env.company).after_sale_trigger == trigger
        )
        if not leads or not call_type:
            return
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        vals_list = []
        for lead in leads:
            delay = (lead.company_id or self.env.company).after_sale_delay_days
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": call_type.id,
                    "summary": call_type.summary or call_type.name,
                    "note": call_type.default_note,
                    "date_deadline": today + timedelta(days=delay),
                    "user_id": lead.user_id.id or self.env.uid,
                }
            )
        # sudo: the call is planned for the deal's salesperson, whoever marked it won or registered the payment
        self.env["mail.activity"].sudo().create(vals_list)
        leads.sudo().after_sale_call_date = today

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
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING_REACTIVATIONS)
        if pending is None:
            pending = precommit.data[PENDING_REACTIVATIONS] = set()
            precommit.add(self._reactivation_close_won)
        pending.update(orders.ids)

    @api.model
    def _reactivation_close_won(self):
        order_ids = self.env.cr.precommit.data.pop(PENDING_REACTIVATIONS, set())
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

    @api.model
    def _update_partner_levels(self, leads):
        leads.partner_id._update_relationship_levels("lead", origins=self.env["res.partner"]._origins_of(leads))

    # ---- activity chains ----

    def _get_followup_lead(self):
        return self

    def _get_followup_salesperson(self):
        return self.user_id

    def _followup_after_write(self, vals, old_stages, new_opportunities):
        Chain = self.env["followup.chain"]
        Run = self.env["followup.chain.run"]
        moved = self.filtered(lambda lead: lead.id in old_stages and lead.stage_id != old_stages[lead.id])
        if "active" in vals:
            Run._stop_on_records(self)
        elif moved:
            Run._stop_on_records(moved)
        opportunities = self.filtered(lambda lead: lead.type == "opportunity")
        if new_opportunities:
            Chain._start_chains("opportunity_created", new_opportunities.filtered("active"))
            Chain._start_chains("stage", new_opportunities.filtered("active"))
        if moved:
            active = (moved & opportunities).filtered("active")
            Chain._start_chains("stage", active)
            Chain._start_chains("won", active.filtered(lambda lead: lead.stage_id.is_won))
        if "active" in vals and not vals["active"]:
            Chain._start_chains("lost", opportunities)

    def action_start_followup_chain(self):
        return self.env["followup.chain.start.wizard"]._action_open(self)
