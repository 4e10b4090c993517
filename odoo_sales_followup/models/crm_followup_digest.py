"""Sales digests: who receives them, their sending through the job runner, their
unsubscribe links, and the one hook through which every capability contributes its
sections (``crm.followup.digest._get_digest_sections``), rendered by one generic
template (``odoo_sales_followup.digest_body``) inside Odoo's digest layout.

A section is a ``DigestSection`` (title, figures, up to ``MAX_LINES`` lines each with a
label and a link). A capability adds its own from its package
(``models/<capability>/crm_followup_digest.py``) with ``group.add(sections, key, model,
build)``; the readers of a batch who share their rights form one ``DigestReaders``
group, so that a section costs one query per group, not one per reader."""

import logging
import re
from dataclasses import dataclass, field

from werkzeug.urls import url_encode

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools import DIGEST_PERIODICITIES, digest_period
from . import jobs

_logger = logging.getLogger(__name__)

#: The subscription field of each digest periodicity (``res.users``, ``plans/res_users.py``).
DIGEST_FIELDS = {
    "daily": "followup_digest_daily",
    "weekly": "followup_digest_weekly",
    "monthly": "followup_digest_monthly",
}

PERIODICITY_SELECTION = [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")]

#: A user id in an unsubscribe link: a positive integer that PostgreSQL can hold.
USER_ID_PATTERN = re.compile(r"[1-9][0-9]{0,8}")

#: Lines of a section shown in a digest; the rest is counted.
MAX_LINES = 10

#: The system parameter that orders the sections: their keys, separated by commas.
SECTION_ORDER_PARAM = "odoo_sales_followup.digest_section_order"

#: The order of the sections when the parameter is not set; a section not listed
#: comes after the listed ones, in the order the capabilities added it.
DEFAULT_SECTION_ORDER = (
    "plan",
    "todo",
    "control",
    "deals",
    "criteria_met",
    "contracts",
    "invoices_due",
    "acts_unsigned",
    "levels_moved",
    "dormant",
    "reactivation",
    "chains_stopped",
    # What was missed: the review of mistakes and missed opportunities.
    "overdue_activities",
    "no_next_step",
    "reactivation_missed",
    "aftersale_overdue",
    # The monthly digest ends with the plan's review.
    "plan_review",
)


@dataclass
class DigestLine:
    """One line of a section: ``label`` (linked to ``url`` if any), then ``detail``;
    ``salesperson``: whose line it is, by which a head's or a team leader's digest groups
    the lines of the section (``DigestReaders.section``)."""

    label: str
    url: str = ""
    detail: str = ""
    salesperson: str = ""


@dataclass
class DigestLineGroup:
    """The lines of one salesperson in a section of a head's or team leader's digest."""

    name: str
    lines: list = field(default_factory=list)
    more: int = 0


@dataclass
class DigestSection:
    """What a capability shows in a digest.

    :param key: the section's key, unique, used by the order setting (``SECTION_ORDER_PARAM``)
    :param title: the heading, translated
    :param figures: ``[(label, value)]``, shown as a small table
    :param lines: ``DigestLine``s; ``DigestReaders.section`` keeps ``MAX_LINES`` and counts the rest
    :param more: lines left out
    :param note: a sentence under the title (e.g. which day the figures are of)
    :param empty: shown when the section has neither figures nor lines
    :param groups: ``DigestLineGroup``s: the lines per salesperson, for a head or a team
        leader (then ``lines`` holds the lines of every group, in their order)
    """

    key: str
    title: str
    figures: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    more: int = 0
    note: str = ""
    empty: str = ""
    groups: list = field(default_factory=list)


@dataclass
class DigestReaders:
    """Readers of one batch who share their rights: the same groups, companies and
    language, and the same role (``head``: a Sales administrator; ``leader``: leads a
    sales team, alone in the group, as the scope is theirs; ``salesperson``). What a
    reader's digest reports on is their *scope* (their own documents, their teams', or
    everything), always within their rights."""

    readers: object  # res.users
    env: object  # the environment of the first reader: their rights, their language
    role: str
    periodicity: str
    date_from: object
    date_to: object
    base_url: str

    @property
    def company(self):
        """The readers' company (they share it), whose days the digest counts."""
        return self.readers[:1].company_id

    @property
    def today(self):
        """Today in the company's time zone (``res.company._get_followup_today``)."""
        return self.company._get_followup_today()

    @property
    def start(self):
        """The period's first instant (naive UTC, the company's day), for datetime fields."""
        return self.company._get_followup_day_bounds(self.date_from, self.date_to)[0]

    @property
    def end(self):
        """The instant after the period's last day (naive UTC, the company's day), for
        datetime fields."""
        return self.company._get_followup_day_bounds(self.date_from, self.date_to)[1]

    @property
    def grouped(self):
        """Whether the readers' sections group their lines per salesperson: a head's and
        a team leader's do, a salesperson's are theirs alone."""
        return self.role != "salesperson"

    def period(self, fname, dates=False):
        """The domain of ``fname`` within the period (``dates``: a date field)."""
        if dates:
            return [(fname, ">=", self.date_from), (fname, "<=", self.date_to)]
        return [(fname, ">=", self.start), (fname, "<", self.end)]

    def link(self, record):
        return f"{self.base_url}/odoo/{record._name}/{record.id}"

    def scope(self, user_field="user_id", team_field="team_id"):
        """The domain of the first reader's scope: everything for a head, their own and
        their teams' documents for a leader, their own for a salesperson."""
        user = self.readers[:1]
        if self.role == "head":
            return []
        if self.role == "leader" and team_field:
            return ["|", (user_field, "=", user.id), (f"{team_field}.user_id", "=", user.id)]
        return [(user_field, "=", user.id)]

    def search(self, model, domain, user_field="user_id", team_field="team_id", own=False, order=None):
        """The records of ``model`` matching ``domain`` in each reader's scope (``own``:
        their own documents only, for every role), as {reader id: records}, in ONE query
        for the group. A head's or leader's group reads with the reader's rights; the
        own documents of several readers are read together (superuser) with each
        reader's record rules added to the query, so each gets what they may read."""
        Model = self.env[model]
        if not own and self.role != "salesperson":
            records = Model.search(expression.AND([self.scope(user_field, team_field), domain]), order=order)
            return {reader.id: records for reader in self.readers}
        Rule = self.env["ir.rule"]
        readable = expression.OR(
            [
                expression.AND([[(user_field, "=", reader.id)], Rule.with_user(reader)._compute_domain(model, "read")])
                for reader in self.readers
            ]
        )
        # sudo: several readers' documents in one query; the OR above keeps each
        # reader's own documents that the reader's record rules let them read.
        records = Model.sudo().search(expression.AND([readable, domain]), order=order)
        by_reader = {reader.id: [] for reader in self.readers}
        for record in records:
            user_id = record.mapped(user_field)[:1].id
            if user_id in by_reader:
                by_reader[user_id].append(record.id)
        return {
            reader_id: records.browse(ids).with_prefetch(records._prefetch_ids) for reader_id, ids in by_reader.items()
        }

    def section(self, key, title, lines=(), figures=(), **values):
        """A ``DigestSection`` with ``MAX_LINES`` of ``lines`` and the rest counted; for a
        head or a team leader, lines that name their ``salesperson`` are grouped per
        salesperson (by name), ``MAX_LINES`` per salesperson."""
        lines = list(lines)
        if self.grouped and any(line.salesperson for line in lines):
            by_salesperson = {}
            for line in lines:
                by_salesperson.setdefault(line.salesperson, []).append(line)
            unassigned = self.env._("Unassigned")
            groups = [
                DigestLineGroup(name=name or unassigned, lines=group[:MAX_LINES], more=max(0, len(group) - MAX_LINES))
                for name, group in sorted(by_salesperson.items(), key=lambda item: (not item[0], item[0]))
            ]
            return DigestSection(
                key=key,
                title=title,
                figures=list(figures),
                lines=[line for group in groups for line in group.lines],
                more=sum(group.more for group in groups),
                groups=groups,
                **values,
            )
        return DigestSection(
            key=key,
            title=title,
            figures=list(figures),
            lines=lines[:MAX_LINES],
            more=max(0, len(lines) - MAX_LINES),
            **values,
        )

    def add(self, sections, key, model, build):
        """Add to ``sections`` ({reader id: [DigestSection]}) the section ``key`` that
        ``build(group)`` computes from ``model``: a ``DigestSection`` for every reader of
        the group, or {reader id: DigestSection or None}. A reader who may not read
        ``model`` does not get it, as Odoo's digests skip a KPI on an access error."""
        if not self.env[model].has_access("read"):
            return
        try:
            built = build(self)
        except AccessError:
            _logger.info("Digest section %s skipped for %s: no access", key, self.readers)
            return
        for reader in self.readers:
            section = built.get(reader.id) if isinstance(built, dict) else built
            if section is not None:
                sections[reader.id].append(section)


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
        """Send the ``periodicity`` digest of the period before ``today`` (by default, the
        today of each subscriber's company) to every subscriber who has not had it yet,
        through the job runner (``jobs.run_batches``): batches committed one by one (a
        restart goes on where it stopped), a recipient whose digest fails is logged and
        notified to the administrators while the others get theirs. Returns the digests sent."""
        if periodicity not in DIGEST_PERIODICITIES:
            raise ValueError(f"unknown digest periodicity {periodicity!r}")
        # sudo: the job reads every subscriber and writes the sent markers; each digest
        # itself is computed with its recipient's rights (_get_digest_sections).
        self = self.sudo()
        recipients = self._get_digest_recipients(periodicity)
        # The period is of the days of each recipient's company.
        periods = {
            company: digest_period(periodicity, today or company._get_followup_today())
            for company in recipients.company_id
        }
        already = self._sent_digests(recipients, periodicity, periods).user_id
        pending = recipients - already
        labels = dict(self._fields["periodicity"]._description_selection(self.env))
        jobs.run_batches(
            self.env,
            pending,
            lambda users: self.with_env(users.env)._send_digests(users, periodicity, *periods[users.company_id]),
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
        return self._sent_digests(pending, periodicity, periods)

    @api.model
    def _sent_digests(self, users, periodicity, periods):
        """The digests of ``periods`` ({company: (first day, last day)}) sent to ``users``,
        each of the period of the user's company."""
        digests = self.search(
            [
                ("periodicity", "=", periodicity),
                ("date_from", "in", [date_from for date_from, _date_to in periods.values()]),
                ("user_id", "in", users.ids),
            ]
        )
        return digests.filtered(lambda digest: digest.date_from == periods[digest.user_id.company_id][0])

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
        The sections are computed once per group of readers sharing their rights."""
        mail_values, marker_values = [], []
        order = self._get_digest_section_order()
        for group in self._get_digest_reader_groups(users, periodicity, date_from, date_to):
            sections = self.with_env(group.env)._get_digest_sections(group)
            for user in group.readers:
                subject, body = self._render_digest(user, group, self._sort_digest_sections(sections[user.id], order))
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
    def _get_digest_reader_groups(self, users, periodicity, date_from, date_to):
        """``users`` as ``DigestReaders`` groups: the readers who share their groups,
        companies, language and role (each team leader alone), each group with the
        environment of its first reader."""
        manager_group = self.env.ref("sales_team.group_sale_manager")
        leaders = {
            leader.id
            for [leader] in self.env["crm.team"].sudo()._read_group([("user_id", "in", users.ids)], ["user_id"])
        }
        grouped = {}
        for user in users:
            if manager_group in user.groups_id:
                role = "head"
            elif user.id in leaders:
                role = "leader"
            else:
                role = "salesperson"
            key = (
                role,
                user.id if role == "leader" else None,
                frozenset(user.groups_id.ids),
                frozenset(user.company_ids.ids),
                user.company_id.id,
                user.lang or "en_US",
            )
            grouped.setdefault(key, []).append(user.id)
        groups = []
        for key, user_ids in grouped.items():
            readers = users.browse(user_ids)
            env = self.env(user=readers[0], su=False, context=dict(self.env.context, lang=key[-1]))
            groups.append(
                DigestReaders(
                    readers=readers,
                    env=env,
                    role=key[0],
                    periodicity=periodicity,
                    date_from=date_from,
                    date_to=date_to,
                    base_url=readers[0].get_base_url(),
                )
            )
        return groups

    def _get_digest_sections(self, group):
        """Hook: the sections of the digests of the readers of ``group`` (a
        ``DigestReaders``), as {reader id: [DigestSection]}, computed in the environment of
        the group's first reader (their rights, their language). Each capability adds its
        own from its package, after ``super()``, with ``group.add(sections, key, model,
        build)``; the order is ``_sort_digest_sections``'s."""
        return {reader.id: [] for reader in group.readers}

    @api.model
    def _get_digest_section_order(self):
        """The keys of the sections in the order a digest shows them: the system parameter
        ``odoo_sales_followup.digest_section_order`` (keys separated by commas), else
        ``DEFAULT_SECTION_ORDER``."""
        raw = self.env["ir.config_parameter"].sudo().get_param(SECTION_ORDER_PARAM) or ""
        keys = [key.strip() for key in raw.split(",") if key.strip()]
        return keys or list(DEFAULT_SECTION_ORDER)

    @api.model
    def _sort_digest_sections(self, sections, order):
        """``sections`` in the ``order`` of their keys; a section it does not list comes
        after the listed ones, in the order it was added."""
        index = {key: position for position, key in enumerate(order)}
        return sorted(sections, key=lambda section: index.get(section.key, len(index)))

    @api.model
    def _render_digest(self, user, group, sections):
        """The subject and HTML body of ``user``'s digest (a reader of ``group``), in the
        group's language, with ``sections``."""
        env = group.env
        period = (
            format_date(env, group.date_from)
            if group.date_from == group.date_to
            else f"{format_date(env, group.date_from)} – {format_date(env, group.date_to)}"
        )
        subjects = {
            "daily": env._("Daily sales digest: %(period)s", period=period),
            "weekly": env._("Weekly sales digest: %(period)s", period=period),
            "monthly": env._("Monthly sales digest: %(period)s", period=period),
        }
        values = {
            "title": subjects[group.periodicity],
            "user": user,
            "greeting": env._("Hello %(name)s, here is where your sales stand.", name=user.name),
            "more_text": lambda count: env._("… and %(count)s more", count=count),
            "sections": sections,
            "unsubscribe_url": self._get_unsubscribe_url(user, group.periodicity),
        }
        body = env["ir.qweb"]._render("odoo_sales_followup.digest_body", values)
        full = env["mail.render.mixin"]._render_encapsulate(
            "digest.digest_mail_layout", body, add_context={"company": user.company_id, "user": user}
        )
        return subjects[group.periodicity], full
