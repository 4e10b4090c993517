"""Measure contract preparation on a database with the addon (see README.md).

    python3 benchmarks/bench_contract.py [odoo options] -d DB [--contracts N] [--repeat N]
                                         [--server-url URL --users N --per-user N]

(a) Preparing N contracts one by one (checks, numbering, DOCX rendering, PDF through
    LibreOffice, versions and attachments), each in a transaction of its own rolled
    back, against the bare LibreOffice conversion of the same DOCX files in the same
    run: goal within 1.3x.
(b) With --server-url (an Odoo server with several workers on this database, started
    by benchmarks/run_contract): N users prepare contracts of their own deals at once
    through JSON-RPC: goal no failure, no file attached to another deal, each PDF
    carrying its own customer.
Prints a table.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

CONTEXT = {"lang": "en_US", "tracking_disable": True}
PASSWORD = "bench-contract"


def say(message):
    print(message, file=sys.stderr, flush=True)


def pdf_text(data):
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def set_up(registry, deals, users, prefix):
    """Committed once: our company's legal data, customers with theirs, one deal with a
    quotation per customer, and ``users`` salespeople who own ``deals`` deals each."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        company = env.company
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        bank = env["res.bank"].create(
            {"name": "Bench Bank", "bic": "044525225", "corr_account": "30101810400000000225"}
        )
        legal = {
            "company_registry": "1027700000001",
            "street": "1 Main Street",
            "city": "Moscow",
            "signatory_name": "Olga Director",
            "signatory_position": "General Director",
            "signatory_basis": "the Charter",
        }
        company.partner_id.write({**legal, "legal_name": "Bench Supplier Ltd.", "vat": "7700000001"})
        if not company.partner_id.bank_ids.filtered(lambda account: account.acc_number == "40702810000000000001"):
            company.partner_id.bank_ids = [
                Command.create({"acc_number": "40702810000000000001", "bank_id": bank.id, "sequence": 1})
            ]
        product = env["product.product"].create({"name": "Consulting day", "type": "service", "list_price": 1000.0})
        salespeople = env["res.users"].create(
            [
                {
                    "name": f"Bench Salesperson {prefix}{index}",
                    "login": f"bench_{prefix}{index}",
                    "password": PASSWORD,
                    "groups_id": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
                }
                for index in range(max(users, 1))
            ]
        )
        team = env["crm.team"].create(
            {"name": f"Bench contracts {prefix}", "member_ids": [Command.set(salespeople.ids)]}
        )
        total = deals * max(users, 1)
        partners = env["res.partner"].create(
            [
                {
                    **legal,
                    "name": f"Customer {prefix}{index:03d}",
                    "legal_name": f"ООО «Заказчик {prefix}{index:03d}» & Co",
                    "is_company": True,
                    "vat": f"77{index:08d}",
                    "email": f"customer{index}@example.com",
                    "bank_ids": [Command.create({"acc_number": f"4070281{index:013d}", "bank_id": bank.id})],
                }
                for index in range(total)
            ]
        )
        leads = env["crm.lead"].create(
            [
                {
                    "name": f"Deal {prefix}{index:03d}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "user_id": salespeople[index % len(salespeople)].id,
                }
                for index, partner in enumerate(partners)
            ]
        )
        env["sale.order"].create(
            [
                {
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "user_id": lead.user_id.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
                }
                for lead in leads
            ]
        )
        return leads.ids, salespeople.mapped("login")


def measure_sequential(registry, lead_ids, repeat):
    """Seconds to prepare the contracts, and to convert the same DOCX files with LibreOffice."""
    prepare_times, convert_times = [], []
    for run in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            leads = env["crm.lead"].browse(lead_ids)
            start = time.perf_counter()
            for lead in leads:
                lead.action_prepare_contract()
            env.flush_all()
            prepare_times.append(time.perf_counter() - start)
            docx_files = [lead.contract_id.docx_attachment_id.raw for lead in leads]
            missing = [lead.name for lead in leads if not lead.contract_id.pdf_attachment_id]
            cr.rollback()
        if missing:
            raise SystemExit(f"no PDF for {missing}")
        with registry.cursor() as cr:
            # the addon's own wrapper of LibreOffice (private profile, time limit), nothing else
            convert = api.Environment(cr, SUPERUSER_ID, CONTEXT)["followup.contract"]._convert_to_pdf
            start = time.perf_counter()
            for data in docx_files:
                convert(data)
        convert_times.append(time.perf_counter() - start)
        say(f"(a) run {run + 1}: prepare {prepare_times[-1]:.2f} s, bare conversion {convert_times[-1]:.2f} s")
    return statistics.median(prepare_times), statistics.median(convert_times)


