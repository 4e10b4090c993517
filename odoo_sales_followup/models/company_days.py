from odoo import fields, models

from ..tools import company_days


class ResCompany(models.Model):
    _inherit = "res.company"

    def _get_followup_tz(self):
        """The company's time zone: its working calendar's, else UTC.

        Every day the addon counts (levels, the scan, plans, My day, digests, chains)
        is a day of this time zone.
        """
        self.ensure_one()
        return self.resource_calendar_id.tz or "UTC"

    def _get_followup_today(self):
        """Today in the company's time zone."""
        return self._get_followup_date(fields.Datetime.now())

    def _get_followup_date(self, moment):
        """The company's date of ``moment``, a naive UTC datetime as Odoo stores them."""
        return company_days.local_day(moment, self._get_followup_tz())

    def _get_followup_day_bounds(self, first, last=None):
        """``[begin, end)`` in naive UTC datetimes of the company's days ``first`` to ``last``."""
        return company_days.day_bounds(first, last or first, self._get_followup_tz())
