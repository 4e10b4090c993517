import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..common_contract import ContractCommon


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractSend(ContractCommon):
    def test_send_attaches_the_contract_and_the_pro_forma_and_moves_to_payment(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        action = deal.with_user(self.salesman).action_send_contract()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("odoo_sales_followup.mail_template_contract_invoice").id,
        )
        composer = self._send(deal)
        self.assertEqual(composer.partner_ids, self.acme)
        self.assertEqual(composer.subject, f"YourCompany: contract {contract.name} and invoice")
        message = deal.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertEqual(message.partner_ids, self.acme)
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")),
            sorted([f"{contract.name} v1.pdf", f"Pro-forma invoice {deal.order_ids.name}.pdf"]),
        )
        self.assertEqual(contract.state, "sent")
        self.assertEqual(contract.sent_to, '"Acme Corp" <acme@example.com>')
        self.assertEqual(deal.stage_id, self.stage_payment_receipt)
        self.assertEqual(
            deal.message_ids.filtered(lambda message: "were sent to" in message.body).mapped("body"),
            [f'<p>Contract {contract.name} and the invoice were sent to "Acme Corp" &lt;acme@example.com&gt;.</p>'],
        )

    def test_send_prefers_the_posted_invoice(self):
        deal = self._contract_deal()
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._prepare(deal)
        self._send(deal)
        message = deal.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertIn(f"{invoice.name.replace('/', '_')}.pdf", message.attachment_ids.mapped("name"))

    def test_send_refused_without_email_or_contract(self):
        deal = self._contract_deal()
        with self._refused(UserError, r'^Prepare the contract of "Acme ERP rollout" before sending it\.$'):
            deal.with_user(self.salesman).action_send_contract()
        self._prepare(deal)
        self.acme.email = False
        with self._refused(UserError, r'^The customer of "Acme ERP rollout" \(Acme Corp\) has no email address'):
            deal.with_user(self.salesman).action_send_contract()
        self.assertEqual(deal.contract_id.state, "prepared")
        self.assertEqual(deal.stage_id, self.stage_new)

    def test_team_payment_stage(self):
        waiting = self.env["crm.stage"].create({"name": "Awaiting payment", "sequence": 5, "team_id": self.team.id})
        self.team.contract_payment_stage_id = waiting
        deal = self._contract_deal()
        self._prepare(deal)
        self._send(deal)
        self.assertEqual(deal.stage_id, waiting)

    def test_mark_signed_meets_contract_signed(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        self._send(deal)
        wizard = deal.with_user(self.salesman).with_context(contract_wizard_mode="sign").action_open_contract_wizard()
        self.assertEqual(wizard["context"], {"default_contract_id": contract.id, "default_mode": "sign"})
        self.env["followup.contract.upload.wizard"].with_user(self.salesman).create(
            {
                "contract_id": contract.id,
                "mode": "sign",
                "file": base64.b64encode(b"%PDF scanned"),
                "file_name": "signed.pdf",
                "signed_date": "2026-11-20",
            }
        ).action_confirm()
        self.assertEqual(contract.state, "signed")
        self.assertEqual(str(contract.signed_date), "2026-11-20")
        self.assertEqual(contract.signed_attachment_id.name, "signed.pdf")
        line = deal.criterion_line_ids.filtered(lambda line: line.criterion_id == self.contract_signed)
        self.assertEqual((line.is_met, line.met_origin, line.met_user_id), (True, contract, self.salesman))
        self.assertEqual(line.attachment_ids, contract.signed_attachment_id)
        with self._refused(UserError, "is signed: it is not prepared again"):
            deal.with_user(self.salesman).action_prepare_contract()

    def test_automatic_rule_contract_signed(self):
        criterion = self.env["crm.success.criterion"].create(
            {"name": "Contract signed (auto)", "rule": "contract_signed"}
        )
        deal = self._contract_deal()
        line = deal.criterion_line_ids.filtered(lambda line: line.criterion_id == criterion)
        contract = self._prepare(deal)
        contract.with_user(self.salesman)._mark_signed(b"%PDF scan", "scan.pdf")
        self._end_transaction()
        self.assertEqual((line.is_met, line.met_origin), (True, contract))
        with self._refused(UserError, "once a contract of the opportunity is marked signed"):
            line.with_user(self.salesman).is_met = False

    def test_payment_by_an_accountant_moves_to_work_and_notifies(self):
        deal = self._contract_deal()
        self._prepare(deal)
        self._send(deal)
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._end_transaction()
        self.assertEqual(deal.stage_id, self.stage_payment_receipt)
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": invoice.amount_total, "journal_id": self.bank_journal.id})._create_payments()
        self._end_transaction()
        self.assertEqual(deal.stage_id, self.stage_in_work)
        note = deal.message_ids.filtered(lambda message: "Payment received" in message.body)
        self.assertEqual(note.body, f"<p>Payment received: {deal.name} moved to In work; the work can start.</p>")
        self.assertEqual(note.partner_ids, self.salesman.partner_id)

    def test_payment_outside_the_payment_stage_moves_nothing(self):
        deal = self._contract_deal()
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, invoice.amount_total)
        self.assertEqual(deal.stage_id, self.stage_new)


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractAccess(ContractCommon):
    def test_contract_fields_are_the_engines(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        for vals in ({"state": "signed"}, {"name": "FORGED-1"}, {"lead_id": self._opportunity().id}):
            with self._refused(AccessError, "You are not allowed to modify 'Contract'"):
                contract.with_user(self.salesman).with_context(contract_engine=True).write(vals)
        with self._refused(AccessError, "You are not allowed to create 'Contract'"):
            self.env["followup.contract"].with_user(self.salesman).create(
                {"name": "C-FAKE", "lead_id": deal.id, "company_id": self.company.id}
            )
        with self._refused(AccessError, "You are not allowed to create 'Contract version'"):
            self.env["followup.contract.version"].with_user(self.manager).create({"contract_id": contract.id})
        with self._refused(AccessError, "You are not allowed to delete 'Contract'"):
            contract.with_user(self.manager).unlink()
        self.assertEqual((contract.state, len(contract.version_ids)), ("prepared", 1))

    def test_only_who_reads_the_deal_reads_its_contracts(self):
        other = self.env["res.users"].create(
            {
                "name": "Oleg Other",
                "login": "osf_other",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        deal = self._contract_deal()
        contract = self._prepare(deal)
        self.assertEqual(contract.with_user(self.salesman).docx_attachment_id.name, f"{contract.name} v1.docx")
        with self._refused(AccessError, "Contract"):
            contract.with_user(other).read(["name"])
        with self._refused(AccessError, "Attachment"):
            contract.docx_attachment_id.with_user(other).read(["raw"])
        with self._refused(AccessError, "Lead|Opportunity"):
            deal.with_user(other).action_prepare_contract()
        with self._refused(AccessError, r"Contract \(followup.contract\)"):
            contract.with_user(other)._mark_signed(b"forged", "forged.pdf")
        self.assertEqual((contract.state, len(contract.version_ids)), ("prepared", 1))
        self.assertEqual(contract.with_user(self.manager).name, contract.name)

    def test_companies_keep_their_data_template_and_sequence(self):
        other_company = self.env["res.company"].create({"name": "Second Company"})
        self.manager.company_ids |= other_company
        self.salesman.company_ids |= other_company
        self.team.company_id = self.company
        with self._refused(Exception, "cannot be used by the sales teams of another company"):
            self._template("X", company_id=other_company.id)
        team = self.env["crm.team"].create({"name": "Second team", "company_id": other_company.id})
        other_company.partner_id.write(
            {
                "legal_name": "Second Company LLC",
                "vat": "7700000002",
                "company_registry": "1027700000002",
                "signatory_name": "Sergey Second",
                "signatory_position": "Director",
                "signatory_basis": "the Charter",
                "bank_ids": [
                    Command.create({"acc_number": "40702810600000000009", "bank_id": self.acme.bank_ids.bank_id.id})
                ],
            }
        )
        template = self._template(
            "{{ contract.number }}: {{ company.legal_name }} for {{ customer.legal_name }}",
            name="Second's template",
            company_id=other_company.id,
            team_ids=[Command.set(team.ids)],
        )
        deal = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .with_company(other_company)
            .create(
                {
                    "name": "Second deal",
                    "type": "opportunity",
                    "partner_id": self.acme.id,
                    "team_id": team.id,
                    "company_id": other_company.id,
                    "user_id": self.salesman.id,
                }
            )
        )
        contract = self._prepare(deal.with_company(other_company))
        main = self._prepare(self._contract_deal())
        self.assertEqual(contract.template_id, template)
        self.assertEqual(contract.company_id, other_company)
        self.assertEqual(
            self._docx_text(contract.docx_attachment_id),
            f"{contract.name}: Second Company LLC for ООО «Акме» & Co <Co>",
        )
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "followup.contract"), ("company_id", "=", other_company.id)]
        )
        self.assertEqual(len(sequence), 1)
        self.assertEqual(main.template_id, self.template_en)


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractInvoiceRights(ContractCommon):
    """The invoice sent with a contract is rendered with the sender's rights (the salesperson has
    Sales rights only, no invoicing group) and goes on the message only."""

    def _posted_invoice(self, deal, invoice_user):
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_user_id = invoice_user
        invoice.action_post()
        return invoice

    def test_invoice_the_sender_may_not_read_is_refused_naming_it(self):
        self.assertFalse(self.salesman.has_group("account.group_account_invoice"))
        deal = self._contract_deal()
        invoice = self._posted_invoice(deal, self.manager)
        self._prepare(deal)
        attachments = self.env["ir.attachment"].search_count([])
        with self._refused(
            UserError, rf'^Invoice {invoice.name} of "Acme ERP rollout" is not one you may read: ask an accountant'
        ):
            deal.with_user(self.salesman).action_send_contract()
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments, "no PDF rendered nor stored")
        self.assertEqual(deal.contract_id.state, "prepared")

    def test_invoice_pdf_goes_on_the_message_only(self):
        deal = self._contract_deal()
        invoice = self._posted_invoice(deal, self.salesman)
        contract = self._prepare(deal)
        file_name = f"{invoice.name.replace('/', '_')}.pdf"
        action = deal.with_user(self.salesman).action_send_contract()
        # the composer is open: the opportunity holds no invoice PDF (closing it leaves none behind)
        lead_files = self.env["ir.attachment"].search([("res_model", "=", "crm.lead"), ("res_id", "=", deal.id)])
        self.assertNotIn(file_name, lead_files.mapped("name"))
        invoice_pdf = self.env["ir.attachment"].browse(action["context"]["default_attachment_ids"][0][2]) - (
            contract.pdf_attachment_id
        )
        self.assertEqual(
            (invoice_pdf.name, invoice_pdf.res_model, invoice_pdf.create_uid),
            (file_name, "mail.compose.message", self.salesman),
        )
        # the salesperson's own invoice, rendered as them (tests render reports as HTML)
        self.assertIn(invoice.name.encode(), invoice_pdf.raw)
        self._send(deal)
        message = deal.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertIn(file_name, message.attachment_ids.mapped("name"))
        self.assertEqual(contract.state, "sent")