class Client:
    def __init__(self, url, db, login):
        self.url, self.db, self.login = url, db, login
        self.uid = self._rpc("common", "login", db, login, PASSWORD)

    def _rpc(self, service, method, *args):
        payload = {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}}
        request = urllib.request.Request(
            f"{self.url}/jsonrpc", json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=300) as response:  # a loopback server
            answer = json.loads(response.read())
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"].get("message") or answer["error"]["message"])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self._rpc("object", "execute_kw", self.db, self.uid, PASSWORD, model, method, list(args), kwargs)


def measure_concurrent(registry, url, db, logins, lead_ids):
    """N users at once, each preparing the contracts of their own deals through RPC."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        by_user = {}
        for lead in env["crm.lead"].browse(lead_ids):
            by_user.setdefault(lead.user_id.login, []).append(lead.id)
    failures = []

    def work(login):
        try:
            client = Client(url, db, login)
            for lead_id in by_user[login]:
                client.call("crm.lead", "action_prepare_contract", [lead_id])
        except Exception as error:  # a benchmark counts failures, it does not stop at the first
            failures.append(f"{login}: {error}")

    threads = [threading.Thread(target=work, args=(login,)) for login in logins]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    wrong = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        for lead in env["crm.lead"].browse(lead_ids):
            contract = lead.contract_id
            files = contract.docx_attachment_id | contract.pdf_attachment_id
            if len(files) != 2 or set(files.mapped("res_id")) != {lead.id}:
                wrong.append(f"{lead.name}: files {files.mapped('name')} on {set(files.mapped('res_id'))}")
            elif lead.partner_id.legal_name not in pdf_text(contract.pdf_attachment_id.raw):
                wrong.append(f"{lead.name}: its PDF does not name {lead.partner_id.legal_name}")
        numbers = env["followup.contract"].search([("lead_id", "in", lead_ids)]).mapped("name")
        if len(set(numbers)) != len(lead_ids):
            wrong.append(f"{len(lead_ids)} deals, {len(set(numbers))} distinct contract numbers")
    return elapsed, failures, wrong


def print_table(rows):
    header = ("measure", "contracts", "baseline", "ratio", "goal", "")
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    for line in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--contracts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server-url")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--per-user", type=int, default=3)
    parser.add_argument("--setup-only", action="store_true")
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    db = odoo.tools.config["db_name"].split(",")[0]
    registry = Registry(db)
    if args.setup_only:
        lead_ids, logins = set_up(registry, args.per_user, args.users, "rpc")
        print(json.dumps({"lead_ids": lead_ids, "logins": logins}))
        return
    rows = []
    if not args.server_url:
        lead_ids, _logins = set_up(registry, args.contracts, 1, "seq")
        prepare, convert = measure_sequential(registry, lead_ids, args.repeat)
        ratio = prepare / convert
        rows.append(
            (
                f"(a) prepare {args.contracts} contracts (DOCX and PDF), vs the bare LibreOffice conversion",
                f"{prepare:.2f} s ({prepare / args.contracts:.2f} s each)",
                f"{convert:.2f} s ({convert / args.contracts:.2f} s each)",
                f"{ratio:.2f}x",
                "<= 1.3x",
                "ok" if ratio <= 1.3 else "NOT OK",
            )
        )
    else:
        state = json.loads(sys.stdin.read())
        elapsed, failures, wrong = measure_concurrent(registry, args.server_url, db, state["logins"], state["lead_ids"])
        for failure in failures + wrong:
            say(f"(b) {failure}")
        rows.append(
            (
                f"(b) {len(state['logins'])} users prepare {len(state['lead_ids'])} contracts at once, via RPC",
                f"{elapsed:.2f} s, {len(failures)} failed, {len(wrong)} wrong",
                "",
                "",
                "0 failed, 0 wrong",
                "ok" if not failures and not wrong else "NOT OK",
            )
        )
    print_table(rows)


if __name__ == "__main__":
    main()
