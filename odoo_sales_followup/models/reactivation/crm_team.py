import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, formatLang

from ...tools.reactivation import (
    ASSIGNMENT_RULES,
    DEFAULT_ASSIGNMENT_RULE,
    DEFAULT_MIN_PURCHASES,
    DEFAULT_PROBABILITY,
    DEFAULT_WEEKLY_CAPACITY,
    ReactivationAssigner,
    reactivation_priority,
)
from .. import jobs

_logger = logging.getLogger(__name__)

#: Customers shown by the preview at most (the count covers them all).
PREVIEW_LIMIT = 500

#: System parameter of the number of customers the scan creates opportunities for at once.
BATCH_SIZE_PARAMETER = "odoo_sales_followup.reactivation_batch_size"
DEFAULT_BATCH_SIZE = 1000


class CrmTeam(models.Model):
    _name = "crm.team"
    _inherit = ["crm.team", "followup.bounds.mixin"]
    _followup_bounds = {"reactivation_probability": (0, 100)}

    # Not required: empty (a team created by SQL) means the default, read with it in SQL.
    reactivation_probability = fields.Float(
        string="Reactivation probability (%)",
        default=DEFAULT_PROBABILITY,
        help="Probability the reactivation opportunities of this team start at, from 0 to 100. "
        "It is kept whatever Odoo's predictive lead scoring computes: a customer who stopped "
        "buying is not an ordinary lead.",
    )

    # ---- ACTIONS ----

    def action_reactivation_scan(self):
        """Run the reactivation scan of the current company now (Sales administrators)."""
        self._check_reactivation_access()
        team = self._get_reactivation_team()
        result = team._action_reactivation_scan()
        if result["created"]:
            message = _("Customers added to the %(team)s pipeline: %(count)s.", count=result["created"], team=team.name)
        else:
            message = _("No customer to call back: the %(team)s pipeline is up to date.", team=team.name)
        if result["left"]:
            message += " " + _(
                "Waiting for the next scan, the team being at its weekly capacity: %(count)s.", count=result["left"]
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not result["left"] else "warning",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ---- SCAN ----

    @api.model
    def _cron_reactivation_scan(self):
        """Scheduled: scan every company that has a reactivation team, through the job
        runner (``jobs.run_batches``).

        A company whose scan fails (a team without members, or any unexpected error) is
        skipped: the problem is logged and the company's Sales administrators (else its
        system administrators) are notified, and the other companies are scanned. A
        concurrency error of the database is retried: the scan goes on from what is left.
        """
        companies = self.env["res.company"].search([("reactivation_team_id", "!=", False)])
        jobs.run_batches(
            self.env,
            companies,
            lambda company: company.reactivation_team_id.with_env(company.env)._cron_reactivation_scan_company(),
            job_name="Reactivation scan",
            company_of=lambda company: company,
            notice=lambda company, failed, total, problem: (
                self.env._("Reactivation scan skipped"),
                self.env._(
                    "The reactivation scan of %(company)s did not run: %(problem)s",
                    company=company.name,
                    problem=problem,
                ),
            ),
        )

    def _cron_reactivation_scan_company(self):
        """The scheduled scan of the current company by its reactivation team ``self``."""
        if not self._reactivation_lock():
            _logger.info("Reactivation scan of %s already running: this run leaves it to finish", self.env.company.name)
            return
        self._action_reactivation_scan(auto_commit=True)

    def _action_reactivation_scan(self, auto_commit=False):
        """Create the reactivation opportunities of the current company, batch by batch.

        Each batch (customers, their opportunities, assignees, first calls) is
        created whole or not at all, and a rerun starts from what is left: the
        customers who already have an open reactivation opportunity are no
        longer candidates. A second scan of the same company running at the same
        time stops at its next batch.

        :param auto_commit: commit and report progress after each batch (cron)
        :return: {"created": opportunities created, "left": candidates waiting for capacity}
        """
        self.ensure_one()
        company = self.env.company
        self._check_reactivation_settings()
        assigner = self._reactivation_assigner()
        batch_size = self._get_reactivation_batch_size()
        average = self._reactivation_company_average_order()
        assigned, created, left, cursor = {}, 0, 0, None
        total = None
        while True:
            if not self._reactivation_lock():
                if total is None:
                    raise UserError(
                        _(
                            "A reactivation scan of %(company)s is already running: try again when it is finished.",
                            company=company.name,
                        )
                    )
                break  # another scan took over between two batches: it carries on
            if total is None:
                # The progress of a scheduled run needs the total: one more query, only there.
                total = self._reactivation_count_candidates() if auto_commit else 0
            candidates = self._reactivation_candidates(limit=batch_size, after=cursor)
            if not candidates:
                break
            cursor = (candidates[-1]["days_overdue"], candidates[-1]["id"])
            plan = self._reactivation_assign(candidates, assigner)
            left += len(candidates) - len(plan)
            with self.env.cr.savepoint():  # the whole batch, or nothing of it
                leads = self.env["crm.lead"]
                # What the scan writes for a caller is in the caller's language: one group per language.
                for lang, lang_plan in self._reactivation_plan_by_lang(plan).items():
                    team = self.with_context(lang=lang)
                    lang_leads = team._reactivation_create_leads(lang_plan, average)
                    team._reactivation_plan_first_calls(lang_leads.with_env(team.env))
                    leads |= lang_leads.with_env(self.env)
            created += len(leads)
            for lead in leads:
                assigned[lead.user_id] = assigned.get(lead.user_id, 0) + 1
            if auto_commit:
                # Each batch is kept once created, so that a rerun starts from what is left.
                jobs.commit_progress(self.env, done=created, remaining=max(0, total - created - left))
            self.env.invalidate_all()
            if assigner.full:
                # Everyone is full: count who waits without creating anything more.
                left += self._reactivation_count_candidates(after=cursor)
                break
        self._reactivation_notify_assignees(assigned)
        _logger.info(
            "Reactivation scan of %s: %s opportunities created, %s customers wait for capacity",
            company.name,
            created,
            left,
        )
        return {"created": created, "left": left}

    def _reactivation_preview(self):
        """Who the scan would add now, and why the other dormant customers are not
        added, without writing anything.

        :return: {"count": candidates, "lines": [values of the first ``PREVIEW_LIMIT``],
                  "planned": candidates a member has room for,
                  "capacity": candidates waiting for capacity,
                  **``_reactivation_exclusion_counts()``}
        """
        self.ensure_one()
        self._check_reactivation_settings()
        assigner = self._reactivation_assigner()
        candidates = self._reactivation_candidates(limit=PREVIEW_LIMIT)
        plan = dict(self._reactivation_assign(candidates, assigner))
        history = self._reactivation_history([row["id"] for row in candidates])
        average = self._reactivation_company_average_order()
        lines = []
        for row in candidates:
            expected = history.get(row["id"], 0.0)
            lines.append(
                {
                    "partner_id": row["id"],
                    "user_id": plan.get(row["id"], {}).get("user_id", False),
                    "last_purchase_date": row["last_purchase_date"],
                    "interval_days": row["purchase_interval_days"],
                    "days_overdue": row["days_overdue"],
                    "expected_revenue": expected,
                    "priority": reactivation_priority(
                        expected, average, row["days_since_last"], row["purchase_interval_days"]
                    ),
                }
            )
        count = self._reactivation_count_candidates()
        # Beyond the preview's candidates, only a full team keeps the others waiting.
        planned = len(plan) if assigner.full or count == len(candidates) else len(plan) + count - len(candidates)
        return {
            "count": count,
            "lines": lines,
            "planned": planned,
            "capacity": count - planned,
            **self._reactivation_exclusion_counts(),
        }

    def _reactivation_exclusion_counts(self):
        """Why the current company's dormant customers who are no candidates are left
        out, one reason each (the first that applies, in this order), in one query.

        :return: {"excluded_tag", "few_purchases", "blocked", "called": number of customers}
        """
        self.env["res.partner"]._apply_pending_level_updates()
        self.env.flush_all()
        company = self.env.company
        settings = self._reactivation_settings()
        row = self.env.execute_query_dict(
            SQL(
                """
                WITH dormant AS (
                    SELECT partner.id,
                           EXISTS (
                               SELECT 1 FROM res_partner_res_partner_category_rel rel
                                WHERE rel.partner_id = partner.id AND rel.category_id = ANY(%(excluded_tags)s)
                           ) AS excluded_tag,
                           partner.purchase_count < %(min_purchases)s AS few_purchases,
                           COALESCE(partner.sale_warn, 'no-message') = 'block' OR EXISTS (
                               SELECT 1 FROM mail_blacklist blacklist
                                WHERE blacklist.active AND blacklist.email = partner.email_normalized
                           ) AS blocked,
                           EXISTS (
                               SELECT 1
                                 FROM crm_lead lead
                                 JOIN res_partner lead_partner ON lead_partner.id = lead.partner_id
                                WHERE lead.is_reactivation
                                  AND lead.company_id = %(company_id)s
                                  AND COALESCE(lead_partner.commercial_partner_id, lead_partner.id) = partner.id
                                  AND (lead.reactivation_open OR lead.create_date >= partner.last_purchase_date)
                           ) AS called
                      FROM res_partner partner
                     WHERE (partner.id = partner.commercial_partner_id OR partner.commercial_partner_id IS NULL)
                       AND partner.active
                       AND %(dormant)s
                       AND %(of_company)s
                )
                SELECT COUNT(*) FILTER (WHERE excluded_tag) AS excluded_tag,
                       COUNT(*) FILTER (WHERE NOT excluded_tag AND few_purchases) AS few_purchases,
                       COUNT(*) FILTER (WHERE NOT excluded_tag AND NOT few_purchases AND blocked) AS blocked,
                       COUNT(*) FILTER (WHERE NOT excluded_tag AND NOT few_purchases AND NOT blocked AND called)
                           AS called
                  FROM dormant
                """,
                excluded_tags=company.reactivation_excluded_category_ids.ids,
                min_purchases=settings["min_purchases"],
                company_id=company.id,
                of_company=self._reactivation_of_company(),
                dormant=self.env["res.partner"]._get_level_condition("dormant"),
            )
        )[0]
        return row

    # ---- FIRST CALLS (overridable) ----

    def _reactivation_plan_first_calls(self, leads):
        """Plan the first reactivation call of each new opportunity, for its assignee.

        An active activity chain started by "Customer flagged for reactivation" takes over
        the calls (the shipped "Reactivation calls" chain); without one, a single call.
        """
        leads -= self.env["followup.chain"]._start_chains("reactivation", leads).lead_id
        if not leads:
            return
        activity_type = self.env.ref("odoo_sales_followup.mail_activity_type_reactivation_call")
        model_id = self.env["ir.model"]._get_id("crm.lead")
        deadline = activity_type._get_date_deadline()
        # due on a business day of the company's calendar: the next one after a holiday
        deadline = (self.company_id or self.env.company)._get_followup_business_date(deadline)
        # No "assigned to you" email per call: the assignees get one summary per scan.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary,
                    "note": activity_type.default_note,
                    "date_deadline": deadline,
                    "user_id": lead.user_id.id,
                }
                for lead in leads
            ]
        )

    # ---- PRIVATE: SELECTION ----

    def _reactivation_candidates(self, limit=None, after=None):
        """Dormant customers of the current company to call back, most overdue first.

        One query on the partners' stored level facts, whatever the number of
        orders: customers at a dormant level (the levels' rule: by default, past their
        own interval times the dormancy tolerance), with enough purchases, not
        archived, blocked, blacklisted or tagged out, without a reactivation
        opportunity in this company that is open or was closed since their last
        purchase.

        :param after: (days overdue, id) of the last candidate of the previous batch
        """
        today = self.env.company._get_followup_today()  # the company's day, as the levels count them
        return self.env.execute_query_dict(
            self._reactivation_candidates_query(
                SQL(
                    """partner.id, partner.user_id, partner.last_purchase_date, partner.purchase_interval_days,
                       %(today)s - partner.last_purchase_date AS days_since_last,
                       %(today)s - partner.last_purchase_date - partner.purchase_interval_days AS days_overdue""",
                    today=today,
                ),
                after,
                SQL("ORDER BY days_overdue DESC, partner.id DESC LIMIT %s", limit),
            )
        )

    def _reactivation_count_candidates(self, after=None):
        return self.env.execute_query(self._reactivation_candidates_query(SQL("COUNT(*)"), after))[0][0]

    def _reactivation_candidates_query(self, columns, after=None, tail=None):
        # The facts of customers who bought or stopped in this transaction count already.
        self.env["res.partner"]._apply_pending_level_updates()
        self.env.flush_all()
        company = self.env.company
        settings = self._reactivation_settings()
        today = self.env.company._get_followup_today()  # the company's day, as the levels count them
        query = SQL(
            """
            SELECT %(columns)s
              FROM res_partner partner
             WHERE (partner.id = partner.commercial_partner_id OR partner.commercial_partner_id IS NULL)
               AND partner.active
               AND partner.last_purchase_date IS NOT NULL
               AND partner.purchase_interval_days > 0
               AND partner.purchase_count >= %(min_purchases)s
               AND %(dormant)s
               -- One call-back per dormant spell: no reactivation opportunity open, none since
               -- the last purchase (contacts carry their company's facts). Not correlated, so
               -- that it is hashed once per query whatever the statistics say of crm_lead.
               AND partner.id NOT IN (
                   SELECT COALESCE(lead_partner.commercial_partner_id, lead_partner.id)
                     FROM crm_lead lead
                     JOIN res_partner lead_partner ON lead_partner.id = lead.partner_id
                    WHERE lead.is_reactivation
                      AND lead.company_id = %(company_id)s
                      AND (lead.reactivation_open OR lead.create_date >= lead_partner.last_purchase_date)
               )
               AND %(of_company)s
               AND COALESCE(partner.sale_warn, 'no-message') != 'block'
               AND NOT EXISTS (
                   SELECT 1 FROM mail_blacklist blacklist
                    WHERE blacklist.active AND blacklist.email = partner.email_normalized
               )
               AND NOT EXISTS (
                   SELECT 1 FROM res_partner_res_partner_category_rel rel
                    WHERE rel.partner_id = partner.id AND rel.category_id = ANY(%(excluded_tags)s)
               )
            """,
            columns=columns,
            company_id=company.id,
            of_company=self._reactivation_of_company(),
            min_purchases=settings["min_purchases"],
            dormant=self.env["res.partner"]._get_level_condition("dormant"),
            excluded_tags=company.reactivation_excluded_category_ids.ids,
        )
        if after:
            query = SQL(
                "%s AND (%s - partner.last_purchase_date - partner.purchase_interval_days, partner.id) < (%s, %s)",
                query,
                today,
                *after,
            )
        return SQL("%s %s", query, tail) if tail else query

    def _reactivation_of_company(self):
        """SQL condition: the commercial partner ``partner`` is a customer of the current
        company (its own, or shared and bought in it)."""
        return SQL(
            """(partner.company_id = %(company_id)s
                OR partner.company_id IS NULL AND (%(single_company)s OR EXISTS (
                   SELECT 1
                     FROM res_partner contact
                     JOIN sale_order so ON so.partner_id = contact.id AND so.state = 'sale'
                    WHERE (contact.commercial_partner_id = partner.id
                           OR contact.commercial_partner_id IS NULL AND contact.id = partner.id)
                      AND so.company_id = %(company_id)s
                )))""",
            company_id=self.env.company.id,
            # With one company, a shared customer is its customer: no need to look for its orders.
            single_company=self.env["res.company"].sudo().search_count([]) == 1,
        )

    def _reactivation_settings(self):
        """The current company's reactivation settings, empty ones as their defaults
        (a company created while the addon was not loaded has none)."""
        fnames = ["reactivation_min_purchases", "reactivation_weekly_capacity", "reactivation_assignment"]
        self.env["res.company"].flush_model(fnames)
        row = self.env.execute_query_dict(
            SQL(
                """SELECT COALESCE(reactivation_min_purchases, %(min_purchases)s) AS min_purchases,
                          COALESCE(reactivation_weekly_capacity, %(capacity)s) AS capacity,
                          COALESCE(reactivation_assignment, %(assignment)s) AS assignment
                     FROM res_company WHERE id = %(company_id)s""",
                min_purchases=DEFAULT_MIN_PURCHASES,
                capacity=DEFAULT_WEEKLY_CAPACITY,
                assignment=DEFAULT_ASSIGNMENT_RULE,
                company_id=self.env.company.id,
            )
        )[0]
        if row["assignment"] not in ASSIGNMENT_RULES:
            row["assignment"] = DEFAULT_ASSIGNMENT_RULE  # a rule of an uninstalled extension
        return row

    def _reactivation_history(self, partner_ids):
        """{partner id: average confirmed order}, untaxed, in the company's currency,
        over the current company's orders."""
        if not partner_ids:
            return {}
        company = self.env.company
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(contact.commercial_partner_id, contact.id),
                       AVG(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                  FROM sale_order so
                  JOIN res_partner contact ON contact.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND (contact.commercial_partner_id = ANY(%(ids)s)
                        OR contact.commercial_partner_id IS NULL AND contact.id = ANY(%(ids)s))
                 GROUP BY 1
                """,
                company_id=company.id,
                ids=partner_ids,
            )
        )
        return {partner_id: company.currency_id.round(amount or 0.0) for partner_id, amount in rows}

    def _reactivation_company_average_order(self):
        """The company's average confirmed order (untaxed, company currency), read once per scan."""
        return self.env.execute_query(
            SQL(
                """SELECT COALESCE(AVG(amount_untaxed / NULLIF(currency_rate, 0)), 0)
                     FROM sale_order WHERE state = 'sale' AND company_id = %s""",
                self.env.company.id,
            )
        )[0][0]

    # ---- PRIVATE: ASSIGNMENT ----

    def _reactivation_members(self):
        """Active users of the active memberships, in the team's order."""
        return self.crm_team_member_ids.filtered(lambda member: member.active and member.user_id.active).user_id

    def _reactivation_assigner(self):
        members = self._reactivation_members()
        company = self.env.company
        settings = self._reactivation_settings()
        today = self.env.company._get_followup_today()  # the company's day, as the levels count them
        week_start = company._get_followup_day_bounds(today - timedelta(days=today.weekday()))[0]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        base = [("is_reactivation", "=", True), ("company_id", "=", company.id), ("user_id", "in", members.ids)]
        week_counts = dict(Lead._read_group([*base, ("create_date", ">=", week_start)], ["user_id"], ["__count"]))
        open_counts = dict(Lead._read_group([*base, ("reactivation_open", "=", True)], ["user_id"], ["__count"]))
        latest = Lead.search(base, order="create_date desc, id desc", limit=1)
        return ReactivationAssigner(
            members.ids,
            settings["assignment"],
            settings["capacity"],
            {user.id: count for user, count in week_counts.items()},
            {user.id: count for user, count in open_counts.items()},
            last_user=latest.user_id.id,
        )

    def _reactivation_assign(self, candidates, assigner):
        """{partner id: candidate row with its assignee}, in the candidates' order,
        for those a member has room for."""
        plan = {}
        for row in candidates:
            user_id = assigner.assign(row["user_id"])
            if user_id is not None:
                plan[row["id"]] = dict(row, user_id=user_id)
        return plan

    # ---- PRIVATE: CREATION ----

    def _reactivation_create_leads(self, plan, average):
        """Opportunities of the planned customers.

        :param average: the company's average order (``_reactivation_company_average_order``)
        """
        if not plan:
            return self.env["crm.lead"]
        company = self.env.company
        history = self._reactivation_history(list(plan))
        partners = self.env["res.partner"].browse(list(plan))
        stage = self._reactivation_first_stage()
        probability = self._reactivation_get_probability()
        script = self.env.ref("odoo_sales_followup.mail_activity_type_reactivation_call").default_note or ""
        vals_list = []
        for partner in partners:
            row = plan[partner.id]
            expected = history.get(partner.id, 0.0)
            reason = self.env._(
                "Last purchase on %(date)s; buys every %(interval)s days; %(overdue)s days overdue. "
                "Average order: %(amount)s.",
                date=format_date(self.env, row["last_purchase_date"]),
                interval=row["purchase_interval_days"],
                overdue=row["days_overdue"],
                amount=formatLang(self.env, expected, currency_obj=company.currency_id),
            )
            vals_list.append(
                {
                    "name": self.env._("Reactivation: %(customer)s", customer=partner.name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "team_id": self.id,
                    "user_id": row["user_id"],
                    "company_id": company.id,
                    "stage_id": stage.id,
                    "expected_revenue": expected,
                    "probability": probability,
                    "priority": reactivation_priority(
                        expected, average, row["days_since_last"], row["purchase_interval_days"]
                    ),
                    "description": Markup("<p>%s</p>") % reason + Markup(script),
                    "is_reactivation": True,
                    "reactivation_last_purchase_date": row["last_purchase_date"],
                    "reactivation_interval_days": row["purchase_interval_days"],
                    "reactivation_days_overdue": row["days_overdue"],
                }
            )
        # sudo: the reactivation facts (is_reactivation...) are the scan's, written in
        # superuser mode; the opportunities are handed back in the caller's environment.
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
                mail_auto_subscribe_no_notify=True,
            )
            .create(vals_list)
        )
        return leads.with_env(self.env)

    def _reactivation_plan_by_lang(self, plan):
        """``plan`` split by the language of each customer's assignee (else the
        environment's): {language code: {partner id: row}}."""
        users = self.env["res.users"].browse({row["user_id"] for row in plan.values()})
        lang_of = {user.id: user.lang for user in users}
        by_lang = defaultdict(dict)
        for partner_id, row in plan.items():
            by_lang[lang_of.get(row["user_id"]) or self.env.lang or "en_US"][partner_id] = row
        return by_lang

    def _reactivation_get_probability(self):
        """The probability this team's reactivation opportunities start at (its
        default when empty)."""
        self.flush_model(["reactivation_probability"])
        return self.env.execute_query(
            SQL(
                "SELECT COALESCE(reactivation_probability, %s) FROM crm_team WHERE id = %s",
                DEFAULT_PROBABILITY,
                self.id,
            )
        )[0][0]

    def _reactivation_first_stage(self):
        return self.env["crm.stage"].search(
            [("team_id", "=", self.id), ("is_won", "=", False), ("fold", "=", False)], order="sequence, id", limit=1
        ) or self.env["crm.lead"]._stage_find(team_id=self.id, domain=[("fold", "=", False)])

    # ---- PRIVATE: NOTIFICATIONS ----

    def _reactivation_notify_assignees(self, assigned):
        """One summary per assignee and scan, instead of one email per opportunity, in
        the assignee's language."""
        for user, count in assigned.items():
            team = self.with_context(lang=user.lang or self.env.lang)
            team.message_notify(
                partner_ids=user.partner_id.ids,
                subject=team.env._("Customers to call back: %(count)s", count=count),
                body=team.env._(
                    "The reactivation scan added dormant customers to your %(team)s pipeline, "
                    "each with a call planned: %(count)s.",
                    count=count,
                    team=team.name,
                ),
            )

    # ---- PRIVATE: CHECKS ----

    @api.model
    def _check_reactivation_access(self):
        if not self.env.is_superuser() and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only Sales administrators can run the reactivation scan."))

    def _is_reactivation_team(self):
        """Whether this team is the reactivation team of a company."""
        self.ensure_one()
        # sudo: the team may be the reactivation team of a company the user is not in.
        return bool(self.env["res.company"].sudo().search_count([("reactivation_team_id", "=", self.id)], limit=1))

    @api.model
    def _get_reactivation_team(self):
        team = self.env.company.reactivation_team_id
        if not team:
            raise UserError(
                _(
                    "No reactivation team is set for %(company)s: choose one in the CRM settings.",
                    company=self.env.company.name,
                )
            )
        return team

    def _check_reactivation_settings(self):
        """Refuse to scan without anyone to call. The company's tolerance and capacity are
        validated when saved (constraints of res.company)."""
        if not self._reactivation_members():
            raise UserError(
                _(
                    "The reactivation team %(team)s has no active member to call the customers: "
                    "add members to the team.",
                    team=self.name,
                )
            )

    def _reactivation_lock(self):
        """Take the company's scan lock until the end of the transaction; False if another scan holds it."""
        return self.env.execute_query(
            SQL(
                "SELECT pg_try_advisory_xact_lock(hashtext('odoo_sales_followup.reactivation_scan'), %s)",
                self.env.company.id,
            )
        )[0][0]

    @api.model
    def _get_reactivation_batch_size(self):
        return jobs.get_batch_size(self.env, BATCH_SIZE_PARAMETER, DEFAULT_BATCH_SIZE)
