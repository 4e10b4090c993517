from odoo import _, api, models
from odoo.exceptions import ValidationError

#: The rules of criteria a deal meets only once its contract was sent.
AFTER_SENDING_RULES = ("prepayment", "full_payment", "contract_signed")


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.constrains("required_criterion_ids")
    def _check_contract_payment_stage_criteria(self):
        if not self:
            return
        shipped = self.env.ref("odoo_sales_followup.stage_payment_receipt", raise_if_not_found=False)
        Team = self.env["crm.team"].with_context(active_test=False)
        for stage in self:
            if stage == shipped:
                # the payment stage of every team that names none
                stage._check_contract_payment_gates(Team.browse())
            else:
                for team in Team.search([("contract_payment_stage_id", "=", stage.id)]):
                    stage._check_contract_payment_gates(team)

    def _get_contract_blocking_criteria(self):
        """The criteria this stage requires that a deal cannot meet when its contract is sent:
        the payments, the signed contract."""
        shipped_signed = self.env.ref("odoo_sales_followup.criterion_contract_signed", raise_if_not_found=False)
        return self.required_criterion_ids.filtered(
            lambda criterion: criterion.rule in AFTER_SENDING_RULES or criterion == shipped_signed
        )

    def _check_contract_payment_gates(self, team):
        """Refuse this stage as ``team``'s payment stage when it requires what only comes after
        the contract is sent: the deal would stay where it is, the payment would move nothing."""
        for stage in self:
            blocking = stage._get_contract_blocking_criteria()
            if not blocking:
                continue
            raise ValidationError(
                _(
                    'Stage "%(stage)s" is where the deals of sales team "%(team)s" wait for their payment once '
                    "the contract is sent, so it cannot require %(criteria)s: a deal meets them only later, "
                    "and the contract would leave it where it is. Require them on the work stage "
                    '"%(work)s" instead, or choose another payment stage on the team’s Contracts tab.',
                    stage=stage.name,
                    team=team.name or _("every team"),
                    criteria=", ".join(blocking.mapped("name")),
                    work=team._get_contract_work_stage().name or "",
                )
            )
