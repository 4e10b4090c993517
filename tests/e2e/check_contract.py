"""End to end: a contract prepared and sent through RPC reaches the customer by mail.

Run alone with ``scripts/e2e tests/e2e/check_contract.py``; ``scripts/test`` runs it after
Odoo's tests. Not imported by ``tests/__init__.py``: Odoo's runner never sees it.
"""

import subprocess


def _pdf_text(data):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _deal(odoo, legal_name, email):
    """A customer with its legal data, an opportunity and its quotation; our company's legal data."""
    bank = odoo.call(
        "res.bank", "create", {"name": "E2E Bank", "bic": "044525225", "corr_account": "30101810400000000225"}
    )
    company = odoo.call(
        "res.users", "read", [odoo.call("res.users", "search", [("login", "=", "admin")])[0]], ["company_id"]
    )
    company_id = company[0]["company_id"][0]
    company_partner = odoo.call("res.company", "read", [company_id], ["partner_id"])[0]["partner_id"][0]
    legal = {
        "company_registry": "1027700000001",
        "street": "1 Main Street",
        "city": "Moscow",
        "signatory_name": "Olga Director",
        "signatory_position": "General Director",
        "signatory_basis": "the Charter",
    }
    odoo.call(
        "res.partner",
        "write",
        [company_partner],
        {
            **legal,
            "legal_name": "E2E Supplier Ltd.",
            "vat": "7700000001",
            "bank_ids": [(0, 0, {"acc_number": "40702810500000000099", "bank_id": bank, "sequence": 1})],
        },
    )
    partner = odoo.call(
        "res.partner",
        "create",
        {
            **legal,
            "name": "E2E Customer",
            "is_company": True,
            "lang": "en_US",
            "legal_name": legal_name,
            "vat": "7701234567",
            "email": email,
            "bank_ids": [(0, 0, {"acc_number": "40702810200000000098", "bank_id": bank})],
        },
    )
    product = odoo.call(
        "product.product", "create", {"name": "E2E consulting day", "type": "service", "list_price": 900.0}
    )
    # a team of its own: the shipped Payment receipt is its payment stage
    team = odoo.call("crm.team", "create", {"name": "E2E contracts", "use_opportunities": True})
    lead = odoo.call(
        "crm.lead",
        "create",
        {"name": "E2E contract deal", "type": "opportunity", "partner_id": partner, "team_id": team},
    )
    odoo.call(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "opportunity_id": lead,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 2})],
        },
    )
    return lead


def check_contract_and_invoice_reach_the_customer(odoo):
    legal_name = "ООО «Е2Е Заказчик» & Co"
    email = "e2e.customer@example.com"
    lead = _deal(odoo, legal_name, email)
    odoo.call("crm.lead", "action_prepare_contract", [lead])
    contract = odoo.call("crm.lead", "read", [lead], ["contract_id"])[0]["contract_id"]
    assert contract, "the contract was prepared"
    number = contract[1]
    action = odoo.call("crm.lead", "action_send_contract", [lead])
    assert action["res_model"] == "mail.compose.message", action
    context = action["context"]
    odoo.clear_mails()
    composer = odoo.call("mail.compose.message", "create", {}, context=context)
    odoo.call("mail.compose.message", "action_send_mail", [composer], context=context)
    mails = odoo.mails(count=1, match=lambda message: email in (message["To"] or ""), timeout=120)
    message = mails[0]
    assert email in message["To"], f"sent to {message['To']}"
    assert f"contract {number} and invoice" in message["Subject"], f"subject {message['Subject']!r}"
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    contract_pdf = attachments.get(f"{number} v1.pdf")
    assert contract_pdf, f"the contract PDF is attached: {sorted(attachments)}"
    assert legal_name in _pdf_text(contract_pdf), "the contract PDF names the customer's legal name"
    invoices = [name for name in attachments if name.startswith("Pro-forma invoice")]
    assert len(invoices) == 1, f"the pro-forma invoice is attached: {sorted(attachments)}"
    assert attachments[invoices[0]].startswith(b"%PDF"), "the invoice is a PDF"
    state, stage = (
        odoo.call("followup.contract", "read", [contract[0]], ["state"])[0]["state"],
        odoo.call("crm.lead", "read", [lead], ["stage_id"])[0]["stage_id"][0],
    )
    assert state == "sent", f"the contract is {state}"
    assert stage == odoo.ref("odoo_sales_followup.stage_payment_receipt"), "the deal waits for its payment"
