from odoo import fields, models, tools
from odoo.tools import SQL


class CrmFollowupSourceAnalysis(models.Model):
    """Sources to sales: one line per lead or opportunity, lost ones included, with what it
    became. The rates are per line 0 or 100 and averaged, so that every grouping of the pivot
    gives its own conversion rate."""

    _name = "crm.followup.source.analysis"
    _description = "Sources to sales"
    _auto = False
    _order = "date desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", readonly=True)
    date = fields.Datetime(string="Created on", readonly=True)
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", string="Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", string="Campaign", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    lost_stage_id = fields.Many2one(
        "crm.stage", string="Lost at stage", readonly=True, help="The stage a lost deal was in when it was lost."
    )
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost reason", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True, aggregator="sum", help="Leads and opportunities.")
    opportunity_count = fields.Integer(
        string="Opportunities",
        readonly=True,
        aggregator="sum",
        help="Those that became opportunities (or were created as one).",
    )
    won_count = fields.Integer(string="Won deals", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Lost deals", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="Expected revenue of the won deals, in the company's currency.",
    )
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    opportunity_rate = fields.Float(
        string="Lead to opportunity (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the leads that became opportunities.",
    )
    won_rate = fields.Float(
        string="Lead to won (%)", readonly=True, aggregator="avg", help="Share of the leads that became won deals."
    )
    days_to_win = fields.Float(
        string="Days to win",
        readonly=True,
        aggregator="avg",
        help="Average days from the creation of a won deal to its win.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT lead.id, lead.id AS lead_id, lead.create_date AS date,
                           lead.source_id, lead.medium_id, lead.campaign_id,
                           lead.user_id, lead.team_id, lead.company_id, company.currency_id, lead.stage_id,
                           CASE WHEN facts.lost THEN lead.stage_id END AS lost_stage_id,
                           CASE WHEN facts.lost THEN lead.lost_reason_id END AS lost_reason_id,
                           1 AS lead_count,
                           CASE WHEN facts.opportunity THEN 1 ELSE 0 END AS opportunity_count,
                           CASE WHEN facts.won THEN 1 ELSE 0 END AS won_count,
                           CASE WHEN facts.lost THEN 1 ELSE 0 END AS lost_count,
                           CASE WHEN facts.won THEN COALESCE(lead.expected_revenue, 0) ELSE 0 END AS revenue,
                           CASE WHEN facts.opportunity THEN 100.0 ELSE 0.0 END::float8 AS opportunity_rate,
                           CASE WHEN facts.won THEN 100.0 ELSE 0.0 END::float8 AS won_rate,
                           CASE WHEN facts.won AND lead.date_closed IS NOT NULL
                                THEN (GREATEST(EXTRACT(EPOCH FROM lead.date_closed - lead.create_date), 0)
                                      / 86400.0)::float8
                           END AS days_to_win
                      FROM crm_lead lead
                      LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                      LEFT JOIN res_company company ON company.id = lead.company_id
                     CROSS JOIN LATERAL (
                         SELECT lead.type = 'opportunity' AS opportunity,
                                COALESCE(lead.active AND stage.is_won, FALSE) AS won,
                                (NOT lead.active AND COALESCE(lead.probability, 0) = 0) AS lost
                     ) facts
                )
                """,
                view=SQL.identifier(self._table),
            )
        )
