"""Measure sales plans and digests on a database with the addon and a generated history
(see README.md).

    python3 benchmarks/bench_plans.py [odoo options] -d DB [--salespeople N] [--periods N]
                                      [--digest-users N] [--repeat N]

(a) Plan against actual: the figures of N salespeople's plans for P monthly periods
    (``crm.sales.plan._refresh_actuals``) against the plain SQL that computes the same
    figures from the same tables, in turn, in the same run: goal within 2x.
(b) Digests: the daily digest of U users in batches of 10, 50 and U: queries and
    seconds (goal: the queries grow with the number of users at a constant rate per
    user, and the fixed part with the number of batches).
Every measure runs in a transaction of its own, rolled back. Prints a table.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import statistics
import sys
import threading
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

CONTEXT = {"lang": "en_US", "tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True}

#: The figures of every plan in plain SQL: what _get_actual_figures computes.
PLAIN_SQL = """
    SELECT plan.id,
           (SELECT COUNT(*) FROM res_partner partner
             WHERE partner.user_id = plan.user_id AND partner.relationship_level = 'active'
               AND partner.active AND partner.id = partner.commercial_partner_id),
           (SELECT COUNT(DISTINCT change.partner_id) FROM res_partner_level_change change
             WHERE change.salesperson_id = plan.user_id AND change.level_to = 'new'
               AND change.date >= plan.date_from AND change.date < plan.date_to + 1),
           (SELECT SUM(sale.amount_untaxed) FROM sale_order sale
             WHERE sale.user_id = plan.user_id AND sale.state = 'sale'
               AND sale.date_order >= plan.date_from AND sale.date_order < plan.date_to + 1),
           (SELECT COUNT(*) FROM mail_message message JOIN res_users u ON u.id = plan.user_id
             WHERE message.author_id = u.partner_id AND message.mail_activity_type_id IS NOT NULL
               AND message.date >= plan.date_from AND message.date < plan.date_to + 1),
           (SELECT SUM(lead.prorated_revenue) FROM crm_lead lead
             WHERE lead.user_id = plan.user_id AND lead.active AND lead.type = 'opportunity'
               AND lead.probability < 100 AND lead.date_deadline BETWEEN plan.date_from AND plan.date_to)
      FROM crm_sales_plan plan
     WHERE plan.id = ANY(%s)
"""


def say(message):
    print(message, file=sys.stderr, flush=True)


def in_transaction(registry, run):
    with registry.cursor() as cr:
        try:
            return run(api.Environment(cr, SUPERUSER_ID, CONTEXT))
        finally:
            cr.rollback()


def measure(registry, run):
    """(seconds, queries) of run(env), flushed, in a transaction rolled back (the
    thread is marked as testing, so that the digest job does not commit its batches)."""
    threading.current_thread().testing = True

    def timed(env):
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        run(env)
        env.cr.flush()
        return time.perf_counter() - start, env.cr.sql_log_count - queries

    return in_transaction(registry, timed)


def set_up(registry, salespeople, periods, digest_users):
    """Committed once: salespeople sharing the generated orders, their monthly plans,
    and digest subscribers."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        group = env.ref("sales_team.group_sale_salesman")
        users = env["res.users"].create(
            [
                {
                    "name": f"Bench Salesperson {n:03}",
                    "login": f"bench_sp_{n:03}",
                    "email": f"sp{n}@example.com",
                    "groups_id": [(4, group.id)],
                }
                for n in range(max(salespeople, digest_users))
            ]
        )
        ids = users[:salespeople].ids
        say(f"sharing the orders between {salespeople} salespeople")
        cr.execute(
            SQL(
                "UPDATE sale_order SET user_id = (%s::int[])[1 + mod(id, %s)], amount_untaxed = 100 + mod(id, 900)",
                ids,
                len(ids),
            )
        )
        today = date.today().replace(day=1)
        starts = []
        day = today
        for _ in range(periods):
            day = (day - timedelta(days=1)).replace(day=1)
            starts.append(day)
        values = []
        for start in starts:
            end = ((start + timedelta(days=32)).replace(day=1)) - timedelta(days=1)
            values += [{"user_id": uid, "date_from": start, "date_to": end, "target_revenue": 10000} for uid in ids]
        plans = env["crm.sales.plan"].create(values)
        users[:digest_users].write({"followup_digest_daily": True})
        cr.execute("ANALYZE sale_order")
        # The benchmark's own throwaway database: the set-up stays for the measures that follow.
        cr.commit()  # pylint: disable=invalid-commit
        return plans.ids, users[:digest_users].ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--digest-users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    registry = Registry(odoo.tools.config["db_name"])
    plan_ids, digest_user_ids = set_up(registry, args.salespeople, args.periods, args.digest_users)

    def orm(env):
        env["crm.sales.plan"].browse(plan_ids)._refresh_actuals()

    def plain(env):
        env.cr.execute(SQL(PLAIN_SQL, plan_ids))
        env.cr.fetchall()

    orm_runs, plain_runs = [], []
    for _ in range(args.repeat):
        orm_runs.append(measure(registry, orm))
        plain_runs.append(measure(registry, plain))
    orm_s = statistics.median(s for s, _q in orm_runs)
    plain_s = statistics.median(s for s, _q in plain_runs)
    rows = [
        (f"(a) figures of {len(plan_ids)} plans, addon", f"{orm_s:.2f} s", f"{orm_runs[0][1]} queries"),
        ("(a) the same figures, plain SQL", f"{plain_s:.2f} s", f"{plain_runs[0][1]} queries"),
        ("(a) ratio (goal: within 2x)", f"{orm_s / plain_s:.2f}x", ""),
    ]
    for batch in (10, 50, args.digest_users):

        def digests(env, batch=batch):
            env["ir.config_parameter"].set_param("odoo_sales_followup.digest_batch_size", batch)
            env["crm.followup.digest"]._cron_send("daily")

        seconds, queries = measure(registry, digests)
        rows.append(
            (
                f"(b) daily digest of {len(digest_user_ids)} users, batches of {batch}",
                f"{seconds:.2f} s",
                f"{queries} queries ({queries / len(digest_user_ids):.1f} per user)",
            )
        )
    width = max(len(row[0]) for row in rows)
    for label, value, extra in rows:
        print(f"{label:<{width}}  {value:>10}  {extra}")


if __name__ == "__main__":
    main()
