from odoo import fields, models
from odoo.tools import SQL


class CrmFollowupMyDay(models.Model):
    """*My day* lists the deals paid in full whose act of completed work is not signed the
    company's *Days to sign the act after payment* later, due that day."""

    _inherit = "crm.followup.my.day"

    kind = fields.Selection(
        selection_add=[("act_unsigned", "Act not signed after payment")], ondelete={"act_unsigned": "cascade"}
    )

    @property
    def _table_query(self):
        return SQL(
            """%(lines)s
            UNION ALL
            SELECT lead.id * 8 + 7, 'act_unsigned', 6, lead.name, lead.user_id, lead.team_id, lead.company_id,
                   lead.partner_id, (paid.paid_at AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date
                   + COALESCE(company.act_sign_days, 10), 'crm.lead', lead.id,
                   NULL, NULL, NULL, lead.expected_revenue
              FROM crm_lead lead
              JOIN (SELECT line.lead_id, MIN(line.met_date) AS paid_at
                      FROM crm_lead_criterion line
                      JOIN crm_success_criterion criterion ON criterion.id = line.criterion_id
                     WHERE line.is_met AND criterion.rule = 'full_payment'
                  GROUP BY line.lead_id) paid ON paid.lead_id = lead.id
              LEFT JOIN res_company company ON company.id = lead.company_id
              JOIN %(company_days)s ON company_day.company_id = COALESCE(lead.company_id, %(company_id)s)
             WHERE lead.active
               AND (paid.paid_at AT TIME ZONE 'UTC' AT TIME ZONE company_day.tz)::date
                   + COALESCE(company.act_sign_days, 10) <= company_day.today
               AND NOT EXISTS (SELECT 1 FROM followup_contract act
                                WHERE act.lead_id = lead.id AND act.document_kind = 'act'
                                  AND act.state = 'signed')
            """,
            lines=super()._table_query,
            # paid and due on the days of the deal's company (a deal without one: the reader's)
            company_days=self.env["res.company"]._get_followup_days_sql(),
            company_id=self.env.company.id,
        )
