from odoo import _, fields, models


class CrmSuccessCriterion(models.Model):
    _inherit = "crm.success.criterion"

    rule = fields.Selection(
        selection_add=[("referral", "The customer referred a new lead")],
        ondelete={"referral": "set default"},
    )

    def _get_rule_facts(self):
        return {**super()._get_rule_facts(), "referral": _("a lead is recorded as referred by this customer")}
