from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    followup_run_id = fields.Many2one(
        "followup.chain.run", string="Activity chain", ondelete="set null", index="btree_not_null", copy=False
    )

    def unlink(self):
        # An activity of a running chain cancelled by hand, or removed with its archived
        # document, ends the chain; the chain itself removes its activities with
        # followup_keep_runs (done, paused, stopped).
        if not self.env.context.get("followup_keep_runs"):
            runs = self.sudo().followup_run_id.filtered(lambda run: run.state == "running" and run.activity_id in self)
            runs._stop(self.env.context.get("followup_stop_reason", "activity_deleted"), cancel_activities=False)
        return super().unlink()

    def _action_done(self, feedback=False, attachment_ids=None):
        # sudo: marking one's own activity done moves the chain, whoever owns the record.
        chain_activities = self.sudo().filtered(
            lambda activity: activity.followup_run_id.state == "running"
            and activity.followup_run_id.activity_id == activity
        )
        runs = chain_activities.followup_run_id
        done = {activity.followup_run_id: (activity.summary, activity.date_deadline) for activity in chain_activities}
        result = super(MailActivity, self.with_context(followup_keep_runs=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if done:
            outcome = self.env["followup.chain.outcome"].browse(self.env.context.get("followup_outcome_id"))
            runs._advance(done, outcome=outcome.sudo().exists())
        return result
