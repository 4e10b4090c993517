from odoo import fields, models
from odoo.tools import SQL


class CrmReactivationReport(models.Model):
    """One line per reactivation opportunity: flagged, reached, reactivated, and
    what the customer bought after coming back."""

    _name = "crm.reactivation.report"
    _description = "Reactivation analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    date = fields.Datetime(string="Flagged on", readonly=True)
    date_closed = fields.Datetime(string="Closed on", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", string="Segment", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Churn reason", readonly=True)
    flagged_count = fields.Integer(string="Customers flagged", readonly=True, aggregator="sum")
    reached_count = fields.Integer(string="Customers reached", readonly=True, aggregator="sum")
    reactivated_count = fields.Integer(string="Customers reactivated", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Customers not reactivated", readonly=True, aggregator="sum")
    days_overdue = fields.Integer(string="Days overdue", readonly=True, aggregator="avg")
    expected_revenue = fields.Float(string="Expected revenue", readonly=True, aggregator="sum")
    revenue_after = fields.Float(
        string="Revenue after reactivation",
        readonly=True,
        aggregator="sum",
        help="Untaxed amount of the orders of reactivated customers since they were flagged, "
        "in the company's currency.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT lead.id, lead.id AS lead_id, lead.create_date AS date, lead.date_closed,
                   lead.partner_id, partner.industry_id, lead.user_id, lead.team_id, lead.company_id,
                   lead.stage_id, lead.lost_reason_id, lead.reactivation_days_overdue AS days_overdue,
                   lead.expected_revenue,
                   1 AS flagged_count,
                   CASE WHEN stage.is_won
                          OR (NOT lead.active AND lead.lost_reason_id IS DISTINCT FROM %(unreachable)s)
                          OR stage.sequence > first_stage.sequence
                          OR EXISTS (
                              SELECT 1 FROM mail_message message
                               WHERE message.model = 'crm.lead' AND message.res_id = lead.id
                                 AND message.mail_activity_type_id IS NOT NULL
                          )
                        THEN 1 ELSE 0 END AS reached_count,
                   CASE WHEN stage.is_won AND lead.active THEN 1 ELSE 0 END AS reactivated_count,
                   CASE WHEN NOT lead.active THEN 1 ELSE 0 END AS lost_count,
                   CASE WHEN stage.is_won AND lead.active THEN COALESCE((
                       SELECT SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0))
                         FROM sale_order so
                         JOIN res_partner contact ON contact.id = so.partner_id
                        WHERE so.state = 'sale' AND so.company_id = lead.company_id
                          AND COALESCE(contact.commercial_partner_id, contact.id)
                              = COALESCE(partner.commercial_partner_id, partner.id)
                          AND so.date_order >= lead.create_date
                   ), 0) ELSE 0 END AS revenue_after
              FROM crm_lead lead
              JOIN res_partner partner ON partner.id = lead.partner_id
              LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
              LEFT JOIN LATERAL (
                  SELECT MIN(team_stage.sequence) AS sequence
                    FROM crm_stage team_stage
                   WHERE team_stage.team_id = lead.team_id
              ) first_stage ON TRUE
             WHERE lead.is_reactivation
            """,
            unreachable=self.env["ir.model.data"]._xmlid_to_res_id(
                "odoo_sales_followup.crm_lost_reason_unreachable", raise_if_not_found=False
            ),
        )
