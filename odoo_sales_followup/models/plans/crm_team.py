from odoo import fields, models

#: Hours a new lead may wait for its first touch, when a team sets none.
DEFAULT_REACTION_HOURS = 24


#: Longest reaction time: a year of hours.
MAX_REACTION_HOURS = 24 * 366


class CrmTeam(models.Model):
    _name = "crm.team"
    _inherit = ["crm.team", "followup.bounds.mixin"]
    _followup_bounds = {"reaction_time_hours": (0, MAX_REACTION_HOURS)}

    # Not required: empty (0) means the default of 24 hours.
    reaction_time_hours = fields.Integer(
        string="Reaction time (hours)",
        default=DEFAULT_REACTION_HOURS,
        help="Hours a new lead of this team may wait for its first touch (an activity done, a note "
        "or an email) before it shows as not touched in time, up to a year (8784 hours). Empty means 24 hours.",
    )
