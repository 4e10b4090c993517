import base64
import io
import zipfile
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import tagged

from ...odoo_sales_followup.tools import office
from ..common_contract import ContractCommon
from . import hostile_docx as hostile


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractPrepare(ContractCommon):
    def test_prepare_fills_in_the_legal_data_in_docx_and_pdf(self):
        deal = self._contract_deal(price=1234.56)
        contract = self._prepare(deal)
        self.assertEqual(contract.state, "prepared")
        self.assertRegex(contract.name, r"^C\d{4}-\d{4}$")
        self.assertEqual(
            (contract.lead_id, contract.partner_id, contract.template_id), (deal, self.acme, self.template_en)
        )
        self.assertEqual(len(contract.version_ids), 1)
        docx = self._docx_text(contract.docx_attachment_id)
        self.assertIn(f"CONTRACT No. {contract.name}", docx)
        self.assertIn(
            "YourCompany Ltd., represented by its General Director Olga Director, acting on the basis of the Charter",
            docx,
        )
        self.assertIn("and ООО «Акме» & Co <Co>, represented by its General Director Иван Петров", docx)
        self.assertIn("Tax ID (INN): 7701234560", docx)
        self.assertIn("KPP: 770101001", docx)
        self.assertIn("Correspondent account: 30101810400000000225", docx)
        self.assertIn("1 | Consulting day | 1 | Units |", docx)
        self.assertIn("(one thousand, two hundred and thirty-four dollars 56 cents)", docx)
        pdf = self._pdf_text(contract.pdf_attachment_id)
        self.assertIn("ООО «Акме» & Co <Co>", pdf)
        self.assertIn("Иван Петров", pdf)
        # attachments of the opportunity, shown in its chatter
        attachments = contract.docx_attachment_id | contract.pdf_attachment_id
        self.assertEqual(set(attachments.mapped("res_model")), {"crm.lead"})
        self.assertEqual(set(attachments.mapped("res_id")), {deal.id})
        self.assertEqual(attachments.mapped("name"), [f"{contract.name} v1.docx", f"{contract.name} v1.pdf"])
        message = deal.message_ids[0]
        self.assertEqual(message.attachment_ids, attachments)
        self.assertIn(f"Contract {contract.name}: version 1 prepared.", message.body)

    def test_russian_template_amount_in_words(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.acme.lang = "ru_RU"
        deal = self._contract_deal(price=1234.56)
        contract = self._prepare(deal)
        self.assertEqual(contract.template_id, self.template_ru)
        docx = self._docx_text(contract.docx_attachment_id)
        self.assertIn(f"ДОГОВОР № {contract.name}", docx)
        self.assertIn("одна тысяча двести тридцать четыре доллара 56 центов", docx)
        self.assertIn("в лице General Director Ивана Петрова, действующего на основании the Charter", docx)

    def test_missing_legal_data_is_listed_and_nothing_is_written(self):
        deal = self._contract_deal()
        self.acme.write({"vat": False, "signatory_name": False, "bank_ids": [Command.clear()]})
        self.company.partner_id.signatory_basis = False
        attachments = self.env["ir.attachment"].search_count([])
        with self._refused(RedirectWarning, "fill in") as caught:
            deal.with_user(self.salesman).action_prepare_contract()
        self.assertEqual(
            caught.exception.args[0],
            'To prepare the contract of "Acme ERP rollout" with template "Sample contract", fill in: '
            "Acme Corp: Tax ID (INN), Bank account, Bank, BIC, Correspondent account, "
            "Signatory; YourCompany: Acting on the basis of.",
        )
        action = caught.exception.args[1]
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.acme.id))
        self.assertFalse(deal.contract_ids)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_kpp_required_for_russian_companies_only(self):
        deal = self._contract_deal()
        self.acme.kpp = False
        with self._refused(RedirectWarning, "fill in") as caught:
            deal.with_user(self.salesman).action_prepare_contract()
        self.assertRegex(caught.exception.args[0], r"fill in: Acme Corp: KPP\.$")
        self.acme.country_id = self.env.ref("base.de")
        self.assertEqual(self._prepare(deal).state, "prepared")

    def test_no_quotation(self):
        deal = self._opportunity(user=self.salesman, name="Bare deal")
        with self._refused(UserError, r"fill in: Bare deal: a quotation\.$"):
            deal.with_user(self.salesman).action_prepare_contract()
        self.assertFalse(deal.contract_ids)

    def test_contact_shows_its_company_legal_data(self):
        self.assertEqual((self.anna.legal_name, self.anna.kpp), ("ООО «Акме» & Co <Co>", "770101001"))
        self.acme.signatory_name = "Пётр Сидоров"
        self.assertEqual(self.boris.signatory_name, "Пётр Сидоров")
        deal = self._contract_deal(partner_id=self.anna.id)
        contract = self._prepare(deal)
        self.assertEqual(contract.partner_id, self.acme)
        self.assertIn("Пётр Сидоров", self._docx_text(contract.docx_attachment_id))

    def test_prepare_again_keeps_the_earlier_versions(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        first = contract.docx_attachment_id
        self.acme.legal_name = "ООО «Акме Плюс»"
        again = self._prepare(deal)
        self.assertEqual(again, contract, "the same contract and number")
        self.assertEqual(contract.version_ids.mapped("number"), [2, 1])
        self.assertTrue(first.exists())
        self.assertIn("ООО «Акме» & Co <Co>", self._docx_text(first))
        self.assertIn("ООО «Акме Плюс»", self._docx_text(contract.docx_attachment_id))
        self.assertEqual(contract.docx_attachment_id.name, f"{contract.name} v2.docx")

    def test_uploaded_edited_version_gets_its_pdf(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        wizard = (
            self.env["followup.contract.upload.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "contract_id": contract.id,
                    "mode": "upload",
                    "file": __import__("base64").b64encode(self._docx("Edited by hand: 10 days, not 12.")),
                    "file_name": "edited.docx",
                }
            )
        )
        wizard.action_confirm()
        contract.invalidate_recordset()
        self.assertEqual(contract.version_ids.mapped("origin"), ["uploaded", "prepared"])
        self.assertEqual(self._docx_text(contract.docx_attachment_id), "Edited by hand: 10 days, not 12.")
        self.assertEqual(self._pdf_text(contract.pdf_attachment_id).strip(), "Edited by hand: 10 days, not 12.")

    def test_upload_refuses_what_is_not_a_docx(self):
        contract = self._prepare(self._contract_deal())
        with self._refused(
            UserError, r'^Upload the edited contract as a Word document \(\.docx\), not "notes\.txt"\.$'
        ):
            contract.with_user(self.salesman)._upload_version(b"plain", "notes.txt")
        with self._refused(UserError, r'^"fake\.docx" is not a valid Word document \(\.docx\)\.$'):
            contract.with_user(self.salesman)._upload_version(b"plain", "fake.docx")
        self.assertEqual(len(contract.version_ids), 1)

    def test_without_libreoffice_the_docx_still_works(self):
        deal = self._contract_deal()
        with (
            patch.object(office, "find_soffice", return_value=None),
            self.assertLogs("odoo.addons.odoo_sales_followup", "WARNING") as logs,
        ):
            result = deal.with_user(self.salesman).action_prepare_contract()
        self.assertEqual(len(logs.records), 1)
        self.assertEqual(
            result["params"]["message"],
            'Template "Sample contract", in English (US): the customer\'s language.\n'
            "No PDF: LibreOffice is not installed on the server (Debian package libreoffice-writer-nogui). "
            "The DOCX is ready.",
        )
        contract = deal.contract_id
        self.assertTrue(contract.docx_attachment_id)
        self.assertFalse(contract.pdf_attachment_id)
        with self._refused(UserError, "install LibreOffice \\(Debian package libreoffice-writer-nogui\\)"):
            deal.with_user(self.salesman).action_send_contract()

    def test_from_the_quotation(self):
        deal = self._opportunity(user=self.salesman)
        first = self._quotation(deal, price=100.0)
        self._quotation(deal, price=200.0)
        first.with_user(self.salesman).action_prepare_contract()
        self.assertEqual(deal.contract_id.order_id, first)
        self.assertIn("Total: $\N{NO-BREAK SPACE}100.00.", self._docx_text(deal.contract_id.docx_attachment_id))
        order = self.env["sale.order"].create({"partner_id": self.acme.id})
        with self._refused(UserError, "has no opportunity"):
            order.with_user(self.salesman).action_prepare_contract()


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractTemplates(ContractCommon):
    def _refused_template(self, template, pattern):
        deal = self._contract_deal()
        attachments = self.env["ir.attachment"].search_count([])
        with self._refused(UserError, pattern):
            deal.with_user(self.salesman).action_prepare_contract()
        self.assertFalse(deal.contract_ids)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments, "no attachment")

    def test_unknown_placeholder_is_named(self):
        template = self._template("Customer {{ customer.legal_nam }}")
        self._refused_template(
            template,
            r'^Contract template "Test template" uses an unknown placeholder "customer\.legal_nam"\.',
        )

    def test_unknown_name_is_named(self):
        template = self._template("Customer {{ custmer }}")
        self._refused_template(template, r'unknown placeholder "custmer"')

    def test_code_injection_is_refused(self):
        template = self._template("{{ cycler.__init__.__globals__.os.system('touch /tmp/osf-pwned') }}")
        self._refused_template(template, r'^Contract template "Test template" was refused: it tries to reach')

    def test_syntax_error_is_refused_when_uploaded(self):
        with self._refused(ValidationError, r'has an error at line 3 \("Total \{\{ amount_total"\)'):
            self._template("Intro", "Total {{ amount_total ")
        with self._refused(ValidationError, r'^Contract template "Broken" is not a valid Word document'):
            self.env["followup.contract.template"].with_user(self.manager).create(
                {"name": "Broken", "file": "bm90IGEgZG9jeA==", "file_name": "broken.docx"}
            )

    def test_values_escaped(self):
        self._template("Customer: {{ customer.legal_name }}.")
        contract = self._prepare(self._contract_deal())
        self.assertEqual(self._docx_text(contract.docx_attachment_id), "Customer: ООО «Акме» & Co <Co>.")

    def test_only_sales_administrators_manage_templates(self):
        with self._refused(AccessError, "not allowed to create"):
            self.env["followup.contract.template"].with_user(self.salesman).create(
                {"name": "Mine", "file": "", "file_name": "x.docx"}
            )
        with self._refused(AccessError, "not allowed to modify"):
            self.template_en.with_user(self.salesman).name = "Changed"
        self.assertEqual(self.template_en.name, "Sample contract")
        self.template_en.with_user(self.manager).name = "Supply contract"
        self.assertEqual(self.template_en.name, "Supply contract")

    def test_no_template(self):
        (self.template_en | self.template_ru).active = False
        deal = self._contract_deal()
        with self._refused(UserError, r'^There is no contract template for "Acme ERP rollout"'):
            deal.with_user(self.salesman).action_prepare_contract()


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractSafety(ContractCommon):
    """Uploads and templates fail cleanly, within limits, and take no contract number."""

    def _upload(self, contract, data, file_name="edited.docx", mode="upload"):
        return (
            self.env["followup.contract.upload.wizard"]
            .with_user(self.salesman)
            .create({"contract_id": contract.id, "mode": mode, "file": base64.b64encode(data), "file_name": file_name})
            .action_confirm()
        )

    def test_hostile_upload_is_cleaned_and_the_user_told(self):
        contract = self._prepare(self._contract_deal())
        result = self._upload(contract, hostile.linked_image("file:///etc/passwd"))
        removed = (
            "Removed from the document before its conversion, as they could read files of the server or fetch "
            "web addresses: linked files or web addresses: 1."
        )
        self.assertEqual((result["params"]["type"], result["params"]["message"]), ("warning", removed))
        contract.invalidate_recordset()
        self.assertEqual(contract.version_ids.mapped("origin"), ["uploaded", "prepared"])
        self.assertIn(removed, contract.lead_id.message_ids[0].body)
        stored = zipfile.ZipFile(io.BytesIO(contract.docx_attachment_id.raw))
        self.assertNotIn(b"/etc/passwd", stored.read("word/_rels/document.xml.rels"))
        self.assertEqual(self._pdf_text(contract.pdf_attachment_id).strip(), "Visible text")
        # a plain edited version says nothing more
        self.assertEqual(self._upload(contract, hostile.base_docx("Edited")), {"type": "ir.actions.act_window_close"})

    def test_upload_over_the_limit_is_refused(self):
        contract = self._prepare(self._contract_deal())
        self.company.contract_upload_max_mb = 1
        big = b"x" * (1024 * 1024 + 1)
        pattern = (
            r'^"%s" is larger than 1 MB, the largest contract file this company accepts \(Settings, Contracts\)\.$'
        )
        with self._refused(UserError, pattern % r"big\.docx"):
            self._upload(contract, big, "big.docx")
        with self._refused(UserError, pattern % r"scan\.pdf"):
            self._upload(contract, big, "scan.pdf", mode="sign")
        self.assertEqual((contract.state, len(contract.version_ids)), ("prepared", 1))

    def test_rendering_errors_are_messages_naming_the_template(self):
        cases = {
            "{% for i in range(1000000) %}x{% endfor %}": "OverflowError",
            "{{ '{0.__class__}'.format_map(customer) }}": "IndexError",
        }
        for source, error in cases.items():
            template = self._template("Intro", source, name="Broken template")
            deal = self._contract_deal()
            with self._refused(
                UserError, rf'^Contract template "Broken template" could not be rendered: {error}: .* \(at line 3: "'
            ):
                deal.with_user(self.salesman).action_prepare_contract()
            self.assertFalse(deal.contract_ids)
            template.active = False

    def test_a_huge_text_is_refused(self):
        self._template("{% for i in range(100000) %}0123456789{% endfor %}", name="Huge")
        deal = self._contract_deal()
        with self._refused(
            UserError, r'^Contract template "Huge" produces a document longer than 1000000 characters and was stopped'
        ):
            deal.with_user(self.salesman).action_prepare_contract()

    def test_refused_preparations_take_no_number(self):
        first = self._prepare(self._contract_deal())
        template = self._template("{{ contract.number }} {{ 'x' * 1000000 }}", name="Too long")
        deal = self._contract_deal(name="Second deal")
        for _attempt in range(2):
            with self._refused(UserError, r'^Contract template "Too long" produces a document longer'):
                deal.with_user(self.salesman).action_prepare_contract()
        template.with_user(self.manager).file = base64.b64encode(self._docx("{{ contract.number }}"))
        second = self._prepare(deal)
        prefix, number = first.name.rsplit("-", 1)
        self.assertEqual(second.name, f"{prefix}-{int(number) + 1:04d}")
        self.assertEqual(self._docx_text(second.docx_attachment_id), second.name)
