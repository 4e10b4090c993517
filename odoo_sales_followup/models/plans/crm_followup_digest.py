import logging
import re
from datetime import datetime, time, timedelta

from werkzeug.urls import url_encode

from odoo import api, fields, models, tools
from odoo.tools import format_amount, format_date

from ...tools import DIGEST_PERIODICITIES, digest_period
from .. import jobs
from .res_users import DIGEST_FIELDS

_logger = logging.getLogger(__name__)

PERIODICITY_SELECTION = [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")]

#: Stop reasons of a chain that ended without an outcome (a missed chance).
MISSED_STOP_REASONS = ("manual", "stage", "activity_deleted", "calendar", "delay")

#: A user id in an unsubscribe link: a positive integer that PostgreSQL can hold.
USER_ID_PATTERN = re.compile(r"[1-9][0-9]{0,8}")

#: Lines of a list shown in a digest; the rest is counted.
MAX_LINES = 10


class CrmFollowupDigest(models.Model):
    """A sales digest sent: one per recipient, periodicity and period, written in the
    transaction that queues the email, so that a restarted job sends no second copy."""

    _name = "crm.followup.digest"
    _description = "Sales digest sent"
    _order = "date_from desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Recipient", required=True, readonly=True, ondelete="cascade")
    periodicity = fields.Selection(PERIODICITY_SELECTION, required=True, readonly=True)
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    mail_id = fields.Many2one(
        "mail.mail", string="Email", compute="_compute_mail_id", help="The email, until it is sent and deleted."
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)

    _sql_constraints = [
        (
            "user_period_unique",
            "UNIQUE(user_id, periodicity, date_from)",
            "A digest is sent once per recipient and period.",
        )
    ]

    def _compute_mail_id(self):
        # sudo: outgoing mails are readable by administrators only; the field shows which
        # mail of the queue is this digest's.
        mails = self.env["mail.mail"].sudo().search([("model", "=", self._name), ("res_id", "in", self.ids)])
        by_digest = {mail.res_id: mail.id for mail in mails}
        for digest in self:
            digest.mail_id = by_digest.get(digest.id, False)

    # ---- SCHEDULED ACTIONS ----

    @api.model
    def _cron_send_daily(self):
        return self._cron_send("daily")

    @api.model
    def _cron_send_weekly(self):
        return self._cron_send("weekly")

    @api.model
    def _cron_send_monthly(self):
        return self._cron_send("monthly")

    @api.model
    def _cron_send(self, periodicity, today=None):
        """Send the ``periodicity`` digest of the period before ``today`` to every subscriber
        who has not had it yet, through the job runner (``jobs.run_batches``): batches
        committed one by one (a restart goes on where it stopped), a recipient whose
        digest fails is logged and notified to the administrators while the others get
        theirs. Returns the digests sent."""
        if periodicity not in DIGEST_PERIODICITIES:
            raise ValueError(f"unknown digest periodicity {periodicity!r}")
        # sudo: the job reads every subscriber and writes the sent markers; each digest
        # itself is computed with its recipient's rights (_get_digest_values).
        self = self.sudo()
        date_from, date_to = digest_period(periodicity, today or fields.Date.today())
        recipients = self._get_digest_recipients(periodicity)
        already = self._sent_digests(recipients, periodicity, date_from).user_id
        pending = recipients - already
        labels = dict(self._fields["periodicity"]._description_selection(self.env))
        jobs.run_batches(
            self.env,
            pending,
            lambda users: self.with_env(users.env)._send_digests(users, periodicity, date_from, date_to),
            job_name=f"Sales digests ({periodicity})",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.digest_batch_size", 50),
            company_of=lambda user: user.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Sales digests not sent"),
                self.env._(
                    "The sales digest (%(periodicity)s) could not be sent to %(failed)s of %(total)s recipients "
                    "of %(company)s: %(problem)s. The others received theirs; the next run tries again, and "
                    "the server log has the details.",
                    periodicity=labels[periodicity],
                    failed=failed,
                    total=total,
                    company=company.name,
                    problem=problem,
                ),
            ),
        )
        return self._sent_digests(pending, periodicity, date_from)

    @api.model
    def _sent_digests(self, users, periodicity, date_from):
        return self.search(
            [("periodicity", "=", periodicity), ("date_from", "=", date_from), ("user_id", "in", users.ids)]
        )

    @api.model
    def _get_digest_recipients(self, periodicity):
        """Hook: the users who receive the ``periodicity`` digest: the subscribers who may
        read sales data (the subscriptions of others are ignored)."""
        return self.env["res.users"].search(
            [
                (DIGEST_FIELDS[periodicity], "=", True),
                ("share", "=", False),
                ("email", "!=", False),
                ("groups_id", "in", self.env.ref("sales_team.group_sale_salesman").ids),
            ]
        )

    def _send_digests(self, users, periodicity, date_from, date_to):
        """Queue the digest of each of ``users`` and mark it sent, in one transaction.
        The digests read the plans' figures; they write none (``_get_digest_values``)."""
        mail_values, marker_values = [], []
        for user in users:
            subject, body = self._render_digest(user, periodicity, date_from, date_to)
            mail_values.append(self._prepare_digest_mail_values(user, periodicity, subject, body))
            marker_values.append(
                {
                    "user_id": user.id,
                    "periodicity": periodicity,
                    "date_from": date_from,
                    "date_to": date_to,
                    "company_id": user.company_id.id,
                }
            )
        # The marker and its email in the same transaction: a restart sends no second copy.
        # The email belongs to its marker, so that whoever runs the mail queue may send it.
        digests = self.create(marker_values)
        for values, digest in zip(mail_values, digests, strict=True):
            values.update(model=self._name, res_id=digest.id)
        self.env["mail.mail"].create(mail_values)
        return digests

    def _prepare_digest_mail_values(self, user, periodicity, subject, body):
        unsubscribe_url = self._get_unsubscribe_url(user, periodicity, one_click=True)
        company = user.company_id
        return {
            "auto_delete": True,
            "author_id": self.env.ref("base.partner_root").id,
            "body_html": body,
            "email_from": company.partner_id.email_formatted or self.env.ref("base.user_root").email_formatted,
            "email_to": user.email_formatted,
            "recipient_ids": [],
            "headers": {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Auto-Response-Suppress": "OOF",
            },
            "state": "outgoing",
            "subject": subject,
        }

    # ---- UNSUBSCRIBE ----

    @api.model
    def _get_unsubscribe_token(self, user_id, periodicity):
        """A token that lets ``user_id`` leave the ``periodicity`` digest without logging in,
        as Odoo's own digests do."""
        return tools.hmac(self.env(su=True), "odoo_sales_followup-digest-unsubscribe", (user_id, periodicity))

    @api.model
    def _get_unsubscribe_url(self, user, periodicity, one_click=False):
        params = url_encode({"token": self._get_unsubscribe_token(user.id, periodicity), "user_id": user.id})
        route = "unsubscribe_oneclick" if one_click else "unsubscribe"
        return f"{user.get_base_url()}/odoo_sales_followup/digest/{periodicity}/{route}?{params}"

    @api.model
    def _unsubscribe(self, user_id, periodicity, token):
        """Leave the digest if ``token`` is the user's; returns the user, else None (also
        for any malformed parameter: the route answers 404)."""
        if (
            periodicity not in DIGEST_FIELDS
            or not isinstance(token, str)
            or not token.isascii()
            or not isinstance(user_id, int | str)
            or not USER_ID_PATTERN.fullmatch(str(user_id))
        ):
            return None
        user = self.env["res.users"].sudo().browse(int(user_id)).exists()
        if not user or not tools.consteq(self._get_unsubscribe_token(user.id, periodicity), token):
            return None
        user.write({DIGEST_FIELDS[periodicity]: False})
        return user

    # ---- CONTENT ----

    @api.model
    def _render_digest(self, user, periodicity, date_from, date_to):
        """The subject and HTML body of ``user``'s digest, in the user's language, with
        only what the user may read."""
        env = self.env(user=user, su=False, context=dict(self.env.context, lang=user.lang or "en_US"))
        Digest = self.with_env(env)
        values = Digest._get_digest_values(user, periodicity, date_from, date_to)
        subjects = {
            "daily": env._("Daily sales digest: %(period)s", period=values["period"]),
            "weekly": env._("Weekly sales digest: %(period)s", period=values["period"]),
            "monthly": env._("Monthly sales digest: %(period)s", period=values["period"]),
        }
        values["title"] = subjects[periodicity]
        body = env["ir.qweb"]._render("odoo_sales_followup.plans_digest_body", values)
        full = env["mail.render.mixin"]._render_encapsulate(
            "digest.digest_mail_layout", body, add_context={"company": user.company_id, "user": user}
        )
        return subjects[periodicity], full

    def _scope(self, user, role, user_field="user_id"):
        """The domain of what a digest reports on: the recipient's own documents, a team
        leader's teams, everything for the sales head (within the reader's rights)."""
        if role == "head":
            return []
        if role == "leader":
            return ["|", (user_field, "=", user.id), ("team_id.user_id", "=", user.id)]
        return [(user_field, "=", user.id)]

    def _get_digest_values(self, user, periodicity, date_from, date_to):
        """Hook: what the QWeb template ``plans_digest_body`` shows, computed in the
        environment of the recipient (their rights, their language). Override to add a
        section."""
        env = self.env
        if user.has_group("sales_team.group_sale_manager"):
            role = "head"
        elif env["crm.team"].search_count([("user_id", "=", user.id)]):
            role = "leader"
        else:
            role = "salesperson"
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        base_url = user.get_base_url()

        def link(record):
            return f"{base_url}/odoo/{record._name}/{record.id}"

        def money(amount, currency):
            return format_amount(env, amount, currency)

        # Plans of the period's last day, biggest revenue gaps first, with today's figures:
        # computed for the digest, not written (a digest never rewrites the plans).
        plans = env["crm.sales.plan"].search([("date_from", "<=", date_to), ("date_to", ">=", date_to)], order="id")
        figures = plans._get_current_figures()
        plans = plans.sorted(lambda plan: -figures[plan.id]["revenue_gap"])
        plan_lines = []
        for plan in plans:
            figure = figures[plan.id]
            plan_lines.append(
                {
                    "salesperson": plan.user_id.name,
                    "period": plan.display_name,
                    "revenue": money(figure["actual_revenue"], plan.currency_id),
                    "target": money(plan.target_revenue, plan.currency_id),
                    "progress": round(figure["progress_revenue"]),
                    "forecast": money(figure["forecast_revenue"], plan.currency_id),
                    "gap": money(figure["revenue_gap"], plan.currency_id),
                    "new_customers": f"{figure['actual_new_customers']} / {plan.target_new_customers}",
                    "activities": f"{figure['actual_activities']} / {plan.target_activities}",
                    "url": link(plan),
                }
            )
        # What to do, per salesperson (the control report), with the reader's rights.
        MyDay = env["crm.followup.my.day"]
        kinds = dict(MyDay._fields["kind"]._description_selection(env))
        control = {}
        for salesperson, kind, count in MyDay._read_group(self._scope(user, role), ["user_id", "kind"], ["__count"]):
            row = control.setdefault(salesperson, {"salesperson": salesperson.name or env._("Unassigned")})
            row[kind] = count
        control_rows = sorted(control.values(), key=lambda row: -sum(v for v in row.values() if isinstance(v, int)))
        todo = MyDay.search([("user_id", "=", user.id)], limit=MAX_LINES)
        todo_lines = [
            {
                "kind": kinds.get(line.kind),
                "name": line.name,
                "date": format_date(env, line.date),
                "url": f"{base_url}/odoo/{line.res_model}/{line.res_id}",
            }
            for line in todo
        ]
        Lead = env["crm.lead"].with_context(active_test=False)
        lead_scope = self._scope(user, role)
        won = Lead.search(
            [
                *lead_scope,
                ("active", "=", True),
                ("stage_id.is_won", "=", True),
                ("date_closed", ">=", start),
                ("date_closed", "<", end),
            ]
        )
        lost = Lead.search(
            [
                *lead_scope,
                ("active", "=", False),
                ("probability", "=", 0),
                ("date_closed", ">=", start),
                ("date_closed", "<", end),
            ]
        )
        deal_lines = [
            {
                "outcome": env._("Won") if lead.active else env._("Lost"),
                "name": lead.name,
                "customer": lead.partner_id.display_name or "",
                "salesperson": lead.user_id.name or "",
                "amount": money(lead.expected_revenue, lead.company_currency),
                "reason": lead.lost_reason_id.name or "",
                "url": link(lead),
            }
            for lead in won | lost
        ]
        dormant = env["res.partner.level.change"].search(
            [
                *self._scope(user, role, "salesperson_id"),
                ("level_to", "in", env["res.partner"]._get_level_groups()["dormant"]),
                ("date", ">=", start),
                ("date", "<", end),
            ]
        )
        dormant_lines = [
            {
                "name": change.partner_id.display_name,
                "date": format_date(env, change.date.date()),
                "url": link(change.partner_id),
            }
            for change in dormant
        ]
        invoice_lines = []
        Move = env["account.move"]
        if Move.has_access("read"):
            invoices = Move.search(
                [
                    *self._scope(user, role, "invoice_user_id"),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )
            invoice_lines = [
                {
                    "name": move.name,
                    "customer": move.partner_id.display_name,
                    "due": format_date(env, move.invoice_date_due),
                    "amount": money(move.amount_residual, move.currency_id),
                    "url": link(move),
                }
                for move in invoices
            ]
        chain_lines = []
        Run = env["followup.chain.run"]
        if role != "salesperson" and Run.has_access("read"):
            runs = Run.search(
                [
                    *self._scope(user, role),
                    ("state", "=", "stopped"),
                    ("stop_reason", "in", MISSED_STOP_REASONS),
                    ("date_end", ">=", date_from),
                    ("date_end", "<=", date_to),
                ]
            )
            reasons = dict(Run._fields["stop_reason"]._description_selection(env))
            chain_lines = [{"name": run.name, "reason": reasons.get(run.stop_reason), "url": link(run)} for run in runs]
        period = (
            format_date(env, date_from)
            if date_from == date_to
            else f"{format_date(env, date_from)} – {format_date(env, date_to)}"
        )
        return {
            "user": user,
            "role": role,
            "period": period,
            "plans": plan_lines,
            "control": control_rows,
            "kinds": kinds,
            "todo": todo_lines,
            "deals": deal_lines,
            "dormant": dormant_lines[:MAX_LINES],
            "dormant_count": len(dormant_lines),
            "invoices": invoice_lines[:MAX_LINES],
            "invoice_count": len(invoice_lines),
            "chains": chain_lines[:MAX_LINES],
            "chain_count": len(chain_lines),
            "base_url": base_url,
            "unsubscribe_url": self._get_unsubscribe_url(user, periodicity),
        }
