from odoo import models


class FollowupChainRun(models.Model):
    _inherit = "followup.chain.run"

    def _get_responsible_user(self, step, record):
        if step.responsible != "reactivation":
            return super()._get_responsible_user(step, record)
        # the caller the scan assigned; on other documents, who leads the reactivation team
        lead = record._get_followup_lead()
        return lead.user_id if lead.is_reactivation else record.company_id.reactivation_team_id.user_id
