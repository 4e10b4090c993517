import contextvars
import logging
from collections import defaultdict

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import clean_context

from .. import before_commit
from .crm_lead_criterion import MAX_REASON_LENGTH

_logger = logging.getLogger(__name__)

#: Key of the opportunities, orders and invoices whose criteria to bring up to date at the end
#: of the transaction, in ``cr.precommit.data``.
PENDING_CRITERIA = "odoo_sales_followup.criteria_updates"

#: The reasons of a sales administrator moving deals despite missing criteria, while
#: ``_move_overriding_criteria`` moves them: (cursor, {lead id: reason}). Not a context key,
#: which any client can send; nor ``cr.precommit.data``, which every flush (each savepoint
#: opened during the move) empties.
_criteria_overrides = contextvars.ContextVar("odoo_sales_followup_criteria_overrides", default=None)

#: Fields of a write that may move an opportunity to another team (``team_id`` follows the
#: salesperson and the type when it is not given).
TEAM_CHANGING_FIELDS = frozenset(("team_id", "user_id", "type"))


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "followup.engine.fields.mixin"]
    _followup_engine_fields = ("won_criterion_kept_ids",)

    criterion_line_ids = fields.One2many("crm.lead.criterion", "lead_id", string="Success criteria", copy=False)
    criteria_count = fields.Integer(compute="_compute_criteria_progress", store=True)
    criteria_met_count = fields.Integer(string="Criteria met", compute="_compute_criteria_progress", store=True)
    criteria_progress = fields.Float(
        string="Criteria progress", compute="_compute_criteria_progress", store=True, aggregator="avg"
    )
    won_criterion_kept_ids = fields.Many2many(
        "crm.success.criterion",
        "crm_lead_won_criterion_kept_rel",
        "lead_id",
        "criterion_id",
        string="Still required to win",
        readonly=True,
        copy=False,
        help="What an earlier sales team of this opportunity requires to win: it stays required after the "
        "opportunity changes team, until it is won (with these criteria met, or overridden by a sales "
        "administrator).",
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
        for vals in vals_list:
            self._get_criteria_record_of("crm.stage", vals, "stage_id")
            self._get_criteria_record_of("crm.team", vals, "team_id")
        leads = super().create(vals_list)
        opportunities = leads.filtered(lambda lead: lead.type == "opportunity")
        opportunities._add_checklist_lines()
        leads._check_criteria_gates("create")
        return leads

    def write(self, vals):
        entering = self._get_leads_entering_gates(vals)
        before = (
            {lead.id: (lead.team_id, lead.stage_id.is_won) for lead in self}
            if TEAM_CHANGING_FIELDS & vals.keys()
            else {}
        )
        result = super().write(vals)
        moved = self._keep_won_criteria(before) if before else self.browse()
        if {"type", "team_id"} & vals.keys() or moved:
            self._queue_criteria_updates(lead_ids=self.ids)
        # a won deal that another salesperson's team takes meets that team's criteria to win
        listed = self.browse().union(*entering.values())
        moved_won = moved.filtered(lambda lead: lead.stage_id.is_won and lead.active) - listed
        if moved_won:
            entering["team"] = entering.get("team", self.browse()) | moved_won
        for path, leads in entering.items():
            leads._check_criteria_gates(path)
        won = (listed | moved_won).filtered(lambda lead: lead.stage_id.is_won).filtered("won_criterion_kept_ids")
        if won:
            # sudo: what an earlier team required was met or overridden at the gate just passed
            won.sudo().write({"won_criterion_kept_ids": [Command.clear()]})
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
            groups[lead.team_id, lead.company_id] += lead
        vals_list = []
        for (team, company), leads in groups.items():
            criteria = team._get_checklist_criteria(company)
            for lead in leads:
                kept = lead.won_criterion_kept_ids.filtered_domain([("company_id", "in", [False, company.id])])
                missing = (criteria | kept) - lead.criterion_line_ids.criterion_id
                vals_list += [{"lead_id": lead.id, "criterion_id": criterion.id} for criterion in missing]
        if vals_list:
            # sudo: the checklist is the team's, whoever creates the opportunity; without the
            # caller's defaults, which are not the engine's ("default_is_met" once ticked them all)
            self.env["crm.lead.criterion"].with_env(self.env(context=clean_context(self.env.context), su=True)).create(
                vals_list
            )

    def _get_required_criteria(self, stage=None):
        """The criteria this opportunity must meet to be in ``stage`` (else its current stage):
        the stage's, and to win its team's and those its earlier teams required."""
        self.ensure_one()
        stage = self.stage_id if stage is None else stage
        required = stage.required_criterion_ids
        if stage.is_won:
            required |= self.team_id.won_criterion_ids | self.won_criterion_kept_ids
        return required.filtered(lambda criterion: criterion.company_id in (self.company_id, self.company_id.browse()))

    def _keep_won_criteria(self, before):
        """Keep on the opportunities of ``self`` that changed team what their earlier team
        required to win, unless they were won and still are (that team's gate was passed).

        :param before: {lead id: (its team, whether it was won)} read before the write
        :return: the opportunities that changed team
        """
        moved = self.filtered(lambda lead: lead.id in before and lead.team_id != before[lead.id][0])
        groups = defaultdict(lambda: self.browse())
        for lead in moved:
            team, was_won = before[lead.id]
            if was_won and lead.stage_id.is_won:
                continue
            kept = lead.won_criterion_kept_ids | team.won_criterion_ids
            if kept != lead.won_criterion_kept_ids:
                groups[kept] |= lead
        for kept, leads in groups.items():
            # sudo: the engine records it; nobody sets it by hand
            leads.sudo().write({"won_criterion_kept_ids": [Command.set(kept.ids)]})
        return moved

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        if list(fnames) != ["won_criterion_kept_ids"]:
            return super()._get_followup_engine_refusal(fnames, names)
        return _(
            '"%(leads)s": %(field)s cannot be set by hand. It keeps what an earlier sales team of the '
            "deal requires to win; a sales administrator may win the deal without it with Override criteria.",
            leads=self._format_followup_engine_names(names, _("New opportunity")),
            field=self._format_followup_engine_labels(fnames),
        )

    def _get_leads_entering_gates(self, vals):
        """{path: the leads that ``vals`` brings into their stage's gate that way}, read before
        the write: converted into opportunities, moved to another stage, restored, or moved to
        another team while won (its criteria to win may differ). Each lead is listed once."""
        stage = self._get_criteria_record_of("crm.stage", vals, "stage_id")
        team = self._get_criteria_record_of("crm.team", vals, "team_id")
        candidates = {
            "convert": (lambda lead: lead.type == "lead") if vals.get("type") == "opportunity" else None,
            "stage": (lambda lead: lead.stage_id != stage) if stage is not None else None,
            "restore": (lambda lead: not lead.active) if vals.get("active") else None,
            "team": (
                lambda lead: lead.team_id != team
                and (stage if stage is not None else lead.stage_id).is_won
                and vals.get("active", lead.active)
            )
            if team is not None
            else None,
        }
        entering = {}
        listed = self.browse()
        for path, predicate in candidates.items():
            leads = self.filtered(predicate) - listed if predicate else None
            if leads:
                entering[path] = leads
                listed |= leads
        return entering

    def _get_criteria_record_of(self, model, vals, name):
        """The record that ``vals[name]`` names (empty when cleared), None when ``vals`` does not
        change it; a value that names no record is refused with a message, not a database error."""
        if name not in vals:
            return None
        value = vals[name]
        if not value:
            return self.env[model]
        valid = isinstance(value, int) and not isinstance(value, bool)
        # one query per record and transaction: a batch assigning leads to a team asks once
        known = self.env.cr.cache.setdefault("odoo_sales_followup.existing_records", set())
        records = self.env[model].browse(value) if valid else None
        if records and (model, value) not in known:
            records = records.exists()
            if records:
                known.add((model, value))
        if not records:
            raise UserError(
                _(
                    "%(field)s: %(value)s is not an existing record.",
                    field=self._fields[name]._description_string(self.env),
                    value=value,
                )
            )
        return records

    def _check_criteria_gates(self, path="stage"):
        """Refuse stages (and "won") whose required criteria these opportunities have not met.

        :param path: how they came there, for the message: ``"create"``, ``"stage"`` (moved),
            ``"convert"`` (a lead converted), ``"restore"`` (restored) or ``"team"`` (a won deal
            moved to another team)

        Gates apply to opportunities, and "won" to leads too. A sales administrator passes with
        a reason given through :meth:`_move_overriding_criteria` when the team allows it; the
        reason is logged on the opportunity.
        """
        required = {
            lead: criteria
            for lead in self.filtered(
                lambda lead: (lead.type == "opportunity" and lead.stage_id.required_criterion_ids)
                or lead.stage_id.is_won
            )
            if (criteria := lead._get_required_criteria())
        }
        if not required:
            return
        # facts of this very transaction (an order confirmed just before) count
        self.env["crm.lead"].sudo()._apply_pending_criteria_updates()
        missing = {}
        for lead, criteria in required.items():
            lacking = criteria - lead.criterion_line_ids.filtered("is_met").criterion_id
            if lacking:
                missing[lead] = lacking
        if not missing:
            return
        cursor, overrides = _criteria_overrides.get() or (None, {})
        if cursor is not self.env.cr:
            overrides = {}
        may_override = self.env.user.has_group("sales_team.group_sale_manager") and all(
            (lead.team_id.criteria_override or not lead.team_id) and overrides.get(lead.id) for lead in missing
        )
        if may_override:
            for lead, lacking in missing.items():
                lead._message_log(
                    body=_(
                        "Moved to %(stage)s without %(criteria)s by %(user)s. Reason: %(reason)s",
                        stage=lead.stage_id.name,
                        criteria=", ".join(lacking.mapped("name")),
                        user=self.env.user.name,
                        reason=overrides[lead.id],
                    )
                )
            return
        lines = []
        for lead, lacking in missing.items():
            names = "; ".join(lacking.mapped("name"))
            if path == "team":
                message = _(
                    '"%(lead)s" is won and cannot move to sales team "%(team)s" yet. Still missing: %(criteria)s.',
                    lead=lead.name,
                    team=lead.team_id.name,
                    criteria=names,
                )
            elif lead.stage_id.is_won:
                message = _(
                    '"%(lead)s" cannot be marked won yet. Still missing: %(criteria)s.', lead=lead.name, criteria=names
                )
                kept = lacking & lead.won_criterion_kept_ids
                if kept:
                    message += "\n" + _(
                        "Its earlier sales team requires %(criteria)s to win: it stays required after the "
                        "change of team.",
                        criteria="; ".join(kept.mapped("name")),
                    )
            elif path == "create":
                message = _(
                    '"%(lead)s" cannot be created in stage "%(stage)s" yet. Still missing: %(criteria)s.',
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    criteria=names,
                )
            elif path == "convert":
                message = _(
                    '"%(lead)s" cannot become an opportunity in stage "%(stage)s" yet. Still missing: %(criteria)s.',
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    criteria=names,
                )
            elif path == "restore":
                message = _(
                    '"%(lead)s" cannot be restored to stage "%(stage)s" yet. Still missing: %(criteria)s.',
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    criteria=names,
                )
            else:
                message = _(
                    '"%(lead)s" cannot move to stage "%(stage)s" yet. Still missing: %(criteria)s.',
                    lead=lead.name,
                    stage=lead.stage_id.name,
                    criteria=names,
                )
            lines.append(message)
        if any(lead.team_id.criteria_override or not lead.team_id for lead in missing):
            lines.append(_("A sales administrator can move it anyway with Override criteria, giving a reason."))
        raise UserError("\n".join(lines))

    def _move_overriding_criteria(self, stage, reason):
        """Move these opportunities to ``stage`` despite missing criteria, restoring the lost
        ones, with ``reason`` logged on each: sales administrators only, on teams that allow it.

        The reason reaches the gates of ``write`` through a mapping that no client can send
        (unlike a context key), set for the time of the move only.
        """
        reason = (reason or "").strip()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only sales administrators can move a deal despite missing success criteria."))
        forbidding = self.team_id.filtered(lambda team: not team.criteria_override)
        if forbidding:
            raise UserError(
                _(
                    "Sales team %(teams)s does not allow moving its deals despite missing success criteria.",
                    teams=", ".join(forbidding.mapped("name")),
                )
            )
        if not reason:
            raise UserError(_("Give the reason why the deal moves on without its criteria."))
        if len(reason) > MAX_REASON_LENGTH:
            raise UserError(
                _(
                    "The reason is too long (characters: %(length)s, at most %(max)s): shorten it.",
                    length=len(reason),
                    max=MAX_REASON_LENGTH,
                )
            )
        token = _criteria_overrides.set((self.env.cr, dict.fromkeys(self.ids, reason)))
        try:
            lost = self.filtered(lambda lead: not lead.active)
            if lost:
                lost.toggle_active()
            moving = self.filtered(lambda lead: lead.stage_id != stage)
            if moving:
                moving.write({"stage_id": stage.id})
        finally:
            _criteria_overrides.reset(token)

    def _queue_criteria_updates(self, lead_ids=(), order_ids=(), move_ids=(), document_lead_ids=()):
        """Bring the criteria of these documents' opportunities up to date at the end of the transaction.

        Like the levels, the work is collected and done once per transaction, set-based, after
        Odoo's own flush: a write never waits for it.

        :param lead_ids: opportunities that changed themselves (converted, another team)
        :param order_ids: sales orders, and ``move_ids`` invoices, that changed: a document event of
            their opportunities
        :param document_lead_ids: opportunities that had a document event without it (an order
            moved away or deleted)
        """
        # sudo: the automatic rules act on every document of the opportunity, whoever's action it follows
        pending = before_commit.collect(
            self.env,
            PENDING_CRITERIA,
            self.env["crm.lead"].sudo()._apply_pending_criteria_updates,
            lambda: {"leads": set(), "orders": set(), "moves": set(), "document_leads": set()},
        )
        pending["leads"].update(lead_ids)
        pending["orders"].update(order_ids)
        pending["moves"].update(move_ids)
        pending["document_leads"].update(document_lead_ids)

    def _apply_pending_criteria_updates(self):
        pending = before_commit.take(self.env, PENDING_CRITERIA)
        if not pending:
            return
        self.env.flush_all()
        orders = self.env["sale.order"].browse(pending["orders"])
        if pending["moves"]:
            orders |= self.env["account.move"].browse(pending["moves"]).exists().line_ids.sale_line_ids.order_id
        document_leads = (self.browse(pending["document_leads"]) | orders.exists().opportunity_id).exists()
        leads = (self.browse(pending["leads"]).exists() | document_leads).filtered(
            lambda lead: lead.type == "opportunity"
        )
        if not leads:
            return
        try:
            # Not a flushing savepoint: rolling one back clears the whole transaction's
            # before-commit work, the other capabilities' included (flushed just above).
            with self.env.cr.savepoint(flush=False):
                leads._add_checklist_lines()
                leads._update_automatic_criteria(document_leads)
                self.env.flush_all()
        except psycopg2.Error:
            # A serialization failure, a deadlock or a lost connection fails the transaction:
            # Odoo retries the request (or reports it); the checklist is not silently left behind.
            raise
        except Exception:
            # A rule's own error must never fail the user's action: the checklist keeps its
            # state, and the cache forgets what the rolled back savepoint held.
            self.env.clear()
            _logger.exception("Success criteria of opportunities %s could not be updated", leads.ids)

    def _update_automatic_criteria(self, document_leads=None):
        """Meet, or no longer meet, the automatic criteria from the opportunities' documents.

        :param document_leads: the opportunities whose documents changed in this transaction:
            on them, an automatic criterion that its documents do not show is no longer met,
            even when a sales administrator confirmed it by hand (a document met the others)
        """
        document_leads = document_leads or self.browse()
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
            elif not document and line.is_met and (line.met_origin or line.lead_id in document_leads):
                to_unmeet |= line
        now = fields.Datetime.now()
        # sudo: who met a criterion is recorded by the addon, and only superuser mode writes it
        for document, met in to_meet.items():
            met.sudo().write(
                {
                    "is_met": True,
                    "met_date": now,
                    "met_user_id": self.env.uid,
                    "met_origin": f"{document._name},{document.id}",
                    "met_reason": False,
                }
            )
        to_unmeet.sudo().write(
            {"is_met": False, "met_date": False, "met_user_id": False, "met_origin": False, "met_reason": False}
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
