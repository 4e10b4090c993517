from odoo import fields, models


class ResourceCalendarWorkday(models.Model):
    _name = "resource.calendar.workday"
    _description = "Moved working day"
    _order = "date"

    calendar_id = fields.Many2one(
        "resource.calendar", string="Working schedule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    name = fields.Char(string="Reason", help="Why this day is worked, e.g. the holiday it replaces.")

    _sql_constraints = [
        ("calendar_date_unique", "UNIQUE(calendar_id, date)", "A day is a moved working day of a schedule only once."),
    ]
