import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, split_every

from ...tools.relationship_level import (
    DEFAULT_DORMANT_TOLERANCE,
    DEFAULT_LEVEL,
    DEFAULT_PURCHASE_INTERVAL_DAYS,
    DEFAULT_PURCHASE_THRESHOLD,
    LEVEL_GROUPS,
    LEVEL_SELECTION,
    PURCHASE_DATE_MARGIN_DAYS,
    level_change_cause,
    next_purchase_date,
    purchase_date_bounds,
    relationship_level,
    typical_interval,
)
from .. import before_commit, jobs

_logger = logging.getLogger(__name__)

#: Key of the partners to update at the end of the transaction, in ``cr.precommit.data``.
PENDING_UPDATES = "odoo_sales_followup.level_updates"

#: How long a user's transaction waits for a customer that another one is writing,
#: before it leaves the update of that customer to the queue's job.
LOCK_TIMEOUT = "200ms"

#: Context key: a conflict on writing the facts is queued by the caller, not logged as an error.
CONFLICTS_QUEUED = "odoo_sales_followup_level_conflicts_queued"

#: System parameter of the number of partners the engine updates at once.
BATCH_SIZE_PARAMETER = "odoo_sales_followup.level_batch_size"
DEFAULT_BATCH_SIZE = 5000

#: Stored facts of the level engine, kept equal on a commercial partner and its contacts.
#: Only the engine writes them (in SQL); users and their RPC clients only read them.
LEVEL_FACTS = (
    "relationship_level",
    "first_purchase_date",
    "last_purchase_date",
    "purchase_count",
    "purchase_interval_days",
    "next_purchase_date",
)

#: Triggers of Odoo's automation rules (``base_automation``) that an update of a record
#: fires: its ``WRITE_TRIGGERS``, repeated so that the addon does not depend on it.
AUTOMATION_WRITE_TRIGGERS = (
    "on_write",
    "on_archive",
    "on_unarchive",
    "on_create_or_write",
    "on_priority_set",
    "on_stage_set",
    "on_state_set",
    "on_tag_set",
    "on_user_set",
)

PURCHASE_HELP = "Purchases dated in the future (more than a day ahead) or before 1970 are ignored."


def _commercial_id(alias):
    """SQL of the commercial entity of the partner ``alias``: itself when its commercial
    partner is empty (as SQL imports leave it)."""
    return SQL("COALESCE(%s, %s)", SQL.identifier(alias, "commercial_partner_id"), SQL.identifier(alias, "id"))


