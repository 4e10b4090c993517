import logging

from markupsafe import escape

from odoo import _, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _followup_move_or_note(self, action, cause, stage=None, lost_reason=None):
        """Move these opportunities as something the user did asks, or say on each one why not.

        The move is made with the rights of the environment of ``self`` (the user whose action
        asked for it), in a savepoint: when a gate (the success criteria a stage or winning
        requires), a constraint or the user's rights refuse it, it is rolled back, the
        opportunity gets one note saying what was not done and why, and what the user did
        stands (the step done, the contract sent, the order confirmed). When several are moved
        at once and one is refused, the others are moved one by one.

        :param action: ``"stage"`` (move to ``stage``), ``"won"`` or ``"lost"`` (with ``lost_reason``,
            a ``crm.lost.reason``, possibly empty)
        :param cause: what asked for the move, the note's opening words
            (e.g. "The customer bought again")
        :return: {opportunity: the refusal's message} of those not moved, for the caller to tell
            the user
        """
        if not self:
            return {}
        refusals = {}
        error = self._followup_try_move(action, stage, lost_reason)
        if error and len(self) == 1:
            refusals[self] = error
        elif error:
            for lead in self:
                if lead_error := lead._followup_try_move(action, stage, lost_reason):
                    refusals[lead] = lead_error
        if refusals:
            self._followup_note_refused_moves(refusals, action, cause, stage)
        return refusals

    def _followup_try_move(self, action, stage, lost_reason):
        """Make the move in a savepoint; return the refusal's message (or None)."""
        try:
            with self.env.cr.savepoint():
                if action == "stage":
                    self.write({"stage_id": stage.id})
                elif action == "won":
                    self.action_set_won()
                elif action == "lost":
                    self.action_set_lost(lost_reason_id=lost_reason.id if lost_reason else False)
                else:
                    raise ValueError(f"Unknown move {action!r}")
        except UserError as error:  # AccessError and ValidationError too
            return error.args[0] if error.args else str(error)
        return None

    def _followup_note_refused_moves(self, refusals, action, cause, stage):
        """One note on each refused opportunity: what asked for the move, what was not done, and
        why. The note is on the opportunity: the refusal, which names it, is its only mention."""
        bodies = {}
        for lead, reason in refusals.items():
            if action == "stage":
                body = _(
                    "%(cause)s, but the opportunity was not moved to the stage “%(stage)s”: %(reason)s",
                    cause=cause,
                    stage=stage.name,
                    reason=reason,
                )
            elif action == "won":
                body = _(
                    "%(cause)s, but the opportunity was not marked won and stays open: %(reason)s",
                    cause=cause,
                    reason=reason,
                )
            else:
                body = _("%(cause)s, but the opportunity was not marked lost: %(reason)s", cause=cause, reason=reason)
            bodies[lead.id] = escape(body)
            _logger.info("Opportunity %s not moved (%s) for user %s: %s", lead.id, action, self.env.uid, reason)
        # sudo: the note says what was not done also on an opportunity the user may not write on
        self.browse(bodies).sudo()._message_log_batch(bodies=bodies)
