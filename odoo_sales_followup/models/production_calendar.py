from datetime import date, timedelta

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools import company_days, day_runs, official_days

#: Years a production calendar may be loaded for.
MIN_CALENDAR_YEAR, MAX_CALENDAR_YEAR = 1991, 2200


class ResCompany(models.Model):
    _inherit = "res.company"

    # ---- ACTIONS ----

    def action_load_production_calendar(self, year):
        """Load the production calendar of ``year`` of the company's country into its working
        calendar: the official non-working days as global time off (whole days of the
        calendar's time zone) and the moved working days; return a notification saying what
        was loaded. Loading again adds only what is missing: what was edited by hand stays.
        """
        self.ensure_one()
        leaves, workdays = self._load_production_calendar(year)
        calendar = self.resource_calendar_id
        if leaves or workdays:
            message = _(
                "%(days_off)s non-working days and %(workdays)s moved working days of %(year)s "
                "added to the working schedule %(calendar)s.",
                days_off=sum((leave.date_to - leave.date_from).days + 1 for leave in leaves),
                workdays=len(workdays),
                year=year,
                calendar=calendar.display_name,
            )
        else:
            message = _(
                "The working schedule %(calendar)s already has the production calendar of %(year)s: nothing added.",
                calendar=calendar.display_name,
                year=year,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Production calendar of %(year)s for %(country)s", year=year, country=self.country_id.name),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ---- BUSINESS METHODS ----

    def _load_production_calendar(self, year):
        """Add the official non-working days and moved working days of ``year`` that the
        company's working calendar lacks; return the time off and moved days created.

        A day already covered by a global time off of the calendar (loaded before, or
        entered by hand) or already a moved working day is left as it is.
        """
        self.ensure_one()
        year = self._check_production_calendar_year(year)
        calendar = self.resource_calendar_id
        if not calendar:
            raise UserError(_("The company %(company)s has no working schedule.", company=self.name))
        # who may change the working schedule may load its calendar
        calendar.check_access("write")
        if not self.country_id:
            raise UserError(
                _("Set the country of the company %(company)s to load its production calendar.", company=self.name)
            )
        try:
            days_off, workdays = official_days(self.country_id.code, year, self.env.lang)
        except LookupError:
            raise UserError(
                _("No production calendar is known for %(country)s.", country=self.country_id.name)
            ) from None
        known = self._get_followup_business_days(date(year, 1, 1), date(year, 12, 31))
        new_days_off = {day: name for day, name in days_off.items() if day not in known.holidays}
        leaves = self.env["resource.calendar.leaves"].create(
            [
                self._prepare_production_leave_values(calendar, first, last, name)
                for first, last, name in day_runs(new_days_off)
            ]
        )
        workday_vals = [
            {"calendar_id": calendar.id, "date": day, "name": self._get_moved_workday_name(replaced)}
            for day, replaced in sorted(workdays.items())
            if day not in known.extra_workdays and day not in known.holidays
        ]
        return leaves, self.env["resource.calendar.workday"].create(workday_vals)

    # ---- PRIVATE ----

    def _check_production_calendar_year(self, year):
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = 0
        if not MIN_CALENDAR_YEAR <= year <= MAX_CALENDAR_YEAR:
            raise UserError(
                _(
                    "A production calendar can be loaded for a year from %(min)s to %(max)s.",
                    min=MIN_CALENDAR_YEAR,
                    max=MAX_CALENDAR_YEAR,
                )
            )
        return year

    def _prepare_production_leave_values(self, calendar, first, last, name):
        tz = calendar.tz or "UTC"
        begin, end = company_days.day_bounds(first, last, tz)
        if isinstance(name, date):
            name = _("Day off instead of %(day)s", day=format_date(self.env, name))
        return {
            "name": name,
            "calendar_id": calendar.id,
            "resource_id": False,
            "time_type": "leave",
            # Odoo's whole days of time off end at 23:59:59
            "date_from": begin,
            "date_to": end - timedelta(seconds=1),
        }

    def _get_moved_workday_name(self, replaced):
        if replaced:
            return _("Working day instead of %(day)s", day=format_date(self.env, replaced))
        return _("Moved working day")
