from collections import defaultdict

from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    followup_run_id = fields.Many2one(
        "followup.chain.run", string="Activity chain", ondelete="set null", index="btree_not_null", copy=False
    )

    def unlink(self):
        # An activity of a running chain cancelled by hand, or removed with its document, ends
        # the chain. The engine lets go of the activities it removes itself (done, paused,
        # stopped) first, so that they are no running chain's current activity by then.
        ids = set(self.ids)
        # sudo: whoever may delete the activity ends its chain, a run they may not see
        runs = self.sudo().followup_run_id.filtered(lambda run: run.state == "running" and run.activity_id.id in ids)
        if runs:
            # the chain's purpose may be gone anyway (the opportunity won, the invoice paid)
            reasons = runs._get_stop_reasons()
            by_reason = defaultdict(list)
            for run in runs:
                by_reason[reasons.get(run.id, "activity_deleted")].append(run.id)
            for reason, run_ids in by_reason.items():
                runs.browse(run_ids)._stop(reason, cancel_activities=False)
        return super().unlink()

    def _action_done(self, feedback=False, attachment_ids=None):
        # sudo: marking one's own activity done moves its chain, whoever owns the record and the run.
        chain_activities = self.sudo().filtered(
            lambda activity: activity.followup_run_id.state == "running"
            and activity.followup_run_id.activity_id == activity
        )
        runs = chain_activities.followup_run_id
        done = {
            activity.followup_run_id: (activity.summary, activity.date_deadline, activity.id)
            for activity in chain_activities
        }
        # The chains let go of these activities first: removing them below stops no chain.
        runs.write({"activity_id": False})
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if done:
            # in the environment of the user who marked them done: the outcomes act with their rights
            runs.with_env(self.env)._advance(done)
        return result
