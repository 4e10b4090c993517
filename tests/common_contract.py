import base64
import io
import subprocess

from docx import Document

from odoo import Command

from .common import RelationshipLevelCommon


class ContractCommon(RelationshipLevelCommon):
    """The world of the levels, plus what a contract needs.

    main company "YourCompany": legal data (signatory Olga Director, on the basis of the
    │   Charter), bank account at "Demo Bank" (BIC 044525225, correspondent account)
    ├── Acme Corp, a Russian company: full legal name with "&" and "<Co>" and Cyrillic,
    │   INN, KPP, OGRN, bank account (check digits and key right), signatory; email
    │   acme@example.com
    ├── team "Contracts" (salesman and manager are members), stage New; payment and work
    │   stages: the shipped Payment receipt and In work
    ├── accountant: invoicing rights, no sales rights
    └── the shipped sample contract (English), the templates of the test world
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.template_en = ref("odoo_sales_followup.contract_template_sample")
        cls.template_ru = ref("odoo_sales_followup.contract_template_sample_ru")
        cls.stage_payment_receipt = ref("odoo_sales_followup.stage_payment_receipt")
        cls.stage_in_work = ref("odoo_sales_followup.stage_in_work")
        cls.contract_signed = ref("odoo_sales_followup.criterion_contract_signed")
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Alice Accountant",
                "login": "osf_accountant",
                "email": "accountant@example.com",
                "groups_id": [Command.set([ref("account.group_account_invoice").id])],
            }
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Contracts",
                "use_opportunities": True,
                "member_ids": [Command.set((cls.salesman | cls.manager).ids)],
            }
        )
        # no taxes: the totals the tests read are the prices
        cls.product.taxes_id = False
        cls.stage_new = cls.env["crm.stage"].create({"name": "New", "sequence": 1, "team_id": cls.team.id})
        bank = cls.env["res.bank"].create(
            {"name": "Demo Bank", "bic": "044525225", "corr_account": "30101810400000000225"}
        )
        cls.company.partner_id.write(
            {
                "legal_name": "YourCompany Ltd.",
                "vat": "7700000009",
                "company_registry": "1027700000008",
                "street": "1 Main Street",
                "city": "Moscow",
                "signatory_name": "Olga Director",
                "signatory_position": "General Director",
                "signatory_basis": "the Charter",
                "bank_ids": [Command.create({"acc_number": "40702810200000000001", "bank_id": bank.id, "sequence": 1})],
            }
        )
        cls.acme.write(
            {
                "legal_name": "ООО «Акме» & Co <Co>",
                "email": "acme@example.com",
                "country_id": ref("base.ru").id,
                "city": "Москва",
                "street": "ул. Тверская, 1",
                "vat": "7701234560",
                "kpp": "770101001",
                "company_registry": "1147746000005",
                "signatory_name": "Иван Петров",
                "signatory_position": "General Director",
                "signatory_basis": "the Charter",
                "bank_ids": [Command.create({"acc_number": "40702810500000000002", "bank_id": bank.id})],
            }
        )

    # ---- builders ----

    def _contract_deal(self, price=1000.0, **values):
        """An opportunity of Acme in the Contracts team, created by its salesperson, with a
        quotation of one consulting day at ``price``."""
        deal = self._opportunity(user=self.salesman, **{"name": "Acme ERP rollout", **values})
        self._quotation(deal, price=price)
        return deal

    def _prepare(self, deal, user=None):
        """Prepare the contract of ``deal`` as ``user`` (else the salesperson); the contract."""
        deal.with_user(user or self.salesman).action_prepare_contract()
        deal.invalidate_recordset()
        return deal.contract_id

    def _send(self, deal, user=None):
        """Send the contract of ``deal`` as ``user`` (else the salesperson) through the composer
        that *Send contract* opens, as the user's browser does; the composer."""
        return self._send_through_composer(deal, deal.with_user(user or self.salesman).action_send_contract(), user)

    def _invoiced_deal(self, price=1000.0, pay=True, **values):
        """A contract deal whose quotation is confirmed and invoiced (posted), and paid in full
        unless not ``pay``; ``(deal, invoice)``."""
        deal = self._contract_deal(price=price, **values)
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        if pay:
            self._pay(invoice, invoice.amount_total)
        else:
            self._end_transaction()
        return deal, invoice

    def _prepare_act(self, deal, user=None):
        """Prepare the act of ``deal`` as ``user`` (else the salesperson); the act."""
        deal.with_user(user or self.salesman).action_prepare_act()
        deal.invalidate_recordset()
        return deal.act_id

    def _send_act(self, deal, user=None):
        """Send the act of ``deal`` through the composer *Send act* opens; the composer."""
        return self._send_through_composer(deal, deal.with_user(user or self.salesman).action_send_act(), user)

    def _send_through_composer(self, deal, action, user=None):
        """Send through the composer the send ``action`` opens, as ``user`` (else the
        salesperson), as the user's browser does; the composer."""
        composer = (
            self.env["mail.compose.message"]
            .with_user(user or self.salesman)
            .with_context(**action["context"])
            .create({})
        )
        composer.action_send_mail()
        deal.invalidate_recordset()
        return composer

    def _mark_signed(self, document, signed_date="2026-11-20", user=None):
        """Mark ``document`` signed with a scan through the window *Mark signed* opens."""
        action = document.with_user(user or self.salesman).action_mark_signed()
        self.env["followup.contract.upload.wizard"].with_user(user or self.salesman).with_context(
            **action["context"]
        ).create(
            {"file": base64.b64encode(b"%PDF scanned"), "file_name": "signed.pdf", "signed_date": signed_date}
        ).action_confirm()
        self._end_transaction()

    def _template(self, *paragraphs, name="Test template", **values):
        """A contract template of the Contracts team with these paragraphs, created by the
        Sales administrator."""
        return (
            self.env["followup.contract.template"]
            .with_user(self.manager)
            .create(
                {
                    "name": name,
                    "file": base64.b64encode(self._docx(*paragraphs)),
                    "file_name": "test.docx",
                    "team_ids": [Command.set(self.team.ids)],
                    **values,
                }
            )
        )

    @staticmethod
    def _docx(*paragraphs):
        document = Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()

    @staticmethod
    def _docx_text(attachment):
        document = Document(io.BytesIO(attachment.raw))
        lines = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(lines)

    @staticmethod
    def _pdf_text(attachment):
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=attachment.raw, capture_output=True, check=True
        ).stdout.decode()
