from odoo import api, fields, models

from odoo.addons.crm.models.crm_stage import AVAILABLE_PRIORITIES


class ReactivationScanWizard(models.TransientModel):
    _name = "reactivation.scan.wizard"
    _description = "Reactivation scan preview"

    team_id = fields.Many2one("crm.team", string="Reactivation team", readonly=True)
    candidate_count = fields.Integer(string="Customers to call back", readonly=True)
    line_ids = fields.One2many("reactivation.scan.wizard.line", "wizard_id", string="Customers", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        Team = self.env["crm.team"]
        Team._check_reactivation_access()
        team = Team._get_reactivation_team()
        count, lines = team._reactivation_preview()
        values.update(
            team_id=team.id,
            candidate_count=count,
            line_ids=[fields.Command.create(line) for line in lines],
        )
        return values

    def action_run(self):
        self.ensure_one()
        return self.team_id.action_reactivation_scan()


class ReactivationScanWizardLine(models.TransientModel):
    _name = "reactivation.scan.wizard.line"
    _description = "Customer the reactivation scan would add"
    _order = "days_overdue desc, id"

    wizard_id = fields.Many2one("reactivation.scan.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Would be assigned to", readonly=True)
    last_purchase_date = fields.Date(string="Last purchase", readonly=True)
    interval_days = fields.Integer(string="Usual interval (days)", readonly=True)
    days_overdue = fields.Integer(string="Days overdue", readonly=True)
    expected_revenue = fields.Float(string="Expected revenue", readonly=True)
    priority = fields.Selection(AVAILABLE_PRIORITIES, readonly=True)
