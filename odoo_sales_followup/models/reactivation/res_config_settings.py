from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    reactivation_team_id = fields.Many2one(related="company_id.reactivation_team_id", readonly=False)
    reactivation_excluded_category_ids = fields.Many2many(
        related="company_id.reactivation_excluded_category_ids", readonly=False
    )
    reactivation_min_purchases = fields.Integer(related="company_id.reactivation_min_purchases", readonly=False)
    reactivation_assignment = fields.Selection(related="company_id.reactivation_assignment", readonly=False)
    reactivation_weekly_capacity = fields.Integer(related="company_id.reactivation_weekly_capacity", readonly=False)

    def action_open_reactivation_scan(self):
        return self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_reactivation_scan_wizard")
