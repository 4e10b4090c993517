from odoo import models
from odoo.tools import format_amount, format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The contract's sections of the sales digests: contracts sent and signed in the
    period, and the invoices that await their payment today, those past their due date
    said overdue."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "contracts", "followup.contract", self._get_digest_contracts_section)
        group.add(sections, "invoices_due", "account.move", self._get_digest_invoices_due_section)
        return sections

    def _get_digest_contracts_section(self, group):
        env = self.env
        contracts_of = group.search(
            "followup.contract",
            ["|", "&", *group.period("sent_date"), "&", *group.period("signed_date", dates=True)],
            user_field="lead_id.user_id",
            team_field="lead_id.team_id",
            order="id",
        )
        sections = {}
        for reader_id, contracts in contracts_of.items():
            sent = contracts.filtered(
                lambda contract: contract.sent_date and group.start <= contract.sent_date < group.end
            )
            signed = contracts.filtered(
                lambda contract: contract.signed_date and group.date_from <= contract.signed_date <= group.date_to
            )
            sections[reader_id] = group.section(
                "contracts",
                env._("Contracts sent and signed"),
                figures=[(env._("Sent"), len(sent)), (env._("Signed"), len(signed))] if contracts else [],
                lines=[
                    DigestLine(
                        label=env._(
                            "Contract %(number)s – %(customer)s",
                            number=contract.name or "",
                            customer=contract.partner_id.display_name or "",
                        ),
                        url=group.link(contract),
                        detail=env._("signed on %(date)s", date=format_date(env, contract.signed_date))
                        if contract in signed
                        else env._(
                            "sent on %(date)s",
                            date=format_date(env, env.company._get_followup_date(contract.sent_date)),
                        ),
                    )
                    for contract in contracts
                ],
                empty=env._("No contract sent or signed in this period."),
            )
        return sections

    def _get_digest_invoices_due_section(self, group):
        """Customer invoices posted and not paid yet, as of today, the earliest due first;
        those past their due date counted apart and said overdue, with their days."""
        env = self.env
        invoices_of = group.search(
            "account.move",
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            user_field="invoice_user_id",
            order="invoice_date_due, id",
        )
        today = group.today
        note = env._("As of %(date)s.", date=format_date(env, today))

        def invoice_line(move):
            values = {
                "amount": format_amount(env, move.amount_residual, move.currency_id),
                "date": format_date(env, move.invoice_date_due),
            }
            overdue = move.invoice_date_due and (today - move.invoice_date_due).days
            return DigestLine(
                label=env._(
                    "Invoice %(number)s – %(customer)s", number=move.name, customer=move.partner_id.display_name
                ),
                url=group.link(move),
                detail=env._("%(amount)s due on %(date)s, %(days)s days overdue", days=overdue, **values)
                if overdue and overdue > 0
                else env._("%(amount)s due on %(date)s", **values),
                salesperson=move.invoice_user_id.name or "",
            )

        def figures(moves):
            if not moves:
                return []
            overdue = moves.filtered(lambda move: move.invoice_date_due and move.invoice_date_due < today)
            return [(env._("Invoices"), len(moves)), (env._("Past their due date"), len(overdue))]

        return {
            reader_id: group.section(
                "invoices_due",
                env._("Invoices awaiting payment"),
                figures=figures(moves),
                lines=[invoice_line(move) for move in moves],
                note=note,
                empty=env._("No invoice awaits payment."),
            )
            for reader_id, moves in invoices_of.items()
        }
