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
        group.add(sections, "acts_unsigned", "crm.lead", self._get_digest_acts_unsigned_section)
        return sections

    def _get_digest_acts_unsigned_section(self, group):
        """Deals paid in full whose act is not signed after the company's days to sign it,
        as of today, within each reader's rights on the deals."""
        env = self.env
        leads_of = group.search("crm.lead", [("act_sign_overdue", "=", True)], order="id")
        paid_on = env["crm.lead"]._get_act_sign_overdue_dates(
            set().union(*(leads.ids for leads in leads_of.values())) if leads_of else ()
        )
        note = env._("As of %(date)s.", date=format_date(env, group.today))
        # a reader who may not read contracts and acts gets the deals without their act
        may_read_acts = env["followup.contract"].has_access("read")

        def detail(lead):
            paid = format_date(env, paid_on.get(lead.id))
            if not may_read_acts:
                return env._("paid on %(date)s", date=paid)
            return env._("paid on %(date)s, act %(act)s", date=paid, act=lead.act_id.name or env._("not prepared"))

        return {
            reader_id: group.section(
                "acts_unsigned",
                env._("Acts not signed after payment"),
                figures=[(env._("Deals"), len(leads))] if leads else [],
                lines=[
                    DigestLine(
                        label=env._(
                            "%(deal)s – %(customer)s", deal=lead.name, customer=lead.partner_id.display_name or ""
                        ),
                        url=group.link(lead),
                        detail=detail(lead),
                    )
                    for lead in leads
                ],
                note=note,
                empty=env._("Every act of a paid deal is signed in time."),
            )
            for reader_id, leads in leads_of.items()
        }

    def _get_digest_contracts_section(self, group):
        env = self.env
        contracts_of = group.search(
            "followup.contract",
            [
                ("document_kind", "=", "contract"),
                "|",
                "&",
                *group.period("sent_date"),
                "&",
                *group.period("signed_date", dates=True),
            ],
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
                            date=format_date(env, contract.company_id._get_followup_date(contract.sent_date)),
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
