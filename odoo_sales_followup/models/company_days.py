from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import DEFAULT_WORKDAYS, BusinessDays, company_days, next_business_day, working_hours_before


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

    def _get_followup_business_days(self, first=None, last=None):
        """The company's working calendar as the business-day arithmetic reads it, a
        ``tools.BusinessDays``: its working weekdays (Monday to Friday without a calendar),
        its days off (the calendar's global time off, each day whose noon it covers in the
        calendar's time zone) and its moved working days, of the days ``first`` to ``last``
        when given (all of them otherwise).

        The one reader of the calendar: chains, after-sale and reactivation calls count
        their business days with what it returns (``add_delay(start, delay, unit, *days)``).
        """
        self.ensure_one()
        # sudo: the company's calendar decides the due dates of whoever plans an activity in
        # it (a chain of another company's document, a cron); only dates leave this method
        calendar = self.sudo().resource_calendar_id
        if not calendar:
            return BusinessDays()
        workdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek")) or DEFAULT_WORKDAYS
        leave_domain = [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
        workday_domain = [("calendar_id", "=", calendar.id)]
        if first:
            leave_domain.append(("date_to", ">=", self._get_followup_day_bounds(first)[0]))
            workday_domain.append(("date", ">=", first))
        if last:
            leave_domain.append(("date_from", "<", self._get_followup_day_bounds(last)[1]))
            workday_domain.append(("date", "<=", last))
        tz = self._get_followup_tz()
        holidays = set()
        for leave in self.env["resource.calendar.leaves"].sudo().search_fetch(leave_domain, ["date_from", "date_to"]):
            holidays.update(company_days.covered_days(leave.date_from, leave.date_to, tz))
        extra = self.env["resource.calendar.workday"].sudo().search_fetch(workday_domain, ["date"]).mapped("date")
        return BusinessDays(workdays, frozenset(holidays), frozenset(extra))

    def _get_followup_business_date(self, day, business_days=None):
        """``day`` when it is a business day of the company's calendar, else the next one:
        where a due date counted in calendar days lands (after-sale and reactivation calls).
        ``business_days``: the calendar already read, for a batch. A calendar without
        business days leaves ``day`` as it is."""
        try:
            return next_business_day(day, *(business_days or self._get_followup_business_days(first=day)))
        except ValueError:
            return day

    def _get_followup_working_hours_before(self, moment, hours_list):
        """``{hours: the moment that many working hours of the company's calendar before
        ``moment``}`` for each number of ``hours_list``, in naive UTC datetimes: the working
        hours of its working schedule (the lines of the first week of a two-week schedule,
        without breaks), none on its days off, Monday's (the first working weekday's) on its
        moved working days, all in the schedule's time zone. Without a working schedule,
        clock hours; ``None`` for a schedule that has no working hours in ten years.
        """
        self.ensure_one()
        # sudo: as _get_followup_business_days, the company's calendar decides for whoever
        # reads the controls; only moments leave this method
        calendar = self.sudo().resource_calendar_id
        if not calendar:
            return {hours: moment - timedelta(hours=hours) for hours in hours_list}
        schedule = {}
        for attendance in calendar.attendance_ids:
            if (
                attendance.display_type
                or attendance.day_period == "lunch"
                or attendance.resource_id
                or (calendar.two_weeks_calendar and attendance.week_type != "0")
            ):
                continue
            schedule.setdefault(int(attendance.dayofweek), []).append((attendance.hour_from, attendance.hour_to))
        tz = self._get_followup_tz()
        days = self._get_followup_business_days(last=company_days.local_day(moment, tz))
        cutoffs = {}
        for hours in hours_list:
            try:
                cutoffs[hours] = working_hours_before(moment, hours, schedule, tz, days.holidays, days.extra_workdays)
            except ValueError:
                cutoffs[hours] = None
        return cutoffs

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
