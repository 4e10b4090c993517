from odoo import _, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    level_purchase_threshold = fields.Integer(related="company_id.level_purchase_threshold", readonly=False)
    level_purchase_interval_days = fields.Integer(related="company_id.level_purchase_interval_days", readonly=False)
    level_dormant_tolerance = fields.Float(related="company_id.level_dormant_tolerance", readonly=False)

    def action_recompute_relationship_levels(self):
        count = self.env["res.partner"].action_recompute_relationship_levels()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Relationship levels recomputed. Partners: %(count)s.", count=count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_partner_categories(self):
        return self.env["ir.actions.act_window"]._for_xml_id("odoo_sales_followup.action_partner_category_intervals")
