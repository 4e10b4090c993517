from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_team import DEFAULT_REACTION_HOURS


def _wants_true(operator, value):
    """Whether a search on a boolean filter field asks for True."""
    if operator not in ("=", "!="):
        raise NotImplementedError(f"Operation not supported: {operator}")
    return bool(value) == (operator == "=")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    followup_no_next_step = fields.Boolean(
        string="No next step",
        compute="_compute_followup_controls",
        search="_search_followup_no_next_step",
        help="Open, not won, and no activity planned.",
    )
    followup_untouched = fields.Boolean(
        string="Not touched in time",
        compute="_compute_followup_controls",
        search="_search_followup_untouched",
        help="Created longer ago than its team's reaction time, in working hours of the company's "
        "working schedule, and since then no activity done, no note and no email on it.",
    )

    def _compute_followup_controls(self):
        real = [lead_id for lead_id in self.ids if isinstance(lead_id, int)]
        untouched = set(self._get_untouched_lead_ids(real)) if real else set()
        for lead in self:
            lead.followup_no_next_step = lead.active and not lead.activity_ids and lead.probability < 100
            lead.followup_untouched = lead.id in untouched

    @api.model
    def _search_followup_no_next_step(self, operator, value):
        domain = [("active", "=", True), ("activity_ids", "=", False), ("probability", "<", 100)]
        return domain if _wants_true(operator, value) else ["!", *domain]

    @api.model
    def _search_followup_untouched(self, operator, value):
        ids = self._get_untouched_lead_ids()
        return [("id", "in" if _wants_true(operator, value) else "not in", ids)]

    @api.model
    def _get_untouched_lead_ids(self, lead_ids=None):
        """Ids of the open leads not touched within their team's reaction time, counted in
        working hours of their company's calendar (all of them, or those of ``lead_ids``):
        one query for the companies and reaction times at stake, one for the leads, with the
        moment each pair's reaction time began as parameters."""
        self.env["crm.lead"].flush_model(["active", "probability", "team_id", "company_id", "create_date"])
        self.env["crm.team"].flush_model(["reaction_time_hours"])
        self.env["mail.message"].flush_model(["model", "res_id", "message_type", "mail_activity_type_id"])
        reaction = SQL("COALESCE(NULLIF(team.reaction_time_hours, 0), %s)", DEFAULT_REACTION_HOURS)
        leads = SQL("crm_lead lead LEFT JOIN crm_team team ON team.id = lead.team_id")
        open_leads = SQL(
            "lead.active AND lead.probability < 100 AND (%s IS NULL OR lead.id = ANY(%s))",
            None if lead_ids is None else True,
            lead_ids or [],
        )
        pairs = self.env.execute_query(
            SQL("SELECT DISTINCT COALESCE(lead.company_id, 0), %s FROM %s WHERE %s", reaction, leads, open_leads)
        )
        if not pairs:
            return []
        hours_of = defaultdict(set)
        for company_id, hours in pairs:
            hours_of[company_id or self.env.company.id].add(hours)
        now = fields.Datetime.now()
        cutoffs = []  # (company id, reaction hours, created before this: late)
        # sudo: a lead of a company the user does not work in (a computed control read in
        # sudo) follows that company's calendar; only moments are read
        for company in self.env["res.company"].sudo().browse(hours_of):
            before = company._get_followup_working_hours_before(now, hours_of[company.id])
            cutoffs += [(company.id, hours, moment) for hours, moment in before.items()]
        company_ids, hours_list, moments = zip(*cutoffs, strict=True)
        rows = self.env.execute_query(
            SQL(
                """SELECT lead.id
                     FROM %s
                     JOIN unnest(%s::int[], %s::int[], %s::timestamp[]) AS cutoff(company_id, hours, moment)
                       ON cutoff.company_id = COALESCE(lead.company_id, %s) AND cutoff.hours = %s
                    WHERE %s
                      AND lead.create_date < cutoff.moment
                      AND NOT EXISTS (
                          SELECT 1 FROM mail_message message
                           WHERE message.model = 'crm.lead'
                             AND message.res_id = lead.id
                             AND (message.mail_activity_type_id IS NOT NULL
                                  OR message.message_type IN ('comment', 'email')))""",
                leads,
                list(company_ids),
                list(hours_list),
                list(moments),
                self.env.company.id,
                reaction,
                open_leads,
            )
        )
        return [row[0] for row in rows]

    def _get_followup_responsible(self):
        """Hook: who gets the to-do of a lead without a next step: its salesperson, else
        its team's leader (empty: nobody)."""
        self.ensure_one()
        return self.user_id or self.team_id.user_id
