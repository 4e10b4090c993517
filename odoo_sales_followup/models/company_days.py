from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import company_days


class ResCompany(models.Model):
    _inherit = "res.company"

    def _get_followup_tz(self):
        """The company's time zone: its working calendar's, else UTC.

        Every day the addon counts (levels, the scan, plans, My day, digests, chains)
        is a day of this time zone.
        """
        self.ensure_one()
        # sudo: the time zone of a document's company dates it, whoever reads the document
        # (a user of another company of a shared partner, a calendar of another company).
        return company_days.zone_name(self.sudo().resource_calendar_id.tz)

    def _get_followup_today(self):
        """Today in the company's time zone."""
        return self._get_followup_date(fields.Datetime.now())

    def _get_followup_date(self, moment):
        """The company's date of ``moment``, a naive UTC datetime as Odoo stores them."""
        return company_days.local_day(moment, self._get_followup_tz())

    def _get_followup_day_bounds(self, first, last=None):
        """``[begin, end)`` in naive UTC datetimes of the company's days ``first`` to ``last``."""
        return company_days.day_bounds(first, last or first, self._get_followup_tz())

    @api.model
    def _get_followup_days_sql(self, alias="company_day"):
        """SQL of a table ``alias(company_id, tz, today)``: every company, its time zone and
        its today, for a query that counts days per company. Join it on the document's
        company (``COALESCE(document.company_id, <default company>)`` when it may be empty);
        a document's day is then ``(document.moment AT TIME ZONE 'UTC' AT TIME ZONE alias.tz)::date``.
        """
        # sudo: every company dates its own documents, whichever companies the user works in.
        rows = SQL(", ").join(
            SQL("(%s, %s, %s::date)", company.id, company._get_followup_tz(), company._get_followup_today())
            for company in self.sudo().with_context(active_test=False).search([])
        )
        return SQL("(VALUES %s) AS %s(company_id, tz, today)", rows, SQL.identifier(alias))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id", string="Working calendar of the company's days"
    )
    followup_tz = fields.Selection(
        related="company_id.resource_calendar_id.tz",
        readonly=False,
        string="Time zone of the company's days",
        help="Days of the relationship levels, the reactivation scan, the sales plans, My day and the sales "
        "digests are counted in this time zone: the time zone of the company's working calendar (UTC "
        "without one).",
    )
