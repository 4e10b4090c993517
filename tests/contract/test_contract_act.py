import base64
import io
import zipfile
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ...odoo_sales_followup.tools.amount_words import amount_in_words
from ...odoo_sales_followup.tools.plans import digest_period
from ..common_contract import ContractCommon
from . import hostile_docx as hostile


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractAct(ContractCommon):
    """The act of completed work: the contract's machinery for documents of the kind "act",
    filled from the invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.act_en = cls.env.ref("odoo_sales_followup.act_template_sample")
        cls.act_ru = cls.env.ref("odoo_sales_followup.act_template_sample_ru")
        cls.act_signed = cls.env.ref("odoo_sales_followup.criterion_act_signed")
        cls.vat = cls.env["account.tax"].create(
            {"name": "VAT 20%", "amount": 20, "amount_type": "percent", "type_tax_use": "sale"}
        )

    def _line(self, deal, criterion):
        return deal.criterion_line_ids.filtered(lambda line: line.criterion_id == criterion)

    # ---- rendering ----

    def test_english_act_from_the_invoice(self):
        self.product.taxes_id = self.vat
        deal = self._contract_deal()
        contract = self._prepare(deal)
        order = deal.order_ids
        order.order_line.product_uom_qty = 3
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        act = self._prepare_act(deal)
        self.assertEqual((act.document_kind, act.move_id, act.template_id), ("act", invoice, self.act_en))
        self.assertRegex(act.name, r"^A\d{4}-\d{4}$")
        self.assertEqual(deal.contract_id, contract, "the act is no contract of the deal")
        text = self._docx_text(act.docx_attachment_id)
        self.assertIn(f"ACT OF COMPLETED WORK (SERVICES RENDERED) No. {act.name}", text)
        self.assertIn(f"Under contract No. {contract.name} of ", text)
        self.assertIn(f"invoiced by invoice {invoice.name} of ", text)
        self.assertIn("YourCompany Ltd., represented by its General Director Olga Director", text)
        self.assertRegex(text, r"\| 3 \| Units \| \$\s?1,000\.00 \| VAT 20% \| \$\s?3,600\.00")
        self.assertRegex(
            text, r"Total without VAT: \$\s?3,000\.00\. VAT: \$\s?600\.00\. Total with VAT: \$\s?3,600\.00"
        )
        self.assertIn(f"({amount_in_words(3600, 'USD', 'en_US')})", text)
        self.assertIn("three thousand, six hundred", text)
        self.assertIn("Tax ID (INN): 7701234560", text)
        self.assertIn(f"Act {act.name}: version 1 prepared.", deal.message_ids[0].body)
        self.assertTrue(act.pdf_attachment_id)

    def test_russian_act_declined_names_and_amount_in_words(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.acme.write(
            {
                "lang": "ru_RU",
                "signatory_name": "Иван Петров",
                "signatory_position": "генеральный директор",
                "signatory_basis": "Устава",
            }
        )
        self.company.partner_id.write(
            {
                "signatory_name": "Ольга Смирнова",
                "signatory_position": "генеральный директор",
                "signatory_basis": "Устава",
            }
        )
        deal, invoice = self._invoiced_deal(price=1234.56)
        act = self._prepare_act(deal)
        self.assertEqual(act.template_id, self.act_ru)
        text = self._docx_text(act.docx_attachment_id)
        self.assertIn(f"АКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ) № {act.name}", text)
        self.assertNotIn("к договору", text, "no contract, no line naming it")
        self.assertIn("в лице генерального директора Ивана Петрова, действующего на основании Устава (Заказчик)", text)
        self.assertIn("в лице генерального директора Ольги Смирновой, действующей на основании Устава", text)
        self.assertIn("одна тысяча двести тридцать четыре доллара 56 центов", text)
        self.assertIn(f"выставленные счётом {invoice.name} от ", text)
        self.assertIn("Заказчик претензий по объёму, качеству и срокам", text)
        self.assertIn("/ О. Смирнова /", text)

    def test_a_russian_salesperson_prepares_in_russian(self):
        """The tour's language: a salesperson working in Russian on a deal of a Russian customer."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.salesman.lang = "ru_RU"
        self.acme.lang = False
        deal, _invoice = self._invoiced_deal()
        deal.with_user(self.salesman).action_prepare_act()
        act = deal.act_id
        self.assertEqual(act.template_id, self.act_ru, "the language of the customer's country, Russia")
        self.assertIn("АКТ ВЫПОЛНЕННЫХ РАБОТ", self._docx_text(act.docx_attachment_id))

    # ---- numbering, kinds ----

    def test_numbering_per_company_and_kind(self):
        deal, _invoice = self._invoiced_deal()
        contract = self._prepare(deal)
        act = self._prepare_act(deal)
        self.assertRegex(contract.name, r"^C\d{4}-\d{4}$")
        self.assertRegex(act.name, r"^A\d{4}-\d{4}$")
        second, _invoice = self._invoiced_deal(name="Second")
        second_act = self._prepare_act(second)
        self.assertEqual(int(second_act.name[-4:]), int(act.name[-4:]) + 1)
        other = self.env["res.company"].create({"name": "Other company"})
        Contract = self.env["followup.contract"].sudo()
        year = self.company._get_followup_today().year
        self.assertEqual(Contract._next_number(other, kind="act"), f"A{year}-0001")
        self.assertEqual(Contract._next_number(other), f"C{year}-0001")
        templates = self.env["followup.contract.template"]._get_templates_for_lead(deal)
        self.assertFalse(templates.filtered(lambda template: template.document_kind == "act"))
        self.assertIn(self.act_en, self.env["followup.contract.template"]._get_templates_for_lead(deal, "act"))
        # the deal's buttons list each kind on its own, as their counts count them
        Document = self.env["followup.contract"]
        self.assertEqual(Document.search(deal.action_open_contracts()["domain"]), contract)
        self.assertEqual(Document.search(deal.action_open_acts()["domain"]), act)

    def test_prepare_act_needs_a_posted_invoice(self):
        deal = self._contract_deal()
        with self._refused(UserError, r'"Acme ERP rollout" has no posted customer invoice'):
            deal.with_user(self.salesman).action_prepare_act()
        self.assertFalse(deal.act_ids)

    def test_refusals_about_an_act_name_the_act(self):
        """The refusals shared with contracts say "act" when they concern an act."""
        deal, _invoice = self._invoiced_deal()
        self.acme.vat = False
        with self._refused(RedirectWarning, "fill in") as caught:
            deal.with_user(self.salesman).action_prepare_act()
        self.assertRegex(
            caught.exception.args[0],
            r'^To prepare the act of completed work of "Acme ERP rollout" with template "Sample act of completed '
            r'work", fill in: Acme Corp: Tax ID \(INN\)\.$',
        )
        self.assertFalse(deal.act_ids)
        with self._refused(ValidationError, r'^Act template "Broken act" has an error at line'):
            self._template("Total {{ amount_total", name="Broken act", document_kind="act")
        self.acme.vat = "7701234560"
        act = self._prepare_act(deal)
        with self._refused(UserError, r'^Upload the edited act as a Word document \(\.docx\), not "notes\.txt"\.$'):
            act.with_user(self.salesman)._upload_version(b"plain", "notes.txt")
        with self._refused(UserError, "the files of an act cannot be deleted or replaced. To withdraw an act"):
            act.docx_attachment_id.with_user(self.salesman).unlink()

    # ---- send, sign ----

    def test_send_and_mark_signed_meets_act_signed_with_its_date(self):
        automatic = self.env["crm.success.criterion"].create({"name": "Act signed (auto)", "rule": "act_signed"})
        deal, _invoice = self._invoiced_deal()
        act = self._prepare_act(deal)
        action = deal.with_user(self.salesman).action_send_act()
        self.assertEqual(
            action["context"]["default_template_id"], self.env.ref("odoo_sales_followup.mail_template_act").id
        )
        composer = self._send_act(deal)
        self.assertEqual(composer.subject, f"YourCompany: act of completed work {act.name}")
        message = deal.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertEqual(message.attachment_ids.mapped("name"), [f"{act.name} v1.pdf"])
        self.assertEqual((act.state, act.sent_to), ("sent", '"Acme Corp" <acme@example.com>'))
        with patch.object(
            type(self.env["crm.lead"]), "_on_followup_document_signed", autospec=True, return_value=None
        ) as hook:
            self._mark_signed(act)
        hook.assert_called_once()
        self.assertEqual(hook.call_args.args[1], act)
        self.assertEqual((act.state, str(act.signed_date)), ("signed", "2026-11-20"))
        line = self._line(deal, self.act_signed)
        self.assertEqual(
            (line.is_met, line.met_origin, str(line.fact_date), line.attachment_ids),
            (True, act, "2026-11-20", act.signed_attachment_id),
        )
        self.assertEqual((self._line(deal, automatic).is_met, self._line(deal, automatic).met_origin), (True, act))
        self.assertFalse(self._line(deal, self.contract_signed).is_met, "an act is no contract")
        with self._refused(UserError, "is signed: it is not prepared again"):
            deal.with_user(self.salesman).action_prepare_act()

    def test_marking_a_contract_signed_calls_the_same_hook(self):
        deal = self._contract_deal()
        contract = self._prepare(deal)
        with patch.object(
            type(self.env["crm.lead"]), "_on_followup_document_signed", autospec=True, return_value=None
        ) as hook:
            self._mark_signed(contract)
        self.assertEqual(hook.call_args.args[1], contract)
        self.assertEqual(self.env["crm.lead"]._on_followup_document_signed(contract), None)

    # ---- the invoice's actions ----

    def test_prepare_and_send_from_the_invoice(self):
        deal, invoice = self._invoiced_deal()
        self.assertEqual(invoice.followup_act_lead_id, deal)
        invoice.with_user(self.salesman).action_prepare_act()
        invoice.invalidate_recordset()
        self.assertEqual((invoice.followup_act_id, invoice.followup_act_state), (deal.act_id, "prepared"))
        self.assertEqual(deal.act_id.move_id, invoice)
        action = invoice.with_user(self.salesman).action_send_act()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_res_ids"], deal.ids)
        alone = self._invoice(self.globex, self.company._get_followup_today())
        with self._refused(UserError, "is not one of an opportunity's orders"):
            alone.action_prepare_act()

    # ---- rights ----

    def test_another_team_salesperson_cannot_act(self):
        other = mail_new_test_user(
            self.env, login="osf_other_seller", name="Oscar Other", groups="sales_team.group_sale_salesman"
        )
        deal, invoice = self._invoiced_deal()
        with self.assertRaises(AccessError):
            deal.with_user(other).action_prepare_act()
        with self.assertRaises(AccessError):
            invoice.with_user(other).action_prepare_act()
        act = self._prepare_act(deal)
        with self.assertRaises(AccessError):
            act.with_user(other)._mark_signed(b"%PDF scan", "scan.pdf")
        with self.assertRaises(AccessError):
            act.with_user(self.salesman).write({"state": "signed"})
        self.assertEqual(act.state, "prepared")

    def test_hostile_upload_of_an_act_is_cleaned(self):
        deal, _invoice = self._invoiced_deal()
        act = self._prepare_act(deal)
        wizard = (
            self.env["followup.contract.upload.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "contract_id": act.id,
                    "mode": "upload",
                    "file": base64.b64encode(hostile.linked_image("file:///etc/passwd")),
                    "file_name": "edited.docx",
                }
            )
        )
        action = wizard.action_confirm()
        self.assertIn("linked files or web addresses: 1", action["params"]["message"])
        act.invalidate_recordset()
        self.assertEqual(act.version_ids.mapped("origin"), ["uploaded", "prepared"])
        self.assertIn(f"Act {act.name}: version 2 uploaded.", deal.message_ids[0].body)
        stored = zipfile.ZipFile(io.BytesIO(act.docx_attachment_id.raw))
        self.assertNotIn(b"/etc/passwd", stored.read("word/_rels/document.xml.rels"))

    # ---- control: paid, act not signed after the delay ----

    def test_control_filter_my_day_and_digest(self):
        deal, _invoice = self._invoiced_deal()
        paid = self._line(deal, self.env.ref("odoo_sales_followup.criterion_full_payment"))
        self.assertTrue(paid.is_met)
        Lead = self.env["crm.lead"].with_user(self.salesman)
        self.assertNotIn(deal, Lead.search([("act_sign_overdue", "=", True)]), "paid today: in time")
        self._store(paid, met_date=fields.Datetime.now() - timedelta(days=11))
        self.assertIn(deal, Lead.search([("act_sign_overdue", "=", True)]))
        self.assertTrue(deal.with_user(self.salesman).act_sign_overdue)
        my_day = self.env["crm.followup.my.day"].with_user(self.salesman)
        line = my_day.search([("kind", "=", "act_unsigned"), ("res_id", "=", deal.id)])
        self.assertEqual((line.res_model, line.user_id), ("crm.lead", self.salesman))
        section = self._digest_section(self.salesman)
        self.assertEqual(section.title, "Acts not signed after payment")
        self.assertEqual([line.label for line in section.lines], ["Acme ERP rollout – Acme Corp"])
        self.assertIn("act not prepared", section.lines[0].detail)
        # another salesperson reads only their own deals
        other = mail_new_test_user(
            self.env, login="osf_other_seller2", name="Olga Other", groups="sales_team.group_sale_salesman"
        )
        self.assertFalse(self._digest_section(other).lines)
        # a longer delay: in time again; the delay is bounded
        self.company.act_sign_days = 20
        self.assertNotIn(deal, Lead.search([("act_sign_overdue", "=", True)]))
        with self._refused(ValidationError, "Days to sign the act after payment"):
            self.company.act_sign_days = 0
        self.company.act_sign_days = 10
        act = self._prepare_act(deal)
        self._mark_signed(act)
        self.assertNotIn(deal, Lead.search([("act_sign_overdue", "=", True)]))
        self.assertFalse(my_day.search([("kind", "=", "act_unsigned"), ("res_id", "=", deal.id)]))

    def _digest_section(self, user):
        Digest = self.env["crm.followup.digest"]
        date_from, date_to = digest_period("daily", self.company._get_followup_today())
        for group in Digest._get_digest_reader_groups(user, "daily", date_from, date_to):
            sections = Digest.with_env(group.env)._get_digest_sections(group)
            return next(section for section in sections[user.id] if section.key == "acts_unsigned")
        return None


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractActDemo(TransactionCase):
    """The demo's acts (the suite installs the addon with its demo data)."""

    def test_demo_acts_sent_past_the_delay_and_signed(self):
        ref = self.env.ref
        unsigned = ref("odoo_sales_followup.demo_lead_act_unsigned", raise_if_not_found=False)
        if not unsigned:
            self.skipTest("install the addon with its demo data")
        self.assertEqual(unsigned.act_id.state, "sent")
        self.assertTrue(unsigned.act_sign_overdue)
        self.assertIn(unsigned, self.env["crm.lead"].search([("act_sign_overdue", "=", True)]))
        self.assertTrue(
            self.env["crm.followup.my.day"].search([("kind", "=", "act_unsigned"), ("res_id", "=", unsigned.id)])
        )
        signed = ref("odoo_sales_followup.demo_lead_act_signed")
        self.assertEqual(signed.act_id.state, "signed")
        self.assertFalse(signed.act_sign_overdue)
        line = signed.criterion_line_ids.filtered(
            lambda line: line.criterion_id == ref("odoo_sales_followup.criterion_act_signed")
        )
        self.assertEqual((line.is_met, line.fact_date), (True, signed.act_id.signed_date))
