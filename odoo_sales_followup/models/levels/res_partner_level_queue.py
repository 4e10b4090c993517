import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, split_every

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
        """Apply the level facts of the queued customers, batch by batch.

        A batch that loses to another transaction again stays queued, and the job is
        triggered again (a fresh transaction then sees the other one's work); a
        customer whose update fails otherwise is logged, reported to the Sales
        administrators and taken out of the queue, and the others are still updated.
        """
        self.env.flush_all()
        entries = self.search([])
        if not entries:
            return
        testing = jobs.is_testing()
        by_partner = defaultdict(list)
        for entry in entries:
            by_partner[entry.partner_id.id].append(entry.id)
        batch_size = self.env["res.partner"]._get_level_batch_size()
        conflicted, failed = [], self.env["res.partner"]
        for batch in split_every(batch_size, list(by_partner), list):
            batch_conflicted, batch_failed = self._apply_level_batch(batch, by_partner)
            conflicted += batch_conflicted
            failed |= batch_failed
            if not testing:
                # Each batch is kept once done, and the next one reads with a fresh snapshot.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        if failed:
            self._notify_level_queue_failure(failed)
        if conflicted:
            _logger.info("Relationship levels: %s queued customers still busy, retried", len(conflicted))
            self._trigger_level_queue()
        if not testing:
            self.env.cr.commit()  # pylint: disable=invalid-commit

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
    def _apply_level_batch(self, partner_ids, by_partner):
        """Apply the entries of ``partner_ids`` (``by_partner``: {partner id: entry ids}).

        :return: (partner ids still busy, partners that failed)
        """
        entries = self.browse(entry_id for partner_id in partner_ids for entry_id in by_partner[partner_id])
        try:
            with self.env.cr.savepoint():
                entries._action_apply_levels()
            return [], self.env["res.partner"]
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            if len(partner_ids) == 1:
                return list(partner_ids), self.env["res.partner"]  # still queued: the next run retries it
        except Exception:
            if len(partner_ids) == 1:
                _logger.exception("Relationship levels: the queued update of partner %s failed", partner_ids[0])
                # Out of the queue: retrying it at every trigger would fail the same way.
                self.env.execute_query(
                    SQL("DELETE FROM res_partner_level_queue WHERE id = ANY(%s)", by_partner[partner_ids[0]])
                )
                return [], self.env["res.partner"].browse(partner_ids)
        # One customer failed or is busy: each is applied alone, so that the others are done.
        conflicted, failed = [], self.env["res.partner"]
        for partner_id in partner_ids:
            partner_conflicted, partner_failed = self._apply_level_batch([partner_id], by_partner)
            conflicted += partner_conflicted
            failed |= partner_failed
        return conflicted, failed

    @api.model
    def _notify_level_queue_failure(self, partners):
        """Report the customers whose queued update failed to their company's Sales
        administrators (the current company's for a shared customer)."""
        by_company = defaultdict(lambda: self.env["res.partner"])
        for partner in partners.sudo():
            by_company[partner.company_id or self.env.company] |= partner
        for company, company_partners in by_company.items():
            jobs.notify_job_failure(
                self.env,
                company,
                self.env._("Relationship levels not updated"),
                self.env._(
                    "The relationship levels of %(partners)s could not be updated after an order, "
                    "invoice or activity of theirs. The other customers are up to date; the server log "
                    "has the details.",
                    partners=", ".join(company_partners.mapped("display_name")),
                ),
            )
