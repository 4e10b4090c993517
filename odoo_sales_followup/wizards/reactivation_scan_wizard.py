from odoo import api, fields, models

from odoo.addons.crm.models.crm_stage import AVAILABLE_PRIORITIES


class ReactivationScanWizard(models.TransientModel):
    _name = "reactivation.scan.wizard"
    _description = "Reactivation scan preview"

    team_id = fields.Many2one("crm.team", string="Reactivation team", readonly=True)
    candidate_count = fields.Integer(string="Customers to call back", readonly=True)
    planned_count = fields.Integer(string="Dormant customers to add", readonly=True)
    capacity_count = fields.Integer(
        string="Waiting for capacity", readonly=True, help="The team is at its weekly capacity."
    )
    excluded_tag_count = fields.Integer(string="Excluded by a tag", readonly=True)
    few_purchases_count = fields.Integer(string="Too few purchases", readonly=True)
    blocked_count = fields.Integer(
        string="Blocked or opted out", readonly=True, help="Sales blocked on the customer, or its email blacklisted."
    )
    called_count = fields.Integer(
        string="Already called",
        readonly=True,
        help="A reactivation opportunity is open, or was closed since their last purchase: "
        "one call-back per dormant spell.",
    )
    excluded_count = fields.Integer(compute="_compute_excluded_count")
    line_ids = fields.One2many("reactivation.scan.wizard.line", "wizard_id", string="Customers", readonly=True)

    @api.depends("capacity_count", "excluded_tag_count", "few_purchases_count", "blocked_count", "called_count")
    def _compute_excluded_count(self):
        for wizard in self:
            wizard.excluded_count = (
                wizard.capacity_count
                + wizard.excluded_tag_count
                + wizard.few_purchases_count
                + wizard.blocked_count
                + wizard.called_count
            )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        Team = self.env["crm.team"]
        Team._check_reactivation_access()
        team = Team._get_reactivation_team()
        preview = team._reactivation_preview()
        values.update(
            team_id=team.id,
            candidate_count=preview["count"],
            planned_count=preview["planned"],
            capacity_count=preview["capacity"],
            excluded_tag_count=preview["excluded_tag"],
            few_purchases_count=preview["few_purchases"],
            blocked_count=preview["blocked"],
            called_count=preview["called"],
            line_ids=[fields.Command.create(line) for line in preview["lines"]],
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
    user_id = fields.Many2one("res.users", string="Assignee", readonly=True, help="Who would call the customer.")
    last_purchase_date = fields.Date(string="Last purchase", readonly=True)
    interval_days = fields.Integer(string="Interval", readonly=True, help="Usual days between purchases.")
    days_overdue = fields.Integer(string="Overdue", readonly=True, help="Days past the usual interval.")
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id, readonly=True)
    expected_revenue = fields.Monetary(
        string="Average order", currency_field="currency_id", readonly=True, help="The expected revenue of the call."
    )
    priority = fields.Selection(AVAILABLE_PRIORITIES, readonly=True)
