#!/usr/bin/env python3
"""Build the sample acts of completed work shipped in data/act_templates/ with python-docx.

Run with the Python that has python-docx (Odoo's, after scripts/setup):
    /path/to/odoo/python scripts/make_act_templates.py
The .docx files are committed; this script documents how they were made and rebuilds them.
The page, the title, the table of the lines and the parties' block are built by the sample
contract's functions (make_contract_templates.py).
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import os
import sys

from docx.enum.text import WD_ALIGN_PARAGRAPH

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_contract_templates import TEXTS as CONTRACT_TEXTS
from make_contract_templates import add_lines_table, add_parties, new_document, save

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


def build(lang):
    text = TEXTS[lang]
    document = new_document(text)
    # the contract's line only when the deal has one
    for content in ("{%p if contract.number %}", text["basis"], "{%p endif %}"):
        document.add_paragraph(content).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(text["place"])
    document.add_paragraph(text["preamble"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    add_lines_table(document, text)
    document.add_paragraph(text["claims"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.add_paragraph(text["copies"])
    add_parties(document, text)
    title = text["title"].split(" №")[0].split(" No.")[0]
    return save(document, title, os.path.join(OUT, f"act_sample_{lang}.docx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for lang in TEXTS:
        print(build(lang))
