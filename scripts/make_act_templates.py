#!/usr/bin/env python3
"""Build the sample acts of completed work shipped in data/act_templates/ with python-docx.

Run with the Python that has python-docx (Odoo's, after scripts/setup):
    /path/to/odoo/python scripts/make_act_templates.py
The .docx files are committed; this script documents how they were made and rebuilds them.
The page, the table and the parties' block are the sample contract's (make_contract_templates.py).
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import os
import sys

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_contract_templates import TEXTS as CONTRACT_TEXTS
from make_contract_templates import keep_row_on_one_page, party, set_widths

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "act_templates")

TEXTS = {
    "en": {
        **CONTRACT_TEXTS["en"],
        "title": "ACT OF COMPLETED WORK (SERVICES RENDERED) No. {{ act.number }}",
        "place": "Date: {{ act.date }}",
        "basis": "Under contract No. {{ contract.number }} of {{ contract.date }}",
        "preamble": (
            "{{ company.legal_name }}, represented by its {{ company.signatory_position }} "
            "{{ company.signatory_name }}, acting on the basis of {{ company.signatory_basis }} (the Contractor), "
            "and {{ customer.legal_name }}, represented by its {{ customer.signatory_position }} "
            "{{ customer.signatory_name }}, acting on the basis of {{ customer.signatory_basis }} (the Customer), "
            "have drawn up this act: the Contractor has completed the work and rendered the services below, "
            "invoiced by invoice {{ invoice.name }} of {{ invoice.date }}, and the Customer has accepted them."
        ),
        "head": ["No.", "Work or service", "Quantity", "Unit", "Price", "VAT", "Amount"],
        "totals": "Total without VAT: {{ amount_untaxed }}. VAT: {{ amount_tax }}. Total with VAT: {{ amount_total }}.",
        "words": (
            "Work completed and services rendered for {{ amount_total }} ({{ amount_words }}), "
            "VAT included: {{ amount_tax }}."
        ),
        "claims": (
            "The work was completed and the services rendered in full and on time. The Customer has no claim "
            "as to their scope, quality or time."
        ),
        "copies": "This act is drawn up in two copies of equal legal force, one for each party.",
        "parties": "Details and signatures of the parties",
        "supplier": "Contractor",
    },
    "ru": {
        **CONTRACT_TEXTS["ru"],
        "title": "АКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ) № {{ act.number }}",
        "place": "Дата: {{ act.date }}",
        "basis": "к договору № {{ contract.number }} от {{ contract.date }}",
        "preamble": (
            "{{ company.legal_name }}, в лице {{ company.signatory_position_genitive }} "
            "{{ company.signatory_name_genitive }}, {{ company.signatory_acting }} на основании "
            "{{ company.signatory_basis }} (Исполнитель), с одной стороны, и {{ customer.legal_name }}, в лице "
            "{{ customer.signatory_position_genitive }} {{ customer.signatory_name_genitive }}, "
            "{{ customer.signatory_acting }} на основании {{ customer.signatory_basis }} (Заказчик), "
            "с другой стороны, составили настоящий акт о том, что Исполнитель выполнил работы (оказал услуги), "
            "указанные ниже и выставленные счётом {{ invoice.name }} от {{ invoice.date }}, "
            "а Заказчик их принял."
        ),
        "head": ["№", "Наименование работ (услуг)", "Кол-во", "Ед. изм.", "Цена", "НДС", "Сумма"],
        "totals": "Итого без НДС: {{ amount_untaxed }}. НДС: {{ amount_tax }}. Всего с НДС: {{ amount_total }}.",
        "words": (
            "Всего выполнено работ (оказано услуг) на сумму {{ amount_total }} ({{ amount_words }}), "
            "в том числе НДС: {{ amount_tax }}."
        ),
        "claims": (
            "Вышеперечисленные работы (услуги) выполнены полностью и в срок. Заказчик претензий по объёму, "
            "качеству и срокам выполнения работ (оказания услуг) не имеет."
        ),
        "copies": "Настоящий акт составлен в двух экземплярах, имеющих равную юридическую силу, по одному для "
        "каждой из сторон.",
        "parties": "Реквизиты и подписи сторон",
        "supplier": "Исполнитель",
    },
}

#: Widths of the lines' columns (cm), 17 cm in all, as in the sample contract.
LINE_WIDTHS = (1.0, 5.2, 2.2, 1.3, 2.7, 1.9, 2.7)
LINE_VALUES = ("number", "product", "quantity", "unit", "price_unit", "taxes", "total")


def build(lang):
    text = TEXTS[lang]
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    title = document.add_paragraph(text["title"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    # the contract's line only when the deal has one
    for content in ("{%p if contract.number %}", text["basis"], "{%p endif %}"):
        document.add_paragraph(content).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(text["place"])
    document.add_paragraph(text["preamble"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    table = document.add_table(rows=4, cols=7)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, text["head"], strict=True):
        cell.text = head
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for line in lines %}"
    for cell, value in zip(table.rows[2].cells, LINE_VALUES, strict=True):
        cell.text = f"{{{{ line.{value} }}}}"
        if value not in ("product", "unit", "taxes"):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    set_widths(table, LINE_WIDTHS)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.add_paragraph(text["totals"]).paragraph_format.space_before = Pt(6)
    document.add_paragraph(text["words"])
    document.add_paragraph(text["claims"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.add_paragraph(text["copies"])
    heading = document.add_paragraph(text["parties"])
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(12)
    parties = document.add_table(rows=1, cols=2)
    set_widths(parties, (8.5, 8.5))
    keep_row_on_one_page(parties.rows[0])
    party(parties.rows[0].cells[0], text["supplier"], "company", text)
    party(parties.rows[0].cells[1], text["customer"], "customer", text)
    # Fixed metadata, so that a rebuild gives the same file.
    document.core_properties.author = "odoo_sales_followup"
    document.core_properties.title = text["title"].split(" №")[0].split(" No.")[0]
    path = os.path.join(OUT, f"act_sample_{lang}.docx")
    document.save(path)
    return path


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for lang in TEXTS:
        print(build(lang))
