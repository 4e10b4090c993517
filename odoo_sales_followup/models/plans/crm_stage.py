from odoo import fields, models

from .crm_lead import OPEN_FORECAST_CATEGORIES


class CrmStage(models.Model):
    _inherit = "crm.stage"

    forecast_category = fields.Selection(
        OPEN_FORECAST_CATEGORIES,
        string="Forecast category",
        default="pipeline",
        help="The forecast category an opportunity takes when it enters this stage: Pipeline (in "
        "work), Best case (could close in its period), Commit (the salesperson stands behind it). "
        "The salesperson may change it on the opportunity afterwards. A change here applies to the "
        "opportunities that enter the stage from then on. Won opportunities are Closed whatever the stage.",
    )
