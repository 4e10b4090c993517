"""Measure order confirmations on one busy customer (see README.md).

    python3 benchmarks/bench_hot_customer.py [odoo options] -d DB --setup-only --users N --orders N
    python3 benchmarks/bench_hot_customer.py [odoo options] -d DB --server-url URL < state

N salespeople confirm their quotations at once through JSON-RPC on a server with N
workers: first all of the same company customer, then each of a customer of their
own. Goal: no confirmation fails, and the rate on the one customer is at least 60% of
the rate on distinct customers; once the queue's job has run, the busy customer's
purchase count is every confirmed order, and each of its level moves is recorded once.
Prints a table.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import json
import sys
import threading
import time
import urllib.request

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

CONTEXT = {"lang": "en_US", "tracking_disable": True}
PASSWORD = "bench-hot-customer"


def say(message):
    print(message, file=sys.stderr, flush=True)


def set_up(registry, users, orders):
    """Committed once: ``users`` salespeople, one busy customer, one customer of each
    salesperson, and ``orders`` quotations of each salesperson for each of the two."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        product = env["product.product"].create({"name": "Consulting day", "type": "service", "list_price": 1000.0})
        salespeople = env["res.users"].create(
            [
                {
                    "name": f"Bench Salesperson {index}",
                    "login": f"bench_hot_{index}",
                    "password": PASSWORD,
                    "groups_id": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
                }
                for index in range(users)
            ]
        )
        hot = env["res.partner"].create({"name": "Busy Customer", "is_company": True})
        own = env["res.partner"].create(
            [{"name": f"Own Customer {index}", "is_company": True} for index in range(users)]
        )
        state = {
            "logins": salespeople.mapped("login"),
            "hot": hot.id,
            "own": own.ids,
            "hot_orders": {},
            "own_orders": {},
        }
        for kind, customers in (("hot", [hot] * users), ("own", list(own))):
            for user, customer in zip(salespeople, customers, strict=True):
                quotations = env["sale.order"].create(
                    [
                        {
                            "partner_id": customer.id,
                            "user_id": user.id,
                            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
                        }
                        for _index in range(orders)
                    ]
                )
                state[f"{kind}_orders"][user.login] = quotations.ids
        return state


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


def confirm_at_once(url, db, orders_by_login):
    """Each salesperson confirms their orders one by one, all at once: (seconds, failures)."""
    failures = []

    def work(login):
        client = Client(url, db, login)
        for order_id in orders_by_login[login]:
            try:
                client.call("sale.order", "action_confirm", [order_id])
            except Exception as error:  # a benchmark counts failures, it does not stop at the first
                failures.append(f"{login}, order {order_id}: {error}")

    threads = [threading.Thread(target=work, args=(login,)) for login in orders_by_login]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, failures


def check_hot_customer(registry, state):
    """Apply what is left in the queue, as its job does; the busy customer's facts."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        env["res.partner.level.queue"]._cron_apply_level_queue()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        hot = env["res.partner"].browse(state["hot"])
        confirmed = env["sale.order"].search_count([("partner_id", "=", hot.id), ("state", "=", "sale")])
        moves = env["res.partner.level.change"].search([("partner_id", "=", hot.id)]).mapped("level_to")
        return hot.purchase_count, confirmed, moves


def print_table(rows):
    header = ("measure", "figure", "goal", "")
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    for line in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--server-url")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--setup-only", action="store_true")
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    db = odoo.tools.config["db_name"].split(",")[0]
    registry = Registry(db)
    if args.setup_only:
        print(json.dumps(set_up(registry, args.users, args.orders)))
        return
    state = json.loads(sys.stdin.read())
    users = len(state["logins"])
    count = sum(len(ids) for ids in state["hot_orders"].values())
    hot_time, hot_failures = confirm_at_once(args.server_url, db, state["hot_orders"])
    own_time, own_failures = confirm_at_once(args.server_url, db, state["own_orders"])
    for failure in hot_failures + own_failures:
        say(failure)
    time.sleep(2)  # the queue's job, triggered by the busy moment, runs in the server's cron thread if any
    purchases, confirmed, moves = check_hot_customer(registry, state)
    hot_rate, own_rate = count / hot_time, count / own_time
    ratio = hot_rate / own_rate
    # Each move of the busy customer (potential, prospect, new, active) recorded once.
    facts_ok = purchases == confirmed == count - len(hot_failures) and len(moves) == len(set(moves))
    rows = [
        (
            f"{users} users confirm {count} orders of one customer, via RPC",
            f"{hot_rate:.1f} orders/s, {len(hot_failures)} failed",
            "0 failed",
            "ok" if not hot_failures else "NOT OK",
        ),
        (
            f"{users} users confirm {count} orders of {users} customers, via RPC",
            f"{own_rate:.1f} orders/s, {len(own_failures)} failed",
            "0 failed",
            "ok" if not own_failures else "NOT OK",
        ),
        ("rate on one customer / on distinct customers", f"{ratio:.0%}", ">= 60%", "ok" if ratio >= 0.6 else "NOT OK"),
        (
            "the busy customer's purchases, confirmed orders, level moves",
            f"{purchases}, {confirmed}, {' > '.join(reversed(moves))}",
            f"{count}, {count}, each move once",
            "ok" if facts_ok else "NOT OK",
        ),
    ]
    print_table(rows)


if __name__ == "__main__":
    main()
