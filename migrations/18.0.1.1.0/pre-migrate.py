"""18.0.1.1.0, before the data files load: the shipped records a customer edits are kept.

The *Contract and invoice* mail template is ``noupdate`` from this release on, as Odoo ships
its own. Its external id is marked so before the data files load: otherwise this very update
would overwrite the customer's edits one last time.
"""

from odoo.tools import SQL

#: External ids of this addon that became ``noupdate`` in this release.
NOW_NOUPDATE = ("mail_template_contract_invoice",)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "UPDATE ir_model_data SET noupdate = TRUE WHERE module = %s AND name IN %s AND noupdate IS NOT TRUE",
            "odoo_sales_followup",
            NOW_NOUPDATE,
        )
    )
