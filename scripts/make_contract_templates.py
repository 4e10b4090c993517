#!/usr/bin/env python3
"""Build the sample contract templates shipped in data/contract_templates/ with python-docx.

Run with the Python that has python-docx (Odoo's, after scripts/setup):
    /path/to/odoo/python scripts/make_contract_templates.py
The .docx files are committed; this script documents how they were made and rebuilds them.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import os

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "contract_templates")

TEXTS = {
    "en": {
        "title": "CONTRACT No. {{ contract.number }}",
        "place": "Date: {{ contract.date }}",
        "preamble": (
            "{{ company.legal_name }}, represented by its {{ company.signatory_position }} "
            "{{ company.signatory_name }}, acting on the basis of {{ company.signatory_basis }} (the Supplier), "
            "and {{ customer.legal_name }}, represented by its {{ customer.signatory_position }} "
            "{{ customer.signatory_name }}, acting on the basis of {{ customer.signatory_basis }} (the Customer), "
            "have agreed as follows."
        ),
        "subject": (
            "1. The Supplier delivers to the Customer the goods and services below, as in quotation "
            "{{ quotation.name }} of {{ quotation.date }}."
        ),
        "head": ["No.", "Product", "Quantity", "Unit", "Price", "Taxes", "Total"],
        "totals": "Total without taxes: {{ amount_untaxed }}. Taxes: {{ amount_tax }}. Total: {{ amount_total }}.",
        "words": "2. The price of the contract is {{ amount_total }} ({{ amount_words }}).",
        "payment": "3. The Customer pays the invoice within the term it states. The work starts once it is paid.",
        "parties": "4. Details of the parties",
        "supplier": "Supplier",
        "customer": "Customer",
        "inn": "Tax ID (INN)",
        "kpp": "KPP",
        "ogrn": "Company ID (OGRN)",
        "account": "Bank account",
        "bank": "Bank",
        "bic": "BIC",
        "corr": "Correspondent account",
        "address": "Legal address",
        "postal": "Postal address",
    },
    "ru": {
        "title": "ДОГОВОР № {{ contract.number }}",
        "place": "Дата: {{ contract.date }}",
        "preamble": (
            "{{ company.legal_name }}, в лице {{ company.signatory_position_genitive }} "
            "{{ company.signatory_name_genitive }}, {{ company.signatory_acting }} на основании "
            "{{ company.signatory_basis }} (Исполнитель), и {{ customer.legal_name }}, в лице "
            "{{ customer.signatory_position_genitive }} {{ customer.signatory_name_genitive }}, "
            "{{ customer.signatory_acting }} на основании {{ customer.signatory_basis }} (Заказчик), "
            "заключили настоящий договор о нижеследующем."
        ),
        "subject": (
            "1. Исполнитель поставляет Заказчику товары и услуги, указанные ниже, согласно предложению "
            "{{ quotation.name }} от {{ quotation.date }}."
        ),
        "head": ["№", "Наименование", "Кол-во", "Ед.", "Цена", "Налоги", "Сумма"],
        "totals": "Итого без налогов: {{ amount_untaxed }}. Налоги: {{ amount_tax }}. Всего: {{ amount_total }}.",
        "words": "2. Цена договора составляет {{ amount_total }} ({{ amount_words }}).",
        "payment": "3. Заказчик оплачивает счёт в указанный в нём срок. Работы начинаются после оплаты.",
        "parties": "4. Реквизиты и подписи сторон",
        "supplier": "Исполнитель",
        "customer": "Заказчик",
        "inn": "ИНН",
        "kpp": "КПП",
        "ogrn": "ОГРН",
        "account": "Расчётный счёт",
        "bank": "Банк",
        "bic": "БИК",
        "corr": "Корр. счёт",
        "address": "Юридический адрес",
        "postal": "Почтовый адрес",
    },
}

#: Widths of the quotation's columns (cm), 17 cm in all: what each holds fits on one line.
LINE_WIDTHS = (1.0, 5.2, 2.2, 1.3, 2.7, 1.9, 2.7)
LINE_VALUES = ("number", "product", "quantity", "unit", "price_unit", "taxes", "total")


def party(cell, title, root, text):
    """The requisites of a party, each optional one left out when empty, then its signature."""
    lines = [
        (None, f"{title}", True),
        (None, f"{{{{ {root}.legal_name }}}}", False),
        (None, f"{text['address']}: {{{{ {root}.legal_address }}}}", False),
        (f"{root}.postal_address != {root}.legal_address", f"{text['postal']}: {{{{ {root}.postal_address }}}}", False),
        (f"{root}.inn", f"{text['inn']}: {{{{ {root}.inn }}}}", False),
        (f"{root}.kpp", f"{text['kpp']}: {{{{ {root}.kpp }}}}", False),
        (f"{root}.ogrn", f"{text['ogrn']}: {{{{ {root}.ogrn }}}}", False),
        (f"{root}.bank_account", f"{text['account']}: {{{{ {root}.bank_account }}}}", False),
        (f"{root}.bank_name", f"{text['bank']}: {{{{ {root}.bank_name }}}}", False),
        (f"{root}.bic", f"{text['bic']}: {{{{ {root}.bic }}}}", False),
        (f"{root}.corr_account", f"{text['corr']}: {{{{ {root}.corr_account }}}}", False),
        (None, "", False),
        (None, f"{{{{ {root}.signatory_position }}}}", False),
        (None, f"____________________ / {{{{ {root}.signatory_initials }}}} /", False),
    ]
    first = True
    for condition, line, bold in lines:
        paragraphs = [f"{{%p if {condition} %}}", line, "{%p endif %}"] if condition else [line]
        for content in paragraphs:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            run = paragraph.add_run(content)
            run.bold = bold
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.keep_with_next = True


def set_widths(table, widths):
    """Fixed column widths, in the grid (LibreOffice) and on each cell (Word)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def keep_row_on_one_page(row):
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def new_document(text):
    """An A4 document with 2 cm margins in DejaVu Sans 10 pt, and its centred title in bold."""
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
    return document


def add_lines_table(document, text):
    """The table of the lines (quotation's or invoice's): the heading row, then a row per line,
    and the totals below it."""
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


def add_parties(document, text):
    """The heading of the parties' block, then both parties and their signatures in one row
    that never splits: the signatures stay together."""
    heading = document.add_paragraph(text["parties"])
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(12)
    parties = document.add_table(rows=1, cols=2)
    set_widths(parties, (8.5, 8.5))
    keep_row_on_one_page(parties.rows[0])
    party(parties.rows[0].cells[0], text["supplier"], "company", text)
    party(parties.rows[0].cells[1], text["customer"], "customer", text)


def save(document, title, path):
    """Save with fixed metadata, so that a rebuild gives the same file."""
    document.core_properties.author = "odoo_sales_followup"
    document.core_properties.title = title
    document.save(path)
    return path


def build(lang):
    text = TEXTS[lang]
    document = new_document(text)
    document.add_paragraph(text["place"])
    document.add_paragraph(text["preamble"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.add_paragraph(text["subject"])
    add_lines_table(document, text)
    document.add_paragraph(text["payment"])
    add_parties(document, text)
    return save(document, text["title"].split(" {{")[0], os.path.join(OUT, f"contract_sample_{lang}.docx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for lang in TEXTS:
        print(build(lang))
