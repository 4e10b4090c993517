from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import jobs

#: Kinds of line, most urgent first (the line's priority is its position here).
KIND_SELECTION = [
    ("overdue", "Overdue activity"),
    ("today", "Activity due today"),
    ("no_next_step", "Opportunity without a next step"),
    ("purchase_due", "Expected purchase due, no touch planned"),
    ("invoice_overdue", "Overdue invoice"),
]


class CrmFollowupMyDay(models.Model):
    """*My day*: what a salesperson should do now, most urgent first. A view over open
    activities, opportunities, customers and invoices, so that completing a line (an
    activity done, a next step planned, an invoice paid) takes it off the list."""

    _name = "crm.followup.my.day"
    _description = "My day"
    _auto = False
    _order = "priority, date, id"
    _rec_name = "name"

    kind = fields.Selection(KIND_SELECTION, string="What", readonly=True)
    priority = fields.Integer(readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Due", readonly=True)
    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type", readonly=True)
    note = fields.Html(string="Call script", readonly=True)
    amount = fields.Float(string="Amount due", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT activity.id * 8 + 1 AS id,
                   CASE WHEN activity.date_deadline < company_day.today THEN 'overdue' ELSE 'today' END AS kind,
                   CASE WHEN activity.date_deadline < company_day.today THEN 1 ELSE 2 END AS priority,
                   COALESCE(NULLIF(activity.summary, ''), activity.res_name) AS name,
                   activity.user_id, NULL::integer AS team_id, salesperson.company_id,
                   COALESCE(activity_lead.partner_id, activity_order.partner_id,
                            activity_move.commercial_partner_id, activity_partner.id) AS partner_id,
                   activity.date_deadline AS date,
                   activity.res_model, activity.res_id, activity.id AS activity_id,
                   activity.activity_type_id, activity.note, 0.0 AS amount
              FROM mail_activity activity
              JOIN res_users salesperson ON salesperson.id = activity.user_id
              JOIN %(company_days)s ON company_day.company_id = salesperson.company_id
              -- the customer of the activity's record: an opportunity's, an order's, an invoice's, a partner
              LEFT JOIN crm_lead activity_lead
                     ON activity.res_model = 'crm.lead' AND activity_lead.id = activity.res_id
              LEFT JOIN sale_order activity_order
                     ON activity.res_model = 'sale.order' AND activity_order.id = activity.res_id
              LEFT JOIN account_move activity_move
                     ON activity.res_model = 'account.move' AND activity_move.id = activity.res_id
              LEFT JOIN res_partner activity_partner
                     ON activity.res_model = 'res.partner' AND activity_partner.id = activity.res_id
             WHERE activity.active AND activity.date_deadline <= company_day.today
            UNION ALL
            SELECT lead.id * 8 + 2, 'no_next_step', 3, lead.name, lead.user_id, lead.team_id, lead.company_id,
                   lead.partner_id, lead.date_deadline, 'crm.lead', lead.id, NULL, NULL, NULL, lead.expected_revenue
              FROM crm_lead lead
             WHERE lead.active AND lead.type = 'opportunity' AND lead.probability < 100
               AND NOT EXISTS (SELECT 1 FROM mail_activity activity
                                WHERE activity.res_model = 'crm.lead' AND activity.res_id = lead.id
                                  AND activity.active)
            UNION ALL
            SELECT partner.id * 8 + 3, 'purchase_due', 4, partner.name, partner.user_id, NULL,
                   partner.company_id, partner.id, partner.next_purchase_date, 'res.partner', partner.id,
                   NULL, NULL, NULL, 0.0
              FROM res_partner partner
              JOIN %(company_days)s ON company_day.company_id = COALESCE(partner.company_id, %(company_id)s)
             WHERE partner.active AND partner.id = partner.commercial_partner_id
               AND %(buying)s
               AND partner.next_purchase_date <= company_day.today
               AND NOT EXISTS (SELECT 1 FROM mail_activity activity
                            LEFT JOIN crm_lead lead ON activity.res_model = 'crm.lead' AND lead.id = activity.res_id
                            LEFT JOIN res_partner contact ON contact.id = lead.partner_id
                                WHERE activity.active
                                  AND ((activity.res_model = 'res.partner' AND activity.res_id = partner.id)
                                       OR contact.commercial_partner_id = partner.id))
            UNION ALL
            SELECT move.id * 8 + 4, 'invoice_overdue', 5, move.name, move.invoice_user_id, move.team_id,
                   move.company_id, move.commercial_partner_id, move.invoice_date_due, 'account.move', move.id,
                   NULL, NULL, NULL, move.amount_residual_signed
              FROM account_move move
              JOIN %(company_days)s ON company_day.company_id = move.company_id
             WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
               AND move.payment_state IN ('not_paid', 'partial')
               AND move.invoice_date_due < company_day.today
            """,
            # Today is the day of the line's company (a shared customer: of the reader's).
            company_days=self.env["res.company"]._get_followup_days_sql(),
            company_id=self.env.company.id,
            # The customers expected to buy again, as the levels' rule defines them.
            buying=self.env["res.partner"]._get_level_condition("buying"),
        )

    # ---- ACTIONS ----

    def action_open_document(self):
        """Open the line's document (the activity's record, the opportunity, the customer,
        the invoice) with the reader's own rights."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_done(self):
        """Mark the line's activity done, as its own *Mark as done* does: the line leaves the list."""
        activities = self.activity_id
        if not activities or len(activities) != len(self):
            raise UserError(
                self.env._(
                    "Only activities can be marked done here; open %(line)s to plan its next step.",
                    line=(self - self.filtered("activity_id"))[:1].name or "",
                )
            )
        activities.action_done()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ---- BUSINESS METHODS ----

    @api.model
    def _cron_schedule_next_steps(self):
        """Scheduled (off by default): a to-do for every open opportunity or lead without a
        next step and every customer without one before its next purchase, for its
        salesperson (else its team's leader), through the job runner (``jobs.run_batches``):
        in batches committed one by one; a record that fails is logged and notified, the
        others get their to-do."""
        leads = self.env["crm.lead"].search(
            [
                "|",
                ("followup_no_next_step", "=", True),
                "&",
                ("followup_untouched", "=", True),
                ("activity_ids", "=", False),
            ]
        )
        partners = self.env["res.partner"].search([("followup_no_next_step", "=", True)])
        jobs.run_batches(
            self.env,
            [*leads, *partners],
            self._schedule_next_step_todos,
            job_name="Next-step to-dos",
            batch_size=jobs.get_batch_size(self.env, "odoo_sales_followup.next_step_batch_size", 500),
            company_of=lambda record: record.company_id,
            notice=lambda company, failed, total, problem: (
                self.env._("Next-step to-dos not planned"),
                self.env._(
                    "No to-do could be planned on %(failed)s of %(total)s leads and customers without a next "
                    "step of %(company)s: %(problem)s. The others have theirs; the next run tries again, and "
                    "the server log has the details.",
                    failed=failed,
                    total=total,
                    company=company.name,
                    problem=problem,
                ),
            ),
        )

    @api.model
    def _schedule_next_step_todos(self, records):
        """One to-do due today on each of ``records`` (leads and customers) that has no
        activity planned, for its responsible; records without one are skipped."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_ids = {name: self.env["ir.model"]._get_id(name) for name in {record._name for record in records}}
        values = []
        for record in records:
            responsible = record._get_followup_responsible()
            if not responsible or record.activity_ids:
                continue
            # due today in the record's company (a shared customer: in the company the job runs in)
            today = (record.company_id or self.env.company)._get_followup_today()
            values.append(
                {
                    "res_model_id": model_ids[record._name],
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": responsible.id,
                    "date_deadline": today,
                    "summary": self.env._("Plan the next step"),
                    "automated": True,
                }
            )
        return self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(values)
