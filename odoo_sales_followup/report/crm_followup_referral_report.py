from odoo import fields, models, tools
from odoo.tools import SQL


class CrmFollowupReferralReport(models.Model):
    """Referrals: one line per lead a customer referred, lost ones included, with what it
    became, so that the pivot tells per referring customer the leads, the won deals and the
    revenue they brought."""

    _name = "crm.followup.referral.report"
    _description = "Referrals"
    _auto = False
    _order = "date desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Referred lead", readonly=True)
    date = fields.Datetime(string="Referred on", readonly=True)
    referrer_id = fields.Many2one("res.partner", string="Referring customer", readonly=True)
    referrer_contact_id = fields.Many2one("res.partner", string="Referred by", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Referred customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won deals", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Lost deals", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        readonly=True,
        aggregator="sum",
        currency_field="currency_id",
        help="Expected revenue of the won deals, in the company's currency.",
    )
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT lead.id, lead.id AS lead_id, lead.create_date AS date,
                           COALESCE(referrer.commercial_partner_id, referrer.id) AS referrer_id,
                           lead.referrer_partner_id AS referrer_contact_id, lead.partner_id,
                           lead.user_id, lead.team_id, lead.company_id, company.currency_id, lead.stage_id,
                           1 AS lead_count,
                           CASE WHEN lead.active AND stage.is_won THEN 1 ELSE 0 END AS won_count,
                           CASE WHEN NOT lead.active AND COALESCE(lead.probability, 0) = 0 THEN 1 ELSE 0 END
                               AS lost_count,
                           CASE WHEN lead.active AND stage.is_won THEN COALESCE(lead.expected_revenue, 0) ELSE 0 END
                               AS revenue
                      FROM crm_lead lead
                      JOIN res_partner referrer ON referrer.id = lead.referrer_partner_id
                      LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                      LEFT JOIN res_company company ON company.id = lead.company_id
                )
                """,
                view=SQL.identifier(self._table),
            )
        )
