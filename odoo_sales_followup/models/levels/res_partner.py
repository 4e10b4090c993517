import threading
from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, split_every

from ...tools import LEVEL_SELECTION, relationship_level, typical_interval
from .. import before_commit

#: Key of the partners to update at the end of the transaction, in ``cr.precommit.data``.
PENDING_UPDATES = "odoo_sales_followup.level_updates"

#: Stored facts of the level engine, kept equal on a commercial partner and its contacts.
LEVEL_FACTS = (
    "relationship_level",
    "first_purchase_date",
    "last_purchase_date",
    "purchase_count",
    "purchase_interval_days",
    "next_purchase_date",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    relationship_level = fields.Selection(
        LEVEL_SELECTION,
        string="Relationship level",
        default="potential",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        help="Where the relationship with this customer stands, computed from sales data: "
        "potential (no contact yet), prospect (in contact, no purchase), new customer "
        "(first purchases), active customer (buys regularly), dormant customer (past the "
        "usual purchase interval). Contacts show their company's level.",
    )
    first_purchase_date = fields.Date(string="First purchase date", readonly=True, index=True, copy=False)
    last_purchase_date = fields.Date(string="Last purchase date", readonly=True, index=True, copy=False)
    purchase_count = fields.Integer(
        string="Purchases",
        readonly=True,
        index=True,
        copy=False,
        help="Confirmed sales orders plus posted customer invoices that belong to no order.",
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
        commercial = self.commercial_partner_id.filtered("id")
        counts = dict(
            self.env["res.partner.level.change"]._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.level_change_count = counts.get(partner.commercial_partner_id, 0)

    # ---- CRUD ----

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + list(LEVEL_FACTS)

    def write(self, vals):
        previous = self.commercial_partner_id if "parent_id" in vals else self.browse()
        result = super().write(vals)
        if {"parent_id", "category_id"} & vals.keys():
            # A contact's documents move with it to its new company; tags set the interval.
            (previous | self)._update_relationship_levels("recompute")
        return result

    # ---- ACTIONS ----

    def action_recompute_relationship_levels(self):
        """Recompute the relationship levels of these partners from their history.

        On an empty recordset, rebuild every partner's level (Sales administrators only).

        :return: the number of commercial partners recomputed
        """
        if self:
            self.check_access("read")
            partner_ids = self.commercial_partner_id.ids
            self._process_level_batches(partner_ids, "recompute")
            return len(partner_ids)
        if not self.env.is_superuser() and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only Sales administrators can recompute the relationship levels of every partner."))
        return self._rebuild_relationship_levels("recompute")

    def action_view_level_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_partner_level_change")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        action["views"] = [(False, "list"), (False, "form"), (False, "pivot"), (False, "graph")]
        return action

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
            pending.pop(partner_id, None)  # the latest event, with its document, is the cause
            pending[partner_id] = (event, origins.get(partner_id))

    @api.model
    def _apply_pending_level_updates(self):
        """Hook: apply now the level updates this transaction queued (they run before
        the commit otherwise). Other capabilities call it before they read the stored
        level facts in SQL, so that a purchase of the same transaction counts."""
        pending = before_commit.take(self.env, PENDING_UPDATES, {})
        if not pending:
            return
        self.env.flush_all()  # commercial entities of partners created in this transaction
        commercial = dict(
            self.env.execute_query(
                SQL("SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%s)", list(pending))
            )
        )
        causes = {}
        for partner_id, (event, origin) in pending.items():
            if commercial_id := commercial.get(partner_id):
                # The latest event of a company and its contacts is the cause.
                causes.pop(commercial_id, None)
                causes[commercial_id] = (event, origin)
        by_event = defaultdict(dict)
        for commercial_id, (event, origin) in causes.items():
            by_event[event][commercial_id] = origin
        for event, origins in by_event.items():
            self._process_level_batches(list(origins), event, origins)
        self.env.flush_all()

    @api.model
    def _cron_update_relationship_levels(self):
        """Daily: move customers whose expected purchase is overdue to dormant."""
        self.env.flush_all()
        candidates = self.env.execute_query(
            SQL(
                """SELECT id FROM res_partner
                    WHERE id = commercial_partner_id
                      AND relationship_level IN ('new', 'active')
                      AND next_purchase_date < %s
                 ORDER BY id""",
                fields.Date.today(),
            )
        )
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        self._process_level_batches([row[0] for row in candidates], "scheduled", auto_commit=auto_commit)

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
                            WHERE id = commercial_partner_id AND id > %s
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
    def _process_level_batches(self, partner_ids, event, origins=None, auto_commit=False):
        """Apply the level facts to commercial partners, batch by batch.

        :param auto_commit: commit and report progress after each batch (cron)
        """
        self.env.flush_all()
        batch_size = self._get_level_batch_size()
        done = 0
        for batch in split_every(batch_size, partner_ids, list):
            self._apply_level_facts(batch, event, origins or {})
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
                self.env.cr.commit()
            if len(partner_ids) > batch_size:
                # Keep memory bounded by the batch, not by the number of partners.
                self.env.invalidate_all()

    @api.model
    def _apply_level_facts(self, partner_ids, event, origins):
        facts = self._read_purchase_facts(partner_ids)
        contacted = self._read_contacted_partners([pid for pid in partner_ids if pid not in facts])
        states = self._read_level_states(partner_ids)
        today = fields.Date.today()
        updates, changes = [], []
        for partner_id, state in states.items():
            count, first, last, purchase_days, median_gap = facts.get(partner_id, (0, None, None, 0, None))
            interval = typical_interval(
                median_gap, purchase_days, state["category_interval"] or state["default_interval"]
            )
            level = relationship_level(
                count,
                last and (today - last).days,
                interval,
                state["threshold"],
                state["tolerance"],
                partner_id in contacted,
            )
            values = {
                "relationship_level": level,
                "first_purchase_date": first,
                "last_purchase_date": last,
                "purchase_count": count,
                "purchase_interval_days": interval,
                "next_purchase_date": last and last + timedelta(days=interval),
            }
            if any(values[fname] != state[fname] for fname in LEVEL_FACTS):
                updates.append((partner_id, values))
            if level != state["relationship_level"]:
                changes.append((partner_id, state, level))
        self._write_level_facts(updates)
        self._record_level_changes(changes, event, origins)

    @api.model
    def _read_purchase_facts(self, partner_ids):
        """{commercial partner id: (purchases, first day, last day, purchase days, median gap)}.

        A purchase is a confirmed sales order (dated by its order date) or a posted
        customer invoice linked to no order line (dated by its invoice date), of the
        partner or of any of its contacts, in any company.
        """
        if not partner_ids:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
                WITH purchase AS (
                    SELECT partner.commercial_partner_id AS partner_id, so.date_order::date AS day
                      FROM sale_order so
                      JOIN res_partner partner ON partner.id = so.partner_id
                     WHERE so.state = 'sale'
                       AND partner.commercial_partner_id = ANY(%(ids)s)
                    UNION ALL
                    SELECT move.commercial_partner_id, move.invoice_date
                      FROM account_move move
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.commercial_partner_id = ANY(%(ids)s)
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
            )
        )
        return {row[0]: row[1:] for row in rows}

    @api.model
    def _read_contacted_partners(self, partner_ids):
        """Commercial partners in contact: a lead or opportunity (even lost), a
        quotation or order in any state, or an activity done on them or a contact."""
        if not partner_ids:
            return set()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id
                  FROM crm_lead lead
                  JOIN res_partner partner ON partner.id = lead.partner_id
                 WHERE partner.commercial_partner_id = ANY(%(ids)s)
                 UNION
                SELECT partner.commercial_partner_id
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE partner.commercial_partner_id = ANY(%(ids)s)
                 UNION
                SELECT partner.commercial_partner_id
                  FROM mail_message message
                  JOIN res_partner partner ON message.model = 'res.partner' AND message.res_id = partner.id
                 WHERE message.mail_activity_type_id IS NOT NULL
                   AND partner.commercial_partner_id = ANY(%(ids)s)
                """,
                ids=partner_ids,
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _read_level_states(self, partner_ids):
        """{partner id: stored level facts, company and its level settings, salesperson,
        tag interval}. A partner shared by all companies follows the current company."""
        columns = SQL(", ").join(SQL.identifier("partner", fname) for fname in LEVEL_FACTS)
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT partner.id, partner.company_id, partner.user_id,
                       %(columns)s,
                       company.level_purchase_threshold AS threshold,
                       company.level_purchase_interval_days AS default_interval,
                       company.level_dormant_tolerance AS tolerance,
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
                company_id=self.env.company.id,
                ids=partner_ids,
            )
        )
        return {row["id"]: row for row in rows}

    @api.model
    def _write_level_facts(self, updates):
        """Store the facts on each commercial partner and its contacts, in one query."""
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
        self.env.execute_query(
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
                 WHERE partner.commercial_partner_id = v.id
                """,
                uid=self.env.uid,
                values=values,
            )
        )
        self.invalidate_model([*LEVEL_FACTS, "write_uid", "write_date"])

    @api.model
    def _record_level_changes(self, changes, event, origins):
        if not changes:
            return
        salespeople = (
            self.env["res.users"].sudo().browse({state["user_id"] for _pid, state, _level in changes} - {None})
        )
        teams = {user.id: user.sale_team_id.id for user in salespeople}
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
                *(origins.get(partner_id) or (None, None)),
                state["user_id"] or acting_user.id or None,
                teams.get(state["user_id"]) or acting_user.sale_team_id.id or None,
                state["company_id"],
                self.env.uid,
            )
            for partner_id, state, level in changes
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
        if event == "initial":
            return
        labels = dict(self._fields["relationship_level"]._description_selection(self.env))
        events = dict(self.env["res.partner.level.change"]._fields["event"]._description_selection(self.env))
        partners = self.browse([partner_id for partner_id, _state, _level in changes])
        partners._message_log_batch(
            bodies={
                partner_id: self.env._(
                    "Relationship level: %(old)s → %(new)s (%(event)s)",
                    old=labels[state["relationship_level"]],
                    new=labels[level],
                    event=events[event],
                )
                for partner_id, state, level in changes
            }
        )

    @api.model
    def _get_level_batch_size(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("odoo_sales_followup.level_batch_size", 5000))

    @api.model
    def _origins_of(self, documents):
        """{partner id: (model, id)} of documents that have a partner_id."""
        return {doc.partner_id.id: (doc._name, doc.id) for doc in documents if doc.partner_id}
