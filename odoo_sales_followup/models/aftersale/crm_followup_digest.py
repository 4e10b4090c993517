from odoo import models
from odoo.tools import format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The after-sale care's section of the sales digests: after-sale calls past their
    due date and not made, as of today."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "aftersale_overdue", "crm.lead", self._get_digest_aftersale_overdue_section)
        return sections

    def _get_digest_aftersale_overdue_section(self, group):
        """Won deals whose after-sale call is overdue, the oldest call first."""
        env = self.env
        call_type = env["crm.lead"]._get_after_sale_call_type()
        today = group.today
        leads_of = (
            group.search(
                "crm.lead",
                [
                    (
                        "activity_ids",
                        "any",
                        [("activity_type_id", "=", call_type.id), ("date_deadline", "<", today)],
                    )
                ],
                order="id",
            )
            if call_type
            else {reader.id: env["crm.lead"] for reader in group.readers}
        )

        def call(lead):
            due = lead.after_sale_call_due
            return DigestLine(
                label=lead.partner_id.display_name or lead.name,
                url=group.link(lead),
                detail=env._(
                    "%(deal)s: call due on %(date)s, %(days)s days overdue",
                    deal=lead.name,
                    date=format_date(env, due),
                    days=(today - due).days if due else 0,
                ),
                salesperson=lead.user_id.name or "",
            )

        note = env._("As of %(date)s.", date=format_date(env, today))
        return {
            reader_id: group.section(
                "aftersale_overdue",
                env._("After-sale calls overdue"),
                figures=[(env._("Calls"), len(leads))] if leads else [],
                lines=[call(lead) for lead in leads.sorted(lambda lead: (lead.after_sale_call_due, lead.id))],
                note=note,
                empty=env._("No after-sale call is overdue."),
            )
            for reader_id, leads in leads_of.items()
        }
