from odoo import fields, models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    followup_workday_ids = fields.One2many(
        "resource.calendar.workday",
        "calendar_id",
        string="Moved working days",
        help="Days worked although their weekday is not (a Saturday worked instead of a holiday). "
        "Activity chains, after-sale and reactivation calls count them as business days.",
    )
