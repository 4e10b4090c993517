import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .. import jobs
from .res_partner import CONFLICTS_QUEUED
from .res_partner_level_change import EVENT_SELECTION

_logger = logging.getLogger(__name__)


class ResPartnerLevelQueue(models.Model):
    """Customers whose level facts a transaction could not write without waiting for,
    or losing to, another transaction that wrote the same customer (a busy customer
    whose orders several salespeople confirm at once).

    The user's transaction only inserts rows here: a plain ``INSERT`` (no unique key,
    no ``ON CONFLICT``, which fails under Odoo's repeatable read when another
    transaction queued the same customer), so queuing never conflicts. The job
    *Sales follow-up: apply queued relationship levels*, triggered by the queuing,
    recomputes these customers from scratch within seconds, each in a short
    transaction of its own; the daily level job drains what a lost trigger left.
    """

    _name = "res.partner.level.queue"
    _description = "Relationship level to update"
    _order = "id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    event = fields.Selection(EVENT_SELECTION, required=True)
    origin_model = fields.Char(string="Cause model")
    origin_id = fields.Many2oneReference(string="Cause ID", model_field="origin_model")
    user_id = fields.Many2one("res.users", string="Changed by", ondelete="set null")

    # ---- ACTIONS ----

    @api.model
    def _cron_apply_level_queue(self):
        """Apply the level facts of the queued customers, batch by batch, through the jobs'
        runner: a batch that loses to another transaction is retried from a fresh snapshot;
        a customer whose update still fails stays queued for the next run (the next queuing,
        or the daily level job), is logged and reported, and the others are updated."""
        self.env.flush_all()
        partners = self.search([]).partner_id
        if not partners:
            return
        jobs.run_batches(
            self.env,
            partners,
            lambda batch: batch.env["res.partner.level.queue"]._apply_queued(batch),
            job_name="Queued relationship levels",
            batch_size=self.env["res.partner"]._get_level_batch_size(),
            company_of=lambda partner: partner.company_id,
            notice=self._get_level_queue_notice,
        )

    @api.model
    def _apply_queued(self, partners):
        """The runner's work: apply what is queued for ``partners``."""
        self.search([("partner_id", "in", partners.ids)])._action_apply_levels()

    def _action_apply_levels(self):
        """Recompute the level facts of these entries' customers from scratch, record
        their moves once with the events of the entries, and remove the entries.

        Idempotent: a customer already up to date is not written again, and its move
        is not recorded twice. Each move is credited to the user whose action queued it.
        """
        if not self:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT queue.partner_id, queue.event, queue.origin_model, queue.origin_id, queue.user_id
                     FROM res_partner_level_queue queue
                    WHERE queue.id = ANY(%s)
                 ORDER BY queue.id""",
                self.ids,
            )
        )
        events, users = defaultdict(dict), {}
        for partner_id, event, origin_model, origin_id, user_id in rows:
            # The latest document of each event, in the order of the events (as before commit).
            events[partner_id].pop(event, None)
            events[partner_id][event] = (origin_model, origin_id) if origin_model and origin_id else None
            users[partner_id] = user_id
        by_user = defaultdict(list)
        for partner_id, user_id in users.items():
            by_user[user_id].append(partner_id)
        known_users = {user.id: user for user in self.env["res.users"].browse(uid for uid in by_user if uid).exists()}
        Partner = self.env["res.partner"]
        for user_id, partner_ids in by_user.items():
            user = known_users.get(user_id)
            # sudo: the engine's bookkeeping, credited to the user whose action caused it,
            # as it is when their own transaction applies it.
            engine = (Partner.with_user(user) if user else Partner).sudo().with_context(**{CONFLICTS_QUEUED: True})
            engine._process_level_batches(
                partner_ids,
                None,
                events={partner_id: list(events[partner_id].items()) for partner_id in partner_ids},
            )
        self.env.flush_all()
        self.env.execute_query(SQL("DELETE FROM res_partner_level_queue WHERE id = ANY(%s)", self.ids))
        self.invalidate_model()

    # ---- BUSINESS METHODS ----

    @api.model
    def _queue_level_updates(self, events):
        """Queue customers whose facts the current transaction could not write, and
        trigger the job that applies them.

        :param events: {commercial partner id: [(event, origin)], oldest first}
        """
        if not events:
            return
        # sudo: the queue is the engine's bookkeeping; users have no access to it.
        self.sudo().create(
            [
                {
                    "partner_id": partner_id,
                    "event": event,
                    "origin_model": origin[0] if origin else False,
                    "origin_id": origin[1] if origin else False,
                    "user_id": self.env.uid,
                }
                for partner_id, partner_events in events.items()
                for event, origin in partner_events
            ]
        )
        self._trigger_level_queue()

    @api.model
    def _trigger_level_queue(self):
        cron = self.env.ref("odoo_sales_followup.ir_cron_relationship_level_queue", raise_if_not_found=False)
        if cron:
            # sudo: any user's transaction may queue a customer; only the job applies it.
            cron.sudo()._trigger()

    # ---- PRIVATE HELPERS ----

    @api.model
    def _get_level_queue_notice(self, company, failed, total, problem):
        return (
            self.env._("Relationship levels not updated"),
            self.env._(
                "The relationship levels of %(failed)s of %(total)s customers of %(company)s could not be "
                "updated after an order, invoice or activity of theirs: %(problem)s. They stay queued for the "
                "next run; the other customers are up to date, and the server log has the details.",
                failed=failed,
                total=total,
                company=company.name,
                problem=problem,
            ),
        )
