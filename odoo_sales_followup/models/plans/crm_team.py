from odoo import api, fields, models

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
        help="Working hours of the company's working schedule a new lead of this team may wait for its "
        "first touch (an activity done, a note or an email) before it shows as not touched in time, "
        "up to 8784 hours. Empty means 24 hours.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if any(vals.get("user_id") for vals in vals_list):
            # Who leads a team sees *Team plans* (ir.ui.menu._load_menus_blacklist).
            self.env.registry.clear_cache()
        return teams

    def write(self, vals):
        res = super().write(vals)
        if {"user_id", "active"} & vals.keys():
            self.env.registry.clear_cache()
        return res
