from odoo import _, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    level_purchase_threshold = fields.Integer(related="company_id.level_purchase_threshold", readonly=False)
    level_purchase_interval_days = fields.Integer(related="company_id.level_purchase_interval_days", readonly=False)
    level_dormant_tolerance = fields.Float(related="company_id.level_dormant_tolerance", readonly=False)
    after_sale_trigger = fields.Selection(related="company_id.after_sale_trigger", readonly=False)
    after_sale_delay_days = fields.Integer(related="company_id.after_sale_delay_days", readonly=False)
    reactivation_team_id = fields.Many2one(related="company_id.reactivation_team_id", readonly=False)
    reactivation_excluded_category_ids = fields.Many2many(
        related="company_id.reactivation_excluded_category_ids", readonly=False
    )
    reactivation_min_purchases = fields.Integer(related="company_id.reactivation_min_purchases", readonly=False)
    reactivation_assignment = fields.Selection(related="company_id.reactivation_assignment", readonly=False)
    reactivation_weekly_capacity = fields.Integer(related="company_id.reactivation_weekly_capacity", readonly=False)

    def action_recompute_relationship_levels(self):
        count = self.env["res.partner"].action_recompute_relationship_levels()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Relationship levels recomputed for %(count)s partners.", count=count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_partner_categories(self):
        return self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_partner_category_intervals")

    def action_open_reactivation_scan(self):
        return self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_reactivation_scan_wizard")
