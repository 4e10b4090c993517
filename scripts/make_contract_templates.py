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
from docx.shared import Pt

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
        "inn": "Tax ID",
        "kpp": "KPP",
        "account": "Bank account",
        "bank": "Bank",
        "bic": "BIC",
        "corr": "Correspondent account",
        "address": "Legal address",
        "sign": "Signature",
    },
    "ru": {
        "title": "ДОГОВОР № {{ contract.number }}",
        "place": "Дата: {{ contract.date }}",
        "preamble": (
            "{{ company.legal_name }}, в лице {{ company.signatory_position }} {{ company.signatory_name }}, "
            "действующего на основании {{ company.signatory_basis }} (Исполнитель), и {{ customer.legal_name }}, "
            "в лице {{ customer.signatory_position }} {{ customer.signatory_name }}, действующего на основании "
            "{{ customer.signatory_basis }} (Заказчик), заключили настоящий договор о нижеследующем."
        ),
        "subject": (
            "1. Исполнитель поставляет Заказчику товары и услуги, указанные ниже, согласно предложению "
            "{{ quotation.name }} от {{ quotation.date }}."
        ),
        "head": ["№", "Наименование", "Кол-во", "Ед.", "Цена", "Налоги", "Сумма"],
        "totals": "Итого без налогов: {{ amount_untaxed }}. Налоги: {{ amount_tax }}. Всего: {{ amount_total }}.",
        "words": "2. Цена договора составляет {{ amount_total }} ({{ amount_words }}).",
        "payment": "3. Заказчик оплачивает счёт в указанный в нём срок. Работы начинаются после оплаты.",
        "parties": "4. Реквизиты сторон",
        "supplier": "Исполнитель",
        "customer": "Заказчик",
        "inn": "ИНН",
        "kpp": "КПП",
        "account": "Р/с",
        "bank": "Банк",
        "bic": "БИК",
        "corr": "К/с",
        "address": "Юридический адрес",
        "sign": "Подпись",
    },
}


def party(cell, title, root, text):
    cell.text = ""
    lines = [
        f"{title}",
        f"{{{{ {root}.legal_name }}}}",
        f"{text['inn']}: {{{{ {root}.inn }}}}",
        f"{text['kpp']}: {{{{ {root}.kpp }}}}",
        f"{{{{ {root}.registry_label }}}}: {{{{ {root}.ogrn }}}}",
        f"{text['address']}: {{{{ {root}.legal_address }}}}",
        f"{text['account']}: {{{{ {root}.bank_account }}}}",
        f"{text['bank']}: {{{{ {root}.bank_name }}}}",
        f"{text['bic']}: {{{{ {root}.bic }}}}",
        f"{text['corr']}: {{{{ {root}.corr_account }}}}",
        f"{{{{ {root}.signatory_position }}}} {{{{ {root}.signatory_name }}}}",
        f"{text['sign']}: ____________",
    ]
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def build(lang):
    text = TEXTS[lang]
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    title = document.add_paragraph(text["title"])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    document.add_paragraph(text["place"])
    document.add_paragraph(text["preamble"])
    document.add_paragraph(text["subject"])
    table = document.add_table(rows=4, cols=7)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, text["head"], strict=True):
        cell.text = head
    table.rows[1].cells[0].text = "{%tr for line in lines %}"
    values = ["number", "product", "quantity", "unit", "price_unit", "taxes", "total"]
    for cell, value in zip(table.rows[2].cells, values, strict=True):
        cell.text = f"{{{{ line.{value} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph(text["totals"])
    document.add_paragraph(text["words"])
    document.add_paragraph(text["payment"])
    document.add_paragraph(text["parties"])
    parties = document.add_table(rows=1, cols=2)
    party(parties.rows[0].cells[0], text["supplier"], "company", text)
    party(parties.rows[0].cells[1], text["customer"], "customer", text)
    # Fixed metadata, so that a rebuild gives the same file.
    document.core_properties.author = "odoo_sales_followup"
    document.core_properties.title = text["title"].split(" {{")[0]
    path = os.path.join(OUT, f"contract_sample_{lang}.docx")
    document.save(path)
    return path


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for lang in TEXTS:
        print(build(lang))
