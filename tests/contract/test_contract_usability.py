import base64
import io
import zipfile

from lxml import etree

from odoo import Command
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import ru_names
from ..common import load_russian
from ..common_contract import ContractCommon


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractRussianNames(BaseCase):
    """The preamble's grammar on real names: male, female, double and indeclinable surnames."""

    def test_genitive_gender_and_initials(self):
        cases = [
            ("Сидорова Анна Петровна", "female", "Сидоровой Анны Петровны", "А. П. Сидорова"),
            ("Петров Иван Сергеевич", "male", "Петрова Ивана Сергеевича", "И. С. Петров"),
            ("Анна Петровна Сидорова", "female", "Анны Петровны Сидоровой", "А. П. Сидорова"),
            (
                "Римский-Корсаков Николай Андреевич",
                "male",
                "Римского-Корсакова Николая Андреевича",
                "Н. А. Римский-Корсаков",
            ),
            ("Петрова-Водкина Мария Ивановна", "female", "Петровой-Водкиной Марии Ивановны", "М. И. Петрова-Водкина"),
            ("Шевченко Ольга Ивановна", "female", "Шевченко Ольги Ивановны", "О. И. Шевченко"),
            ("Белых Ирина Олеговна", "female", "Белых Ирины Олеговны", "И. О. Белых"),
            ("Цой Виктор Робертович", "male", "Цоя Виктора Робертовича", "В. Р. Цой"),
        ]
        for name, gender, genitive, initials in cases:
            with self.subTest(name=name):
                self.assertEqual(ru_names.name_gender(name), gender)
                self.assertEqual(ru_names.name_genitive(name), genitive)
                self.assertEqual(ru_names.name_with_initials(name), initials)
        self.assertEqual(ru_names.acting_participle("female"), "действующей")
        self.assertEqual(ru_names.acting_participle("male"), "действующего")
        # a name that is not Russian stays as written
        self.assertEqual(ru_names.name_genitive("Jonas Weber"), "Jonas Weber")
        self.assertIsNone(ru_names.name_gender("Jonas Weber"))

    def test_position_genitive(self):
        cases = {
            "Генеральный директор": "генерального директора",
            "заместитель генерального директора": "заместителя генерального директора",
            "председатель правления": "председателя правления",
            "индивидуальный предприниматель": "индивидуального предпринимателя",
            "управляющий": "управляющего",
            "директор по развитию": "директора по развитию",
            "General Director": "General Director",
        }
        for position, genitive in cases.items():
            with self.subTest(position=position):
                self.assertEqual(ru_names.position_genitive(position), genitive)


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractPath(ContractCommon):
    """The contract path a team's stages allow: sent -> payment stage -> paid -> work stage."""

    def test_payment_stage_cannot_require_the_payment(self):
        prepayment = self.env.ref("odoo_sales_followup.criterion_prepayment")
        waiting = self.env["crm.stage"].create({"name": "Awaiting payment", "sequence": 5, "team_id": self.team.id})
        self.team.contract_payment_stage_id = waiting
        with self._refused(ValidationError, r'"Awaiting payment" is where the deals of sales team "Contracts" wait'):
            waiting.required_criterion_ids = prepayment
        gated = self.env["crm.stage"].create(
            {"name": "Paid", "sequence": 6, "team_id": self.team.id, "required_criterion_ids": prepayment.ids}
        )
        with self._refused(ValidationError, "cannot require Prepayment received"):
            self.team.contract_payment_stage_id = gated
        with self._refused(ValidationError, "cannot require Contract signed"):
            self.stage_payment_receipt.required_criterion_ids = self.contract_signed

    def test_in_work_by_hand_requires_the_payment(self):
        # a work stage that requires the payment: the payment puts a deal there; by hand, it enters paid
        self.stage_in_work.required_criterion_ids = self.env.ref("odoo_sales_followup.criterion_prepayment")
        deal = self._contract_deal()
        self._prepare(deal)
        self._send(deal)
        self.assertEqual(deal.stage_id, self.stage_payment_receipt)
        with self._refused(UserError, "Still missing: Prepayment received"):
            deal.with_user(self.salesman).stage_id = self.stage_in_work

    def test_payment_notice_says_what_happened(self):
        deal = self._contract_deal(name="Customizable Desk")
        self._prepare(deal)
        self._send(deal)
        order = deal.order_ids
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice, invoice.amount_total)
        self.assertEqual(deal.stage_id, self.stage_in_work)
        note = deal.message_ids.filtered(lambda message: "Payment received" in (message.body or ""))
        self.assertEqual(note.subject, "Payment received: Customizable Desk")

    def test_demo_projects_team_path_is_valid(self):
        projects = self.env.ref("odoo_sales_followup.demo_team_projects", raise_if_not_found=False)
        if not projects:
            self.skipTest("demo data not installed")
        payment = projects._get_contract_payment_stage()
        self.assertFalse(payment._get_contract_blocking_criteria())


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractLanguage(ContractCommon):
    """One language per contract: the template's."""

    def test_template_by_customer_country_and_said(self):
        load_russian(self.env)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.acme.lang = "fr_FR"  # no template in French: Acme is in Russia
        deal = self._contract_deal()
        result = deal.with_user(self.salesman).action_prepare_contract()
        deal.invalidate_recordset()
        self.assertEqual(deal.contract_id.template_id, self.template_ru)
        self.assertIn("Sample contract (Russian)", result["params"]["message"])
        self.assertIn("customer's country", result["params"]["message"])

    def test_prepare_window_shows_the_template_and_chooses_another(self):
        load_russian(self.env)
        self.acme.lang = "ru_RU"
        deal = self._contract_deal()
        action = deal.with_user(self.salesman).action_open_contract_prepare_wizard()
        wizard = self.env[action["res_model"]].with_user(self.salesman).with_context(**action["context"]).create({})
        self.assertEqual((wizard.template_id, wizard.lang), (self.template_ru, "ru_RU"))
        self.assertIn("customer's language", wizard.reason)
        wizard.template_id = self.template_en
        self.assertEqual(wizard.reason, "chosen by hand")
        wizard.action_prepare()
        deal.invalidate_recordset()
        contract = deal.contract_id
        self.assertEqual(contract.template_id, self.template_en)
        self.assertIn("CONTRACT No.", self._docx_text(contract.docx_attachment_id))

    def test_english_contract_is_english_whatever_the_users_language(self):
        load_russian(self.env)
        self.salesman.lang = "ru_RU"
        company = self.company.partner_id
        company.with_context(lang="ru_RU").signatory_basis = "Устава"
        deal = self._contract_deal()
        contract = self._prepare(deal)
        self.assertEqual(contract.template_id, self.template_en)
        docx = self._docx_text(contract.docx_attachment_id)
        self.assertIn("acting on the basis of the Charter", docx)
        self.assertIn("Company ID (OGRN): 1147746000005", docx)
        # the customer's address in English order, its country in English
        self.assertIn("ул. Тверская, 1, Москва, Russian Federation", docx)
        self.assertNotIn("Устава", docx)
        self.assertNotIn("Россия", docx)

    def test_russian_preamble_declines_and_agrees(self):
        load_russian(self.env)
        self.acme.lang = "ru_RU"
        self.acme.signatory_name = "Сидорова Анна Петровна"
        self.acme.with_context(lang="ru_RU").write(
            {"signatory_position": "Генеральный директор", "signatory_basis": "Устава"}
        )
        self.assertEqual(
            (self.acme.signatory_gender, self.acme.signatory_name_genitive, self.acme.signatory_position_genitive),
            ("female", "Сидоровой Анны Петровны", "генерального директора"),
        )
        deal = self._contract_deal()
        contract = self._prepare(deal)
        self.assertEqual(contract.template_id, self.template_ru)
        docx = self._docx_text(contract.docx_attachment_id)
        self.assertIn(
            "в лице генерального директора Сидоровой Анны Петровны, действующей на основании Устава (Заказчик)", docx
        )
        self.assertIn("/ А. П. Сидорова /", docx)
        self.assertIn("Москва", docx)
        # what a library gets wrong is corrected on the partner
        self.acme.signatory_name_genitive = "Сидоровой-Исправленной Анны Петровны"
        contract = self._prepare(deal)
        self.assertIn(
            "в лице генерального директора Сидоровой-Исправленной Анны Петровны",
            self._docx_text(contract.version_ids.sorted("number")[-1].docx_attachment_id),
        )


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractFilesKept(ContractCommon):
    def test_version_files_cannot_be_deleted_or_replaced(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        pdf = contract.pdf_attachment_id.with_user(self.salesman)
        with self._refused(UserError, "the files of a contract cannot be deleted or replaced"):
            pdf.unlink()
        with self._refused(UserError, "the files of a contract cannot be deleted or replaced"):
            pdf.write({"datas": base64.b64encode(b"%PDF-1.4 forged")})
        with self._refused(UserError, "the files of a contract cannot be deleted or replaced"):
            contract.docx_attachment_id.with_user(self.manager).unlink()
        # other files of the deal stay the user's
        other = (
            self.env["ir.attachment"]
            .with_user(self.salesman)
            .create({"name": "notes.txt", "raw": b"notes", "res_model": "crm.lead", "res_id": deal.id})
        )
        other.unlink()
        # a contract is withdrawn by cancelling it, logged
        contract.with_user(self.salesman).action_cancel()
        self.assertIn(f"Contract {contract.name} cancelled.", deal.message_ids[0].body)
        self.assertTrue(contract.pdf_attachment_id.exists())
        # deleting the deal still takes its files with it
        deal.with_user(self.manager).unlink()
        self.assertFalse(pdf.sudo().exists())


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractLegalDataTab(ContractCommon):
    def test_missing_data_message_names_the_tab_fields_and_opens_it(self):
        self.acme.write({"company_registry": False, "bank_ids": [Command.clear()]})
        deal = self._contract_deal()
        with self.assertRaises(RedirectWarning) as caught:
            deal.with_user(self.salesman).action_prepare_contract()
        message, action, _button = caught.exception.args[:3]
        for label in ("Company ID (OGRN)", "Bank account", "Bank", "BIC", "Correspondent account"):
            self.assertIn(label, message)
        view = self.env.ref("odoo_sales_followup.res_partner_view_form_legal_data")
        self.assertEqual(action["views"], [(view.id, "form")])
        arch = etree.fromstring(self.env["res.partner"].get_view(view.id, "form")["arch"])
        page = arch.xpath("//page[@name='legal_data']")[0]
        self.assertEqual(page.get("autofocus"), "autofocus")
        labels = {node.get("string") for node in page.iter("field")}
        for label in self.env["res.partner"]._get_legal_data_labels().values():
            self.assertIn(label, labels)
        names = {node.get("name") for node in page.iter("field")}
        self.assertTrue({"vat", "kpp", "company_registry", "bank_ids", "signatory_name_genitive"} <= names)


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractLayout(ContractCommon):
    def test_widths_fit_and_empty_requisites_are_left_out(self):
        self.acme.write({"country_id": self.env.ref("base.de").id, "kpp": False})
        deal = self._contract_deal(price=15000)
        contract = self._prepare(deal)
        docx = self._docx_text(contract.docx_attachment_id)
        self.assertNotRegex(docx, r"KPP:\s*(\||$)")
        self.assertNotIn("KPP: 770101001", docx)
        with zipfile.ZipFile(io.BytesIO(contract.docx_attachment_id.raw)) as archive:
            document = etree.fromstring(archive.read("word/document.xml"))
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        widths = [
            int(col.get(f"{{{ns['w']}}}w")) for col in document.xpath("(//w:tbl)[1]/w:tblGrid/w:gridCol", namespaces=ns)
        ]
        self.assertEqual(len(widths), 7)
        self.assertEqual(max(widths), widths[1], "the product's column is the widest")
        self.assertTrue(document.xpath("(//w:tbl)[2]//w:trPr/w:cantSplit", namespaces=ns), "signatures kept together")
        pdf = self._pdf_text(contract.pdf_attachment_id)
        self.assertIn("15,000.00", pdf)

    def test_header_keeps_one_contract_button_and_versions_link_the_pdf(self):
        arch = etree.fromstring(self.env["crm.lead"].get_view(self.env.ref("crm.crm_lead_view_form").id)["arch"])
        header = arch.xpath("//header")[0]
        contract_buttons = [
            button
            for button in header.iter("button")
            if button.get("name")
            in (
                "action_open_contract_prepare_wizard",
                "action_send_contract",
                "action_open_contract_wizard",
                "action_prepare_contract",
            )
        ]
        self.assertEqual(len(contract_buttons), 3, "prepare, send, mark signed: one at a time")
        bound = self.env["ir.actions.server"].search(
            [("binding_model_id.model", "=", "crm.lead"), ("name", "ilike", "contract")]
        )
        self.assertEqual(len(bound), 2)
        form = etree.fromstring(self.env["followup.contract"].get_view(view_type="form")["arch"])
        pdf = form.xpath("//field[@name='version_ids']//field[@name='pdf_attachment_id']")[0]
        self.assertEqual(pdf.get("widget"), "many2one_binary")
        # the steps left out of the deal's header are on the contract's form
        names = {button.get("name") for button in form.xpath("//header/button")}
        self.assertTrue({"action_send", "action_mark_signed", "action_upload_version", "action_prepare_again"} <= names)

    def test_contract_steps_from_its_form(self):
        deal = self._contract_deal()
        contract = self._prepare(deal).with_user(self.salesman)
        self.assertEqual(contract.action_upload_version()["context"]["default_mode"], "upload")
        self.assertEqual(contract.action_mark_signed()["context"]["default_mode"], "sign")
        self.assertEqual(contract.action_prepare_again()["res_model"], "followup.contract.prepare.wizard")
        self.assertEqual(contract.action_send()["res_model"], "mail.compose.message")
