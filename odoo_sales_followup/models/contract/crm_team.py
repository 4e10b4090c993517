from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmTeam(models.Model):
    _inherit = "crm.team"

    contract_payment_stage_id = fields.Many2one(
        "crm.stage",
        string="Payment stage",
        help="Where an opportunity goes once its contract and invoice are sent. "
        "Leave empty for the shipped Payment receipt stage.",
    )
    contract_work_stage_id = fields.Many2one(
        "crm.stage",
        string="Work stage",
        help="Where an opportunity in the payment stage goes once its payment arrives. "
        "Leave empty for the shipped In work stage.",
    )

    @api.constrains("contract_payment_stage_id", "contract_work_stage_id")
    def _check_contract_stages(self):
        for team in self:
            for stage in team.contract_payment_stage_id | team.contract_work_stage_id:
                if stage.team_id and stage.team_id != team:
                    raise ValidationError(
                        _(
                            'Sales team "%(team)s" cannot use stage "%(stage)s" of team "%(other)s" for contracts.',
                            team=team.name,
                            stage=stage.name,
                            other=stage.team_id.name,
                        )
                    )

    @api.constrains("contract_payment_stage_id", "contract_work_stage_id")
    def _check_contract_path(self):
        """A team's contract path must be one a deal can walk: its payment stage, entered when
        the contract is sent, cannot require what only comes after (the payment, the signature);
        its work stage, entered when the payment arrives, cannot be the payment stage."""
        for team in self:
            payment_stage = team._get_contract_payment_stage()
            work_stage = team._get_contract_work_stage()
            if payment_stage and payment_stage == work_stage:
                raise ValidationError(
                    _(
                        'Sales team "%(team)s": its payment stage and its work stage are both "%(stage)s": a paid '
                        "deal would have nowhere to go. Choose two stages on the team's Contracts tab.",
                        team=team.name,
                        stage=payment_stage.name,
                    )
                )
            payment_stage._check_contract_payment_gates(team)

    def _get_contract_payment_stage(self):
        """Hook: the stage an opportunity of this team (or of no team) enters when its contract is sent."""
        return self[:1].contract_payment_stage_id or self.env.ref(
            "odoo_sales_followup.stage_payment_receipt", raise_if_not_found=False
        )

    def _get_contract_work_stage(self):
        """Hook: the stage an opportunity of this team enters when the payment arrives."""
        return self[:1].contract_work_stage_id or self.env.ref(
            "odoo_sales_followup.stage_in_work", raise_if_not_found=False
        )
