import io
import os
import subprocess
import zipfile
from unittest.mock import patch

from docx import Document

from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import office
from ...odoo_sales_followup.tools.amount_words import amount_in_words
from ...odoo_sales_followup.tools.docx_render import (
    MAX_OUTPUT_CHARS,
    RenderLimits,
    TemplateRenderError,
    docx_text,
    render_docx,
    template_fields,
)


def make_docx(*paragraphs, table=None):
    """A DOCX document with these paragraphs, and a table of these rows of cells."""
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractAmountWords(BaseCase):
    def test_russian_roubles_declined_with_kopecks_in_digits(self):
        cases = {
            "1": "один рубль 00 копеек",
            "2": "два рубля 00 копеек",
            "5": "пять рублей 00 копеек",
            "21": "двадцать один рубль 00 копеек",
            "1000000": "один миллион рублей 00 копеек",
            "1234.56": "одна тысяча двести тридцать четыре рубля 56 копеек",
            "0.01": "ноль рублей 01 копейка",
            "101.02": "сто один рубль 02 копейки",
        }
        for amount, words in cases.items():
            self.assertEqual(amount_in_words(amount, "RUB", "ru_RU"), words, amount)

    def test_english(self):
        self.assertEqual(amount_in_words(1, "USD", "en_US"), "one dollar 00 cents")
        self.assertEqual(amount_in_words(21, "EUR", "en_US"), "twenty-one euro 00 cents")
        self.assertEqual(amount_in_words(1000000, "RUB", "en_US"), "one million roubles 00 kopeks")
        self.assertEqual(
            amount_in_words("1234.56", "USD", "en_US"),
            "one thousand, two hundred and thirty-four dollars 56 cents",
        )

    def test_unknown_currency_or_language_still_gives_the_amount(self):
        self.assertEqual(amount_in_words("5.5", "XYZ", "en_US", "Zorkmid"), "five Zorkmid 50")
        self.assertEqual(amount_in_words("2", "XYZ", "xx_XX"), "two XYZ 00")


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractRendering(BaseCase):
    def test_values_are_escaped_not_lost_nor_xml(self):
        template = make_docx("Customer: {{ customer.name }}.")
        for name in ("Smith & Sons", "<Co> Ltd", 'A "quoted" <b>bold</b> & co', "ООО «Ромашка» & Ко"):
            text = docx_text(render_docx(template, {"customer": {"name": name}}))
            self.assertEqual(text, f"Customer: {name}.")

    def test_code_injection_is_refused(self):
        for source in (
            "{{ cycler.__init__.__globals__.os.getcwd() }}",
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "{{ customer.__class__ }}",
        ):
            with self.assertRaises(TemplateRenderError) as caught:
                render_docx(make_docx(source), {"customer": {"name": "x"}})
            self.assertEqual(caught.exception.kind, "security", source)
            self.assertIn("unsafe", caught.exception.detail)

    def test_unknown_placeholder_named(self):
        with self.assertRaises(TemplateRenderError) as caught:
            render_docx(make_docx("Hello {{ custmer.name }}"), {"customer": {"name": "x"}})
        self.assertEqual((caught.exception.kind, caught.exception.name), ("undefined", "custmer"))

    def test_syntax_error_names_its_line(self):
        template = make_docx("First paragraph", "Second {{ customer.name ")
        with self.assertRaises(TemplateRenderError) as caught:
            template_fields(template)
        self.assertEqual(caught.exception.kind, "syntax")
        self.assertEqual(caught.exception.text, "Second {{ customer.name")
        self.assertEqual(caught.exception.line, 3)

    def test_every_error_of_a_template_is_a_render_error_with_its_line(self):
        cases = {
            "{% for i in range(1000000) %}x{% endfor %}": "OverflowError",
            "{{ '{0.__class__}'.format_map(customer) }}": "IndexError",
            "{{ 1 / 0 }}": "ZeroDivisionError",
            "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}": "RecursionError",
        }
        for source, error in cases.items():
            with self.assertRaises(TemplateRenderError) as caught:
                render_docx(make_docx("Intro", source), {"customer": {"name": "x"}})
            self.assertEqual(caught.exception.kind, "error", source)
            self.assertTrue(caught.exception.detail.startswith(error), caught.exception.detail)
            self.assertEqual((caught.exception.line, caught.exception.text), (3, source), source)

    def test_output_and_time_are_limited(self):
        size = (
            "{{ 'x' * 1000000 }}",
            "{% for i in range(100000) %}0123456789{% endfor %}",
            "{{ 'x'|center(1000000000) }}",
            "{{ '%9999999s' % 'x' }}",
            "{{ '%9999999s'|format('x') }}",
            "{{ '{:>9999999}'.format('x') }}",
            "{{ 'x'.ljust(1000000000) }}",
        )
        # refused by the size limit before the text is built (not timed: timings belong to benchmarks/)
        for source in size:
            with self.assertRaises(TemplateRenderError) as caught:
                render_docx(make_docx(source), {})
            self.assertEqual((caught.exception.kind, caught.exception.detail), ("size", str(MAX_OUTPUT_CHARS)), source)
        # loops that write nothing stop at the deadline, whatever they iterate over
        for source in (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "{% set s = 'x' * 99999 %}{% for c in s %}{% for d in s %}{% endfor %}{% endfor %}",
        ):
            with self.assertRaises(TemplateRenderError) as caught:
                render_docx(make_docx(source), {}, limits=RenderLimits(seconds=1))
            self.assertEqual((caught.exception.kind, caught.exception.detail), ("time", "1"), source)

    def test_limits_leave_ordinary_templates_alone(self):
        source = "{{ name|upper }} {{ '%s-%05d'|format('C', 42) }} {{ '{:>6}'.format('ab') }} {{ lines|length * 2 }}"
        output = render_docx(make_docx(source), {"name": "acme", "lines": [1, 2]})
        self.assertEqual(docx_text(output), "ACME C-00042     ab 4")

    def test_not_a_docx(self):
        with self.assertRaises(TemplateRenderError) as caught:
            render_docx(b"plain text", {})
        self.assertEqual(caught.exception.kind, "invalid")

    def test_fields_used_and_table_loop(self):
        template = make_docx(
            "{{ customer.inn }} {{ company.signatory_name }} {{ amount_words }}",
            table=[
                ["{%tr for line in lines %}", ""],
                ["{{ line.product }}", "{{ line.total }}"],
                ["{%tr endfor %}", ""],
            ],
        )
        names, attributes = template_fields(template)
        self.assertEqual(names, {"customer", "company", "amount_words", "lines", "line"})
        self.assertEqual(
            attributes,
            {("customer", "inn"), ("company", "signatory_name"), ("line", "product"), ("line", "total")},
        )
        output = render_docx(
            template,
            {
                "customer": {"inn": "7701234567"},
                "company": {"signatory_name": "Иванов И. И."},
                "amount_words": "два рубля 00 копеек",
                "lines": [{"product": "Консультация", "total": "1 000,00"}, {"product": "Audit", "total": "5.00"}],
            },
        )
        self.assertEqual(
            docx_text(output),
            "7701234567 Иванов И. И. два рубля 00 копеек\nКонсультация | 1 000,00\nAudit | 5.00",
        )


