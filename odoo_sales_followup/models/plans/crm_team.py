from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Hours a new lead may wait for its first touch, when a team sets none.
DEFAULT_REACTION_HOURS = 24


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # Not required: empty (0) means the default of 24 hours.
    reaction_time_hours = fields.Integer(
        string="Reaction time (hours)",
        default=DEFAULT_REACTION_HOURS,
        help="Hours a new lead of this team may wait for its first touch (an activity done, a note "
        "or an email) before it shows as not touched in time. Empty means 24 hours.",
    )

    @api.constrains("reaction_time_hours")
    def _check_reaction_time_hours(self):
        for team in self:
            if team.reaction_time_hours < 0:
                raise ValidationError(
                    _(
                        "The reaction time of the sales team %(team)s is %(hours)s hours: it is zero "
                        "(the default of 24 hours) or more.",
                        team=team.display_name,
                        hours=team.reaction_time_hours,
                    )
                )
