from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .crm_team import DEFAULT_REACTION_HOURS

#: Forecast categories of an open opportunity, the least certain first; its stage gives the
#: default (``crm.stage.forecast_category``), its salesperson or their head may change it.
OPEN_FORECAST_CATEGORIES = [("pipeline", "Pipeline"), ("best_case", "Best case"), ("commit", "Commit")]

#: Every forecast category of an opportunity: won ones are Closed, lost ones Omitted.
FORECAST_CATEGORY_SELECTION = [*OPEN_FORECAST_CATEGORIES, ("closed", "Closed"), ("omitted", "Omitted")]


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
    forecast_category = fields.Selection(
        FORECAST_CATEGORY_SELECTION,
        string="Forecast category",
        compute="_compute_forecast_category",
        store=True,
        readonly=False,
        copy=False,
        index=True,
        tracking=True,
        help="How sure the sale is, for the plans' forecast: Pipeline (in work), Best case (could close "
        "by its expected closing), Commit (the salesperson stands behind it). It follows the stage: "
        "each move to another stage resets it to that stage's category; then the salesperson, their "
        "team leader or the sales head may change it. A won opportunity is Closed and a lost one "
        "Omitted: these two follow the outcome and are not chosen by hand.",
    )

    @api.depends("stage_id", "stage_id.is_won", "active")
    def _compute_forecast_category(self):
        for lead in self:
            lead.forecast_category = lead._get_forecast_category_outcome() or (
                lead.stage_id.forecast_category or "pipeline"
            )

    @api.constrains("forecast_category", "active", "stage_id")
    def _check_forecast_category(self):
        labels = dict(self._fields["forecast_category"]._description_selection(self.env))
        for lead in self:
            outcome = lead._get_forecast_category_outcome()
            category = lead.forecast_category or "pipeline"
            if outcome and category != outcome:
                raise ValidationError(
                    self.env._(
                        "The opportunity %(deal)s is %(outcome)s: a won opportunity is Closed and a lost one "
                        "Omitted in the forecast.",
                        deal=lead.display_name,
                        outcome=self.env._("won") if outcome == "closed" else self.env._("lost"),
                    )
                )
            if not outcome and category in ("closed", "omitted"):
                raise ValidationError(
                    self.env._(
                        "The opportunity %(deal)s is still open: it cannot be %(category)s in the forecast; "
                        "choose Pipeline, Best case or Commit. Mark it won or lost instead.",
                        deal=lead.display_name,
                        category=labels[category],
                    )
                )

    def _get_forecast_category_outcome(self):
        """The forecast category that the deal's outcome imposes: ``omitted`` when lost
        (archived), ``closed`` when won (a won stage), else False (open: its stage's
        category, or the salesperson's choice)."""
        self.ensure_one()
        if not self.active:
            return "omitted"
        if self.stage_id.is_won:
            return "closed"
        return False

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