@tagged("post_install", "-at_install", "sales_followup_contract")
class TestContractOffice(BaseCase):
    def test_pdf_with_cyrillic_and_latin(self):
        docx = render_docx(make_docx("{{ name }}"), {"name": "ООО «Ромашка» & Acme <Co>"})
        pdf = office.convert_to_pdf(docx)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(pdf_text(pdf).strip(), "ООО «Ромашка» & Acme <Co>")

    def test_missing_libreoffice_names_the_package(self):
        with patch.object(office, "find_soffice", return_value=None), self.assertRaises(office.OfficeError) as caught:
            office.convert_to_pdf(b"x")
        self.assertEqual((caught.exception.reason, caught.exception.detail), ("missing", "libreoffice-writer-nogui"))

    def test_timeout_kills_the_process_group(self):
        script = os.path.join(os.path.dirname(__file__), "..", "data", "hang.sh")
        with self.assertRaises(office.OfficeError) as caught:
            office.convert_to_pdf(make_docx("x"), timeout=1, soffice=script)
        self.assertEqual(caught.exception.reason, "timeout")
        marker = subprocess.run(["pgrep", "-f", "osf-hang-marker"], capture_output=True, check=False)
        self.assertEqual(marker.stdout, b"", "the conversion and its children are gone")

    def test_failed_conversion(self):
        with self.assertRaises(office.OfficeError) as caught:
            office.convert_to_pdf(make_docx("x"), soffice="/bin/false")
        self.assertEqual(caught.exception.reason, "failed")

    def test_only_a_docx_document_reaches_libreoffice(self):
        # an RTF, an HTML page or an OpenDocument named .docx would be read by another filter,
        # with its own links: refused before LibreOffice starts (/bin/false would fail anyway)
        opendocument = io.BytesIO()
        with zipfile.ZipFile(opendocument, "w") as package:
            package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            package.writestr("[Content_Types].xml", "<Types/>")
        for data in (b"{\\rtf1 x}", b"<html><img src='http://127.0.0.1/x'></html>", opendocument.getvalue()):
            with self.assertRaises(office.OfficeError) as caught:
                office.convert_to_pdf(data, soffice="/bin/true")
            self.assertEqual(caught.exception.reason, "failed")
            self.assertIn("not a DOCX document", caught.exception.detail)
