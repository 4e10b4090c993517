from odoo import fields, models


class CrmLostReason(models.Model):
    _inherit = "crm.lost.reason"

    is_churn_reason = fields.Boolean(
        string="Churn reason",
        help="Offered when a reactivation opportunity is lost: why the customer stopped buying.",
    )