def _of_commercial(alias, ids):
    """SQL condition: the partner ``alias`` belongs to one of the commercial partners
    ``ids``; two conditions that each use an index, rather than one COALESCE."""
    commercial = SQL.identifier(alias, "commercial_partner_id")
    return SQL(
        "(%s = ANY(%s) OR %s IS NULL AND %s = ANY(%s))",
        commercial,
        ids,
        commercial,
        SQL.identifier(alias, "id"),
        ids,
    )


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "followup.engine.fields.mixin"]
    # Only the engine writes the facts (in SQL), and Odoo copies them to contacts (in
    # superuser mode); users and their RPC clients only read them.
    _followup_engine_fields = LEVEL_FACTS

    # Not required: modules loaded before this addon, and SQL imports, insert partners
    # without it. Empty means potential, until the daily update computes it.
    relationship_level = fields.Selection(
        LEVEL_SELECTION,
        string="Relationship level",
        default=DEFAULT_LEVEL,
        readonly=True,
        index=True,
        copy=False,
        group_expand=True,  # grouped in the funnel's order, every level shown
        help="Where the relationship with this customer stands, computed from sales data: "
        "potential (no contact yet), prospect (in contact, no purchase), new customer "
        "(first purchases), active customer (buys regularly), dormant customer (past the "
        "usual purchase interval). Contacts show their company's level.",
    )
    first_purchase_date = fields.Date(
        string="First purchase date", readonly=True, index=True, copy=False, help=PURCHASE_HELP
    )
    last_purchase_date = fields.Date(
        string="Last purchase date", readonly=True, index=True, copy=False, help=PURCHASE_HELP
    )
    purchase_count = fields.Integer(
        string="Purchases",
        readonly=True,
        index=True,
        copy=False,
        help="Confirmed sales orders plus posted customer invoices that belong to no order. " + PURCHASE_HELP,
    )
    purchase_interval_days = fields.Integer(
        string="Purchase interval (days)",
        readonly=True,
        index=True,
        copy=False,
        help="Usual number of days between this customer's purchases: the median gap between "
        "purchase days once there are three of them, before that the interval of the "
        "customer's tags or the company's default.",
    )
    next_purchase_date = fields.Date(
        string="Next expected purchase",
        readonly=True,
        index=True,
        copy=False,
        help="Last purchase date plus the purchase interval.",
    )
    level_change_count = fields.Integer(compute="_compute_level_change_count", string="Level changes")

    def _compute_level_change_count(self):
        commercial = self._level_commercial_partners()
        counts = dict(
            self.env["res.partner.level.change"]._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.level_change_count = counts.get(partner.commercial_partner_id or partner, 0)

    # ---- CRUD ----

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + list(LEVEL_FACTS)

    def write(self, vals):
        moves = {"parent_id", "is_company"} & vals.keys()
        previous = self.commercial_partner_id if moves else self.browse()
        result = super().write(vals)
        if moves or "category_id" in vals:
            # A contact's documents move with it to its new company; tags set the interval.
            (previous | self)._update_relationship_levels("recompute")
        return result

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        if not set(fnames) <= set(LEVEL_FACTS):
            return super()._get_followup_engine_refusal(fnames, names)
        return _(
            "%(partners)s: %(fields)s cannot be set by hand; the relationship levels compute them "
            "from the customer's orders, invoices and activities.",
            partners=self._format_followup_engine_names(names, _("New contact")),
            fields=self._format_followup_engine_labels(fnames),
        )

    # ---- ACTIONS ----

    def action_recompute_relationship_levels(self):
        """Recompute the relationship levels of these partners from their history.

        On an empty recordset, rebuild every partner's level (Sales administrators only).

        :return: the number of commercial partners recomputed
        """
        if self:
            self.check_access("read")
            partner_ids = self._level_commercial_partners().ids
            self._process_level_batches(partner_ids, "recompute")
            return len(partner_ids)
        if not self.env.is_superuser() and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only Sales administrators can recompute the relationship levels of every partner."))
        return self._rebuild_relationship_levels("recompute")

    def action_view_level_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_partner_level_change")
        action["domain"] = [("partner_id", "=", self._level_commercial_partners().id)]
        action["context"] = {}
        action["views"] = [(False, "list"), (False, "form"), (False, "pivot"), (False, "graph")]
        return action

    # ---- LEVEL RULE AND PUBLIC API (override points) ----

    @api.model
    def _get_relationship_level(self, facts):
        """Hook: the level a customer's facts put it at. Override it to change the rule
        of a company (call ``super()`` for the levels it does not decide).

        Pure: no query. Called by ``_get_relationship_levels`` for every commercial
        partner the engine updates (an order confirmed, the daily job, a rebuild), so
        that every capability follows the rule; a rule that needs more data than the
        facts below reads it for the whole batch in ``_get_relationship_levels``. A new
        level also needs its key in the ``relationship_level`` selection (a
        ``selection_add``, and the same on ``res.partner.level.change``'s ``level_from``
        and ``level_to``) and in the groups of ``_get_level_groups``.

        :param facts: dict of the customer's facts: ``partner_id``, ``company_id`` (whose
            settings apply), ``today``, ``purchase_count``, ``first_purchase_date``,
            ``last_purchase_date``, ``days_since_last`` (None without purchase),
            ``purchase_days`` (distinct days with a purchase), ``purchase_interval_days``
            (the customer's usual interval), ``purchase_threshold`` and
            ``dormant_tolerance`` (the company's settings), ``in_contact`` (a lead, a
            quotation or an activity done; true for a buyer) and ``current_level`` (the
            stored one)
        :return: a key of the ``relationship_level`` selection
        """
        return relationship_level(
            facts["purchase_count"],
            facts["days_since_last"],
            facts["purchase_interval_days"],
            facts["purchase_threshold"],
            facts["dormant_tolerance"],
            facts["in_contact"],
        )

    @api.model
    def _get_relationship_levels(self, facts_by_partner):
        """Hook, set-based: the levels of a batch of commercial partners, as {partner id:
        level}, from {partner id: facts} (see ``_get_relationship_level``). Override it
        when a rule reads more than the facts: one query for the batch, then ``super()``
        or a level per partner."""
        return {partner_id: self._get_relationship_level(facts) for partner_id, facts in facts_by_partner.items()}

    @api.model
    def _get_level_groups(self):
        """Public API: the level keys of each group of levels, {group: tuple of keys}.
        The other capabilities select customers and level changes by group, never by a
        level's key: ``not_contacted``, ``contact`` (no purchase yet), ``buying``
        (expected to buy again), ``regular`` (buys regularly), ``dormant`` (stopped
        buying). Override it to put a new level in its groups."""
        return {group: tuple(levels) for group, levels in LEVEL_GROUPS.items()}

    @api.model
    def _get_level_condition(self, group, alias="partner"):
        """Public API: SQL condition, the partner ``alias`` (a row of ``res_partner``) is
        at a level of ``group`` (see ``_get_level_groups``). Contacts carry their
        company's level. The stored facts (``LEVEL_FACTS``) are the levels' public
        columns; call ``_apply_pending_level_updates()`` before reading them in SQL for
        the facts of the same transaction to count."""
        return SQL("%s = ANY(%s)", SQL.identifier(alias, "relationship_level"), list(self._get_level_groups()[group]))

    def _on_relationship_levels_changed(self, old_levels, causes):
        """Hook: these commercial partners moved to another level (their new one is
        stored), as an event others use. Called once per batch of the engine, after the
        facts, the history and the notes are written, in the transaction of the event
        that moved them; not at installation. By default it starts the activity chains
        of the trigger *Customer moved to a level* (``_start_level_chains``). Override
        it to act on a move (call ``super()``).

        :param old_levels: {partner id: the level before}
        :param causes: {partner id: (event, origin)} as in the history
        """
        self._start_level_chains()

    # ---- LEVEL EVENTS ----

    def _start_level_chains(self):
        """Start the chains of the trigger *Customer moved to a level* (``level``) on the
        latest open opportunity of each of these commercial partners (or of one of its
        contacts); the chain's *Customer level* is the level moved to (any if empty).
        A customer without an open opportunity starts nothing."""
        Chain = self.env["followup.chain"]
        if not self or not Chain._get_trigger_chain_ids("level", "crm.lead"):
            return
        # sudo: the level moved by anyone's action (or the daily job); the chain starts on
        # the customer's opportunity whoever may read it, as the documents' chains do.
        leads = (
            self.env["crm.lead"]
            .sudo()
            .search(
                [
                    "|",
                    ("partner_id", "in", self.ids),
                    ("partner_id.commercial_partner_id", "in", self.ids),
                    ("type", "=", "opportunity"),
                    ("probability", "<", 100),
                ],
                order="id desc",
            )
        )
        latest = {}
        for lead in leads:
            latest.setdefault((lead.partner_id.commercial_partner_id or lead.partner_id).id, lead)
        Chain._start_chains("level", self.env["crm.lead"].concat(*latest.values()).with_env(self.env))

    def _prepare_level_automations(self):
        """Odoo's automation rules (``base_automation``, when installed) that an update
        of these commercial partners fires, with the partners meeting each rule's
        precondition (*Before update*), read before the engine writes the facts.

        :return: {automation rule: partners}
        """
        if not self or "base.automation" not in self.env:
            return {}
        automations = self.env["base.automation"]._get_actions(self, list(AUTOMATION_WRITE_TRIGGERS))
        return {automation: automation._filter_pre(self) for automation in automations}

    @api.model
    def _run_level_automations(self, pre, old_values):
        """Run the automation rules ``pre`` (``_prepare_level_automations``) on the
        partners whose facts the engine wrote, as Odoo's ``write`` does: the rules whose
        *Trigger fields* (*Relationship level*, *Last purchase date*...) changed from
        ``old_values`` ({partner id: {field: old value}}) and whose domain the partners
        meet now. The engine writes in SQL, where Odoo's own ``write`` hook never runs."""
        # In the environment _get_actions gave them: the rules done so far, against loops.
        automations = self.env["base.automation"].concat(*pre).with_env(next(iter(pre)).env)
        for automation in automations.with_context(old_values=old_values):
            records, domain_post = automation._filter_post_export_domain(pre[automation], feedback=True)
            automation._process(records, domain_post=domain_post)

    # ---- LEVEL ENGINE ----

    def _update_relationship_levels(self, event, origins=None):
        """Bring the level facts of these partners' commercial entities up to date.

        Called by the events that may move a level (orders, invoices, leads,
        activities, contacts). Like Odoo's own tracking, the partners are collected
        during the transaction and updated once, set-based, just before it commits:
        a few queries per batch, whatever the number of events and partners.

        :param event: key of ``res.partner.level.change.event``
        :param origins: {partner id: (model, id)} of the documents behind the event
        """
        partner_ids = [partner_id for partner_id in self.ids if partner_id]
        if not partner_ids:
            return
        pending = before_commit.collect(
            self.env, PENDING_UPDATES, self.env["res.partner"]._apply_pending_level_updates, dict
        )
        origins = origins or {}
        for partner_id in partner_ids:
            # Every event of the transaction, the latest document of each: the one that
            # explains a move is chosen when the level is known (``level_change_cause``).
            events = pending.setdefault(partner_id, {})
            origin = origins.get(partner_id) or events.pop(event, None)
            events.pop(event, None)
            events[event] = origin

    @api.model
    def _apply_pending_level_updates(self):
        """Hook: apply now the level updates this transaction collected (they run before
        the commit otherwise). Other capabilities call it before they read the stored
        level facts in SQL, so that a purchase of the same transaction counts.

        A customer that another transaction is writing, or wrote since this one began
        (a busy customer whose orders several salespeople confirm at once), is not
        waited for and never fails the transaction: its update is queued and applied
        within seconds by a job of its own (``_apply_level_facts_or_queue``)."""
        pending = before_commit.take(self.env, PENDING_UPDATES, {})
        if not pending:
            return
        self.env.flush_all()  # commercial entities of partners created in this transaction
        commercial = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, %s FROM res_partner partner WHERE id = ANY(%s)",
                    _commercial_id("partner"),
                    list(pending),
                )
            )
        )
        events = defaultdict(dict)
        for partner_id, partner_events in pending.items():
            if commercial_id := commercial.get(partner_id):
                # The events of a company and its contacts are the company's.
                for event, origin in partner_events.items():
                    events[commercial_id].pop(event, None)
                    events[commercial_id][event] = origin
        self._apply_level_facts_or_queue({partner_id: list(items.items()) for partner_id, items in events.items()})

    @api.model
    def _apply_level_facts_or_queue(self, events):
        """Apply the level facts of these commercial partners in this transaction, or
        queue them when that would make it wait for or lose to another transaction.

        The work runs in a savepoint with a short lock timeout; on a serialization
        failure, a deadlock or a lock not available, the savepoint is rolled back
        (facts, history and notes alike) and the partners go to the queue
        (``res.partner.level.queue``), whose job recomputes them from scratch and
        records their moves once, with these events.

        :param events: {partner id: [(event, origin)], oldest first}
        """
        self.env.flush_all()  # nothing of the caller's is left to flush inside the savepoint
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("SELECT current_setting('lock_timeout')"))
                lock_timeout = cr.fetchone()[0]
                cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", LOCK_TIMEOUT))
                self.with_context(**{CONFLICTS_QUEUED: True})._process_level_batches(list(events), None, events=events)
                self.env.flush_all()
                cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", lock_timeout))
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # What the savepoint wrote is gone: so is what the ORM knew of it.
            self.env.transaction.clear()
            _logger.info(
                "Relationship levels of %s partners queued: %s", len(events), error.diag.message_primary or error
            )
            self.env["res.partner.level.queue"]._queue_level_updates(events)
            self.env.flush_all()

    @api.model
    def _cron_update_relationship_levels(self):
        """Daily: move customers whose expected purchase is overdue to dormant, count the
        purchases whose date has come, and compute the partners left without a level.
        The customers it looks at again as time passes are those of the ``buying`` levels
        (``_get_level_groups``) past their next expected purchase date.

        Company by company (a shared partner goes with the company the job runs in) and
        batch by batch: a batch that fails is logged and reported to the company's Sales
        administrators, and the other batches and companies are still updated.
        """
        # Customers queued by a busy moment whose trigger was lost: with their own events.
        self.env["res.partner.level.queue"]._cron_apply_level_queue()
        self.env.flush_all()
        today = fields.Date.today()
        first_day, last_day = purchase_date_bounds(today)
        # Purchases dated in the future were left out: they count from the day they enter the window.
        # A day wider on each side than in UTC: every company's day is within a day of UTC's.
        window = (
            datetime.combine(max(first_day, today - timedelta(days=2)), time.min),
            datetime.combine(last_day + timedelta(days=2), time.min),
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id, partner.company_id
                  FROM res_partner partner
                 WHERE (partner.commercial_partner_id = partner.id OR partner.commercial_partner_id IS NULL)
                   AND (%(buying)s AND partner.next_purchase_date < (
                            SELECT company_day.today FROM %(company_days)s
                             WHERE company_day.company_id = COALESCE(partner.company_id, %(company_id)s))
                        OR partner.relationship_level IS NULL
                        OR partner.id IN (
                            SELECT %(contact_commercial)s
                              FROM sale_order so
                              JOIN res_partner contact ON contact.id = so.partner_id
                             WHERE so.state = 'sale' AND so.date_order >= %(start)s AND so.date_order < %(end)s
                             UNION
                            SELECT COALESCE(move.commercial_partner_id, move.partner_id)
                              FROM account_move move
                             WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
                               AND move.invoice_date >= %(start)s AND move.invoice_date < %(end)s
                        ))
                 ORDER BY partner.company_id NULLS FIRST, partner.id
                """,
                company_days=self.env["res.company"]._get_followup_days_sql(),
                company_id=self.env.company.id,
                buying=self._get_level_condition("buying"),
                contact_commercial=_commercial_id("contact"),
                start=window[0],
                end=window[1],
            )
        )
        company_ids = {partner_id: company_id or self.env.company.id for partner_id, company_id in rows}
        companies = self.env["res.company"].browse(set(company_ids.values()))
        jobs.run_batches(
            self.env,
            self.browse(company_ids),
            lambda partners: partners.browse()._apply_level_facts(partners.ids, "scheduled", {}),
            job_name="Relationship levels",
            batch_size=self._get_level_batch_size(),
            company_of=lambda partner: companies.browse(company_ids[partner.id]),
            notice=lambda company, failed, total, problem: (
                self.env._("Relationship levels not updated"),
                self.env._(
                    "The daily update of the relationship levels of %(company)s failed: %(problem)s. "
                    "Partners not updated: %(count)s. The other partners are up to date; the server log "
                    "has the details.",
                    company=company.name,
                    count=failed,
                    problem=problem,
                ),
            ),
        )

    @api.model
    def _rebuild_relationship_levels(self, event):
        """Recompute every commercial partner from history; return how many.

        Batches are read one after the other (by id), so that memory follows the
        batch size, not the number of partners.
        """
        batch_size = self._get_level_batch_size()
        done = last_id = 0
        while True:
            self.env.flush_all()
            batch = [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """SELECT id FROM res_partner
                            WHERE (commercial_partner_id = id OR commercial_partner_id IS NULL) AND id > %s
                         ORDER BY id
                            LIMIT %s""",
                        last_id,
                        batch_size,
                    )
                )
            ]
            if not batch:
                return done
            self._apply_level_facts(batch, event, {})
            done += len(batch)
            last_id = batch[-1]
            self.env.invalidate_all()

    @api.model
    def _process_level_batches(self, partner_ids, event, origins=None, events=None):
        """Apply the level facts to commercial partners, batch by batch.

        :param events: {partner id: [(event, origin)], oldest first} of the transaction,
            instead of ``event`` and ``origins``
        """
        self.env.flush_all()
        batch_size = self._get_level_batch_size()
        for batch in split_every(batch_size, partner_ids, list):
            self._apply_level_facts(batch, event, origins or {}, events=events)
            if len(partner_ids) > batch_size:
                # Keep memory bounded by the batch, not by the number of partners.
                self.env.invalidate_all()

    @api.model
    def _apply_level_facts(self, partner_ids, event, origins, events=None):
        """Compute, store and record the levels of these commercial partners.

        :param event: what touched them (key of ``res.partner.level.change.event``)
        :param origins: {partner id: (model, id)} of the documents behind ``event``
        :param events: {partner id: [(event, origin)], oldest first}, instead of
            ``event`` and ``origins``: the cause of each move is chosen among them
        """
        facts = self._read_purchase_facts(partner_ids)
        contacted = self._read_contacted_partners([pid for pid in partner_ids if pid not in facts])
        states = self._read_level_states(partner_ids)
        # Today is the day of the partner's company (a shared partner: of the current one).
        companies = self.env["res.company"].browse({state["company_id"] for state in states.values()} - {None})
        today_of = {company.id: company._get_followup_today() for company in companies | self.env.company}
        level_facts = {}
        for partner_id, state in states.items():
            count, first, last, purchase_days, median_gap = facts.get(partner_id, (0, None, None, 0, None))
            today = today_of[state["company_id"] or self.env.company.id]
            level_facts[partner_id] = {
                "partner_id": partner_id,
                "company_id": state["company_id"] or self.env.company.id,
                "today": today,
                "purchase_count": count,
                "first_purchase_date": first,
                "last_purchase_date": last,
                "days_since_last": last and (today - last).days,
                "purchase_days": purchase_days,
                "purchase_interval_days": typical_interval(
                    median_gap, purchase_days, state["category_interval"] or state["default_interval"]
                ),
                "purchase_threshold": state["threshold"],
                "dormant_tolerance": state["tolerance"],
                "in_contact": bool(count) or partner_id in contacted,
                "current_level": state["relationship_level"],
            }
        levels = self._get_relationship_levels(level_facts)
        known = set(self._fields["relationship_level"].get_values(self.env))
        updates, changes = [], []
        for partner_id, state in states.items():
            partner_facts, level = level_facts[partner_id], levels[partner_id]
            if level not in known:
                raise ValueError(f"_get_relationship_levels returned {level!r}, not a relationship level")
            values = {
                "relationship_level": level,
                "first_purchase_date": partner_facts["first_purchase_date"],
                "last_purchase_date": partner_facts["last_purchase_date"],
                "purchase_count": partner_facts["purchase_count"],
                "purchase_interval_days": partner_facts["purchase_interval_days"],
                "next_purchase_date": next_purchase_date(
                    partner_facts["last_purchase_date"], partner_facts["purchase_interval_days"]
                ),
            }
            if state["level_empty"] or any(values[fname] != state[fname] for fname in LEVEL_FACTS):
                updates.append((partner_id, values))
            if level != state["relationship_level"]:
                changes.append((partner_id, state, level))
        # Odoo's automation rules see the update as an ORM write (preconditions before
        # it), but for the levels computed at installation.
        written_ids = {partner_id for partner_id, _values in updates} if event != "initial" else set()
        automations = self.browse(written_ids)._prepare_level_automations()
        self._write_level_facts(updates)
        if events is None:
            events = {partner_id: [(event, origins.get(partner_id))] for partner_id, _state, _level in changes}
        causes = {
            partner_id: level_change_cause(state["relationship_level"], level, events[partner_id])
            for partner_id, state, level in changes
        }
        self._record_level_changes(
            [(partner_id, state, level, causes[partner_id]) for partner_id, state, level in changes]
        )
        if automations:
            self._run_level_automations(
                automations,
                {
                    partner_id: {fname: state[fname] for fname in LEVEL_FACTS}
                    for partner_id, state in states.items()
                    if partner_id in written_ids
                },
            )
        moved = {partner_id: state["relationship_level"] for partner_id, state, _level in changes}
        moved = {partner_id: level for partner_id, level in moved.items() if causes[partner_id][0] != "initial"}
        if moved:
            self.browse(moved)._on_relationship_levels_changed(moved, {pid: causes[pid] for pid in moved})

    @api.model
    def _read_purchase_facts(self, partner_ids):
        """{commercial partner id: (purchases, first day, last day, purchase days, median gap)}.

        A purchase is a confirmed sales order (dated by its order date) or a posted
        customer invoice linked to no order line (dated by its invoice date), of the
        partner or of any of its contacts, in any company. An order's day is its company's
        (``res.company._get_followup_days_sql``). A purchase dated in the future (more than a
        day ahead of its company's today) or before 1970 is a typing error: ignored.
        """
        if not partner_ids:
            return {}
        first_day, last_day = purchase_date_bounds(fields.Date.today())
        rows = self.env.execute_query(
            SQL(
                """
                WITH purchase AS (
                    SELECT %(partner_commercial)s AS partner_id,
                           (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date AS day
                      FROM sale_order so
                      JOIN res_partner partner ON partner.id = so.partner_id
                      JOIN %(company_days)s ON company_day.company_id = so.company_id
                     WHERE so.state = 'sale'
                       AND %(of_partner)s
                       AND so.date_order >= %(start)s AND so.date_order < %(end)s
                       AND (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date
                           BETWEEN %(first_day)s AND company_day.today + %(margin)s
                    UNION ALL
                    SELECT COALESCE(move.commercial_partner_id, move.partner_id), move.invoice_date
                      FROM account_move move
                      JOIN %(company_days)s ON company_day.company_id = move.company_id
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND (move.commercial_partner_id = ANY(%(ids)s)
                            OR move.commercial_partner_id IS NULL AND move.partner_id = ANY(%(ids)s))
                       AND move.invoice_date >= %(first_day)s AND move.invoice_date <= company_day.today + %(margin)s
                       AND NOT EXISTS (
                           SELECT 1
                             FROM account_move_line line
                             JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = line.id
                            WHERE line.move_id = move.id
                       )
                ), purchase_day AS (
                    SELECT partner_id, day, COUNT(*) AS purchases
                      FROM purchase
                     GROUP BY partner_id, day
                ), gap AS (
                    SELECT partner_id, day, purchases,
                           day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
                      FROM purchase_day
                )
                SELECT partner_id, SUM(purchases)::int, MIN(day), MAX(day), COUNT(*)::int,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)
                  FROM gap
                 GROUP BY partner_id
                """,
                ids=partner_ids,
                partner_commercial=_commercial_id("partner"),
                of_partner=_of_commercial("partner", partner_ids),
                company_days=self.env["res.company"]._get_followup_days_sql(),
                margin=PURCHASE_DATE_MARGIN_DAYS,
                first_day=first_day,
                # the days of the companies, a day around UTC's; each order's day is checked above
                start=datetime.combine(first_day - timedelta(days=1), time.min),
                end=datetime.combine(last_day + timedelta(days=2), time.min),
            )
        )
        return {row[0]: row[1:] for row in rows}

    @api.model
    def _read_contacted_partners(self, partner_ids):
        """Commercial partners in contact: a lead or opportunity (even lost), a
        quotation or order in any state, or an activity done on them or a contact."""
        if not partner_ids:
            return set()
        commercial = _commercial_id("partner")
        of_partner = _of_commercial("partner", partner_ids)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(commercial)s
                  FROM crm_lead lead
                  JOIN res_partner partner ON partner.id = lead.partner_id
                 WHERE %(of_partner)s
                 UNION
                SELECT %(commercial)s
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE %(of_partner)s
                 UNION
                SELECT %(commercial)s
                  FROM mail_message message
                  JOIN res_partner partner ON message.model = 'res.partner' AND message.res_id = partner.id
                 WHERE message.mail_activity_type_id IS NOT NULL
                   AND %(of_partner)s
                """,
                commercial=commercial,
                of_partner=of_partner,
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _read_level_states(self, partner_ids):
        """{partner id: stored level facts, company and its level settings, salesperson,
        tag interval}. A partner shared by all companies follows the current company.
        Empty settings and an empty level mean their defaults."""
        columns = SQL(", ").join(
            SQL.identifier("partner", fname) for fname in LEVEL_FACTS if fname != "relationship_level"
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT partner.id, partner.company_id, partner.user_id, partner.lang,
                       %(columns)s,
                       COALESCE(partner.relationship_level, %(level)s) AS relationship_level,
                       partner.relationship_level IS NULL AS level_empty,
                       COALESCE(company.level_purchase_threshold, %(threshold)s) AS threshold,
                       COALESCE(company.level_purchase_interval_days, %(interval)s) AS default_interval,
                       COALESCE(company.level_dormant_tolerance, %(tolerance)s) AS tolerance,
                       (SELECT MIN(tag.purchase_interval_days)
                          FROM res_partner_res_partner_category_rel rel
                          JOIN res_partner_category tag ON tag.id = rel.category_id
                         WHERE rel.partner_id = partner.id AND tag.purchase_interval_days > 0
                       ) AS category_interval
                  FROM res_partner partner
                  JOIN res_company company ON company.id = COALESCE(partner.company_id, %(company_id)s)
                 WHERE partner.id = ANY(%(ids)s)
                 ORDER BY partner.id
                """,
                columns=columns,
                level=DEFAULT_LEVEL,
                threshold=DEFAULT_PURCHASE_THRESHOLD,
                interval=DEFAULT_PURCHASE_INTERVAL_DAYS,
                tolerance=DEFAULT_DORMANT_TOLERANCE,
                company_id=self.env.company.id,
                ids=partner_ids,
            )
        )
        return {row["id"]: row for row in rows}

    @api.model
    def _write_level_facts(self, updates):
        """Store the facts on each commercial partner and its contacts, in one query,
        and tell the ORM: the cache of every partner written is invalidated, and the
        fields that depend on the facts (related fields on opportunities, stored
        computes) are marked modified, so that they are right in the same transaction."""
        if not updates:
            return
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s::varchar, %s::date, %s::date, %s::int, %s::int, %s::date)",
                partner_id,
                *(vals[fname] for fname in LEVEL_FACTS),
            )
            for partner_id, vals in updates
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner partner
                   SET relationship_level = v.relationship_level,
                       first_purchase_date = v.first_purchase_date,
                       last_purchase_date = v.last_purchase_date,
                       purchase_count = v.purchase_count,
                       purchase_interval_days = v.purchase_interval_days,
                       next_purchase_date = v.next_purchase_date,
                       write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM (VALUES %(values)s) AS v(id, relationship_level, first_purchase_date, last_purchase_date,
                                               purchase_count, purchase_interval_days, next_purchase_date)
                 WHERE %(commercial)s = v.id
             RETURNING partner.id
                """,
                uid=self.env.uid,
                values=values,
                commercial=_commercial_id("partner"),
            ),
            # A conflict its caller queues is no error of the server's.
            log_exceptions=not self.env.context.get(CONFLICTS_QUEUED),
        )
        partners = self.browse(row[0] for row in self.env.cr.fetchall())
        partners.invalidate_recordset([*LEVEL_FACTS, "write_uid", "write_date"])
        partners.modified(LEVEL_FACTS)

    @api.model
    def _record_level_changes(self, changes):
        """Record the moves of ``changes`` [(partner id, stored state, new level, (event,
        origin))] in the history, and a chatter note on each partner (but at installation)
        in the language of its salesperson, else its own."""
        if not changes:
            return
        salespeople = (
            self.env["res.users"].sudo().browse({state["user_id"] for _pid, state, _level, _cause in changes} - {None})
        )
        teams = {user.id: user.sale_team_id.id for user in salespeople}
        langs = {user.id: user.lang for user in salespeople}
        # Customers without a salesperson are credited to whoever moved them, never to OdooBot.
        acting_user = self.env.user if self.env.uid != SUPERUSER_ID else self.env["res.users"]
        # One INSERT for the batch: the history is a log written by the engine, for
        # whoever's action moved the level; salespeople only read it.
        rows = SQL(", ").join(
            SQL(
                "(%s::int, %s::varchar, %s::varchar, %s::varchar, %s::varchar,"
                " %s::int, %s::int, %s::int, %s::int, %s::int)",
                partner_id,
                state["relationship_level"],
                level,
                event,
                *(origin or (None, None)),
                state["user_id"] or acting_user.id or None,
                teams.get(state["user_id"]) or acting_user.sale_team_id.id or None,
                state["company_id"],
                self.env.uid,
            )
            for partner_id, state, level, (event, origin) in changes
        )
        self.env.execute_query(
            SQL(
                """
                INSERT INTO res_partner_level_change
                       (partner_id, level_from, level_to, event, origin_model, origin_id,
                        salesperson_id, team_id, company_id, user_id,
                        date, create_uid, create_date, write_uid, write_date)
                SELECT v.*, now.utc, %(uid)s, now.utc, %(uid)s, now.utc
                  FROM (VALUES %(rows)s) AS v, (SELECT NOW() AT TIME ZONE 'UTC' AS utc) AS now
                """,
                rows=rows,
                uid=self.env.uid,
            )
        )
        self.invalidate_model(["level_change_count"])
        noted = [change for change in changes if change[3][0] != "initial"]
        by_lang = defaultdict(list)
        for change in noted:
            state = change[1]
            by_lang[langs.get(state["user_id"]) or state["lang"] or self.env.lang or "en_US"].append(change)
        for lang, lang_changes in by_lang.items():
            env = self.with_context(lang=lang).env
            labels = dict(self._fields["relationship_level"]._description_selection(env))
            event_labels = dict(env["res.partner.level.change"]._fields["event"]._description_selection(env))
            env["res.partner"].browse([change[0] for change in lang_changes])._message_log_batch(
                bodies={
                    partner_id: env._(
                        "Relationship level: %(old)s → %(new)s (%(event)s)",
                        old=labels[state["relationship_level"]],
                        new=labels[level],
                        event=event_labels[event],
                    )
                    for partner_id, state, level, (event, _origin) in lang_changes
                }
            )

    def _forget_level_facts(self):
        """Empty the facts of these partners, that Odoo's merge is about to delete: the
        merged partner keeps its own facts (the merge copies only non-empty values), and
        the engine recomputes them from the documents it received."""
        if not self:
            return
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """UPDATE res_partner
                      SET relationship_level = NULL, first_purchase_date = NULL, last_purchase_date = NULL,
                          purchase_count = 0, purchase_interval_days = 0, next_purchase_date = NULL
                    WHERE id = ANY(%s)""",
                self.ids,
            )
        )
        self.invalidate_recordset(list(LEVEL_FACTS))

    def _level_commercial_partners(self):
        """The commercial entities of these partners: a partner whose commercial partner
        is empty (as SQL imports leave it) is its own."""
        return self.browse({(partner.commercial_partner_id or partner).id for partner in self if partner.id})

    @api.model
    def _get_level_batch_size(self):
        return jobs.get_batch_size(self.env, BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE)

    @api.model
    def _origins_of(self, documents):
        """{partner id: (model, id)} of documents that have a partner_id."""
        return {doc.partner_id.id: (doc._name, doc.id) for doc in documents if doc.partner_id}
