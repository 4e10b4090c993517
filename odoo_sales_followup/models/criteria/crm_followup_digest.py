from odoo import models
from odoo.tools import format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The criteria's section of the sales digests: success criteria met in the period."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "criteria_met", "crm.lead.criterion", self._get_digest_criteria_met_section)
        return sections

    def _get_digest_criteria_met_section(self, group):
        """Criteria met in the period, counted by criterion; a line per deal and criterion."""
        env = self.env
        lines_of = group.search(
            "crm.lead.criterion", [("is_met", "=", True), *group.period("met_date")], order="met_date, id"
        )
        sections = {}
        for reader_id, met in lines_of.items():
            counts = {}
            for line in met:
                counts[line.criterion_id.name] = counts.get(line.criterion_id.name, 0) + 1
            sections[reader_id] = group.section(
                "criteria_met",
                env._("Success criteria met"),
                figures=list(counts.items()),
                lines=[
                    DigestLine(
                        label=line.lead_id.name,
                        url=group.link(line.lead_id),
                        detail=env._(
                            "%(criterion)s on %(date)s",
                            criterion=line.criterion_id.name,
                            date=format_date(env, env.company._get_followup_date(line.met_date)),
                        ),
                    )
                    for line in met
                ],
                empty=env._("No success criterion met in this period."),
            )
        return sections
