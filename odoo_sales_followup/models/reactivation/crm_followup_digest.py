from odoo import models
from odoo.tools import format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The reactivation's sections of the sales digests: dormant customers flagged for a
    reactivation call in the period, and those won back; the reactivation calls not made
    (an open reactivation whose call is overdue, or with no call planned)."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "reactivation", "crm.lead", self._get_digest_reactivation_section)
        group.add(sections, "reactivation_missed", "crm.lead", self._get_digest_reactivation_missed_section)
        return sections

    def _get_digest_reactivation_section(self, group):
        env = self.env
        leads_of = group.search(
            "crm.lead",
            [
                ("is_reactivation", "=", True),
                ("active", "in", (True, False)),
                "|",
                "&",
                ("create_date", ">=", group.start),
                ("create_date", "<", group.end),
                "&",
                ("stage_id.is_won", "=", True),
                "&",
                ("date_closed", ">=", group.start),
                ("date_closed", "<", group.end),
            ],
            order="create_date, id",
        )
        sections = {}
        for reader_id, leads in leads_of.items():
            flagged = leads.filtered(lambda lead: group.start <= lead.create_date < group.end)
            won = leads.filtered(
                lambda lead: lead.active and lead.stage_id.is_won and group.start <= lead.date_closed < group.end
            )
            sections[reader_id] = group.section(
                "reactivation",
                env._("Reactivation calls"),
                figures=[(env._("Customers to call back"), len(flagged)), (env._("Won back"), len(won))]
                if leads
                else [],
                lines=[
                    DigestLine(
                        label=lead.partner_id.display_name or lead.name,
                        url=group.link(lead),
                        detail=env._("won back")
                        if lead in won
                        else env._(
                            "to call: %(days)s days past the usual purchase", days=lead.reactivation_days_overdue
                        ),
                    )
                    for lead in leads
                ],
                empty=env._("No customer flagged for reactivation or won back in this period."),
            )
        return sections

    def _get_digest_reactivation_missed_section(self, group):
        """Open reactivations whose call is not made, as of today: an activity past its due
        date, or none planned; the longest dormant first."""
        env = self.env
        today = group.today
        leads_of = group.search(
            "crm.lead",
            [
                ("reactivation_open", "=", True),
                "|",
                ("activity_ids", "=", False),
                ("activity_ids.date_deadline", "<", today),
            ],
            order="reactivation_days_overdue desc, id",
        )

        def missed(lead):
            due = lead.activity_date_deadline
            return DigestLine(
                label=lead.partner_id.display_name or lead.name,
                url=group.link(lead),
                detail=env._(
                    "call due on %(date)s, %(days)s days overdue", date=format_date(env, due), days=(today - due).days
                )
                if due
                else env._("no call planned"),
                salesperson=lead.user_id.name or "",
            )

        note = env._("As of %(date)s.", date=format_date(env, today))
        return {
            reader_id: group.section(
                "reactivation_missed",
                env._("Reactivation calls not made"),
                figures=[(env._("Customers"), len(leads))] if leads else [],
                lines=[missed(lead) for lead in leads],
                note=note,
                empty=env._("Every dormant customer flagged has their call planned."),
            )
            for reader_id, leads in leads_of.items()
        }
