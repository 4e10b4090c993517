from odoo import models
from odoo.tools import format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The levels' sections of the sales digests: customers whose level moved in the
    period, and those who went dormant."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "levels_moved", "res.partner.level.change", self._get_digest_levels_moved_section)
        group.add(sections, "dormant", "res.partner.level.change", self._get_digest_dormant_section)
        return sections

    def _get_digest_levels_moved_section(self, group):
        """Moves of the period, counted by the level reached; a line per move."""
        env = self.env
        changes_of = group.search(
            "res.partner.level.change",
            [
                *group.period("date"),
                *env["res.partner.level.change"]._get_move_domain(),
                ("level_to", "not in", self.env["res.partner"]._get_level_groups()["dormant"]),
            ],
            user_field="salesperson_id",
            order="date, id",
        )
        levels = dict(env["res.partner.level.change"]._fields["level_to"]._description_selection(env))
        sections = {}
        for reader_id, changes in changes_of.items():
            counts = {}
            for change in changes:
                counts[change.level_to] = counts.get(change.level_to, 0) + 1
            sections[reader_id] = group.section(
                "levels_moved",
                env._("Customer levels moved"),
                figures=[(levels[level], count) for level, count in counts.items()],
                lines=[
                    DigestLine(
                        label=change.partner_id.display_name,
                        url=group.link(change.partner_id),
                        detail=env._(
                            "%(level_from)s → %(level_to)s on %(date)s",
                            level_from=levels.get(change.level_from) or env._("no level"),
                            level_to=levels[change.level_to],
                            date=format_date(env, env.company._get_followup_date(change.date)),
                        ),
                        salesperson=change.salesperson_id.name or "",
                    )
                    for change in changes
                ],
                empty=env._("No customer changed level in this period."),
            )
        return sections

    def _get_digest_dormant_section(self, group):
        """Customers who went dormant in the period."""
        env = self.env
        changes_of = group.search(
            "res.partner.level.change",
            [
                *group.period("date"),
                *env["res.partner.level.change"]._get_move_domain(),
                ("level_to", "in", self.env["res.partner"]._get_level_groups()["dormant"]),
            ],
            user_field="salesperson_id",
            order="date, id",
        )
        return {
            reader_id: group.section(
                "dormant",
                env._("Customers gone dormant"),
                figures=[(env._("Customers"), len(changes))] if changes else [],
                lines=[
                    DigestLine(
                        label=change.partner_id.display_name,
                        url=group.link(change.partner_id),
                        detail=env._(
                            "dormant since %(date)s", date=format_date(env, env.company._get_followup_date(change.date))
                        ),
                        salesperson=change.salesperson_id.name or "",
                    )
                    for change in changes
                ],
                empty=env._("No customer went dormant."),
            )
            for reader_id, changes in changes_of.items()
        }
