from odoo import models
from odoo.tools import format_date

from ..crm_followup_digest import DigestLine

#: Stop reasons of a chain that ended without an outcome (a missed chance).
MISSED_STOP_REASONS = ("manual", "stage", "activity_deleted", "calendar", "delay")


class CrmFollowupDigest(models.Model):
    """The chains' section of the sales digests, for team leaders and the sales head:
    chains that stopped in the period without an outcome."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        if group.role != "salesperson":
            group.add(sections, "chains_stopped", "followup.chain.run", self._get_digest_chains_stopped_section)
        return sections

    def _get_digest_chains_stopped_section(self, group):
        env = self.env
        Run = env["followup.chain.run"]
        runs = Run.search(
            [
                *group.scope(),
                ("state", "=", "stopped"),
                ("stop_reason", "in", MISSED_STOP_REASONS),
                *group.period("date_end", dates=True),
            ],
            order="date_end, id",
        )
        reasons = dict(Run._fields["stop_reason"]._description_selection(env))
        return group.section(
            "chains_stopped",
            env._("Chains stopped without an outcome"),
            figures=[(env._("Chains"), len(runs))] if runs else [],
            lines=[
                DigestLine(
                    label=run.name,
                    url=group.link(run),
                    detail=env._(
                        "%(reason)s, on %(date)s",
                        reason=reasons.get(run.stop_reason),
                        date=format_date(env, run.date_end),
                    ),
                )
                for run in runs
            ],
            empty=env._("No chain stopped without an outcome."),
        )
