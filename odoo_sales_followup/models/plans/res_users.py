from odoo import fields, models

from ..crm_followup_digest import DIGEST_FIELDS


class ResUsers(models.Model):
    _inherit = "res.users"

    # Not required: empty means not subscribed.
    followup_digest_daily = fields.Boolean(
        string="Daily sales digest", help="An email each morning summing up the day before."
    )
    followup_digest_weekly = fields.Boolean(
        string="Weekly sales digest", help="An email each Monday summing up the week before."
    )
    followup_digest_monthly = fields.Boolean(
        string="Monthly sales digest", help="An email on the first of each month summing up the month before."
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + list(DIGEST_FIELDS.values())

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + list(DIGEST_FIELDS.values())
