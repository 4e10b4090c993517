from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_calendar_year = fields.Integer(
        string="Production calendar year",
        default=lambda self: self.env.company._get_followup_today().year,
        help="The year whose non-working and moved working days to load into the company's working schedule.",
    )
    followup_calendar_country_id = fields.Many2one(related="company_id.country_id", string="Country of the calendar")
    followup_calendar_id = fields.Many2one(related="company_id.resource_calendar_id", string="Working schedule")

    def action_load_production_calendar(self):
        self.ensure_one()
        return self.company_id.action_load_production_calendar(self.followup_calendar_year)
