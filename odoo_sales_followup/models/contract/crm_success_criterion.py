from odoo import _, fields, models


class CrmSuccessCriterion(models.Model):
    _inherit = "crm.success.criterion"

    rule = fields.Selection(
        selection_add=[
            ("contract_signed", "A contract of the opportunity is signed"),
            ("act_signed", "An act of completed work of the opportunity is signed"),
        ],
        ondelete={"contract_signed": "set default", "act_signed": "set default"},
    )

    def _get_rule_facts(self):
        return {
            **super()._get_rule_facts(),
            "contract_signed": _("a contract of the opportunity is marked signed"),
            "act_signed": _("an act of completed work of the opportunity is marked signed"),
        }
