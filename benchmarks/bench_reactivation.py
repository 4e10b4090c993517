"""Measure the reactivation scan on a generated database (see README.md).

    python3 benchmarks/bench_reactivation.py [odoo options] --addon-db A [--leads N] [--repeat N]

A has odoo_sales_followup installed and the customers and orders of generate.py.
Speeds are ratios against a baseline measured in the same run and the same
database, each time the median of --repeat runs, each run in a transaction of
its own, rolled back. Prints a table at the end.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import os
import statistics
import sys
import time

import psycopg2
from bench_levels import build_at_install, in_transaction, peak_memory, print_table, row

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL, split_every

CONTEXT = {"lang": "en_US"}
#: Members of the reactivation team who take the calls.
MEMBERS = 10
#: The addon's batch size during the measures (its default).
BATCH = 1000

#: The same customers as the scan finds, from the orders alone: the median gap
#: between purchase days (a window function), the company's interval until three
#: purchase days, past the interval times the tolerance.
SQL_CANDIDATES = """
    WITH purchase_day AS (
        SELECT partner.commercial_partner_id AS partner_id, so.date_order::date AS day
          FROM sale_order so
          JOIN res_partner partner ON partner.id = so.partner_id
         WHERE so.state = 'sale'
         GROUP BY 1, 2
    ), gap AS (
        SELECT partner_id, day, day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
          FROM purchase_day
    ), facts AS (
        SELECT partner_id, MAX(day) AS last_day, COUNT(*) AS days,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
          FROM gap
         GROUP BY partner_id
    )
    SELECT partner_id
      FROM facts
     WHERE CURRENT_DATE - last_day
           > (CASE WHEN days >= 3 THEN GREATEST(1, round(median_gap)) ELSE %(interval)s END) * %(tolerance)s
"""


def say(message):
    print(message, file=sys.stderr, flush=True)


def vacuum(registry):
    """Clear the dead rows a rolled-back run leaves, as autovacuum does between real scans:
    otherwise every run probes the previous runs' leads and activities."""
    conn = psycopg2.connect(**odoo.sql_db.connection_info_for(registry.db_name)[1])
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("VACUUM ANALYZE crm_lead, mail_activity, mail_followers, res_partner")
    finally:
        conn.close()


def timed(registry, run, prepare=None):
    def measure(env):
        if prepare:
            prepare(env)
            env.cr.flush()
        start = time.perf_counter()
        result = run(env)
        env.cr.flush()
        return time.perf_counter() - start, result

    return in_transaction(registry, measure)


def team_of(env):
    return env.ref("odoo_sales_followup.crm_team_reactivation")


def set_up(registry):
    """Levels computed as at install, MEMBERS callers in the reactivation team, one
    purchase is enough (as in the plain query)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        build_at_install(env)
        users = env["res.users"].create(
            [
                {
                    "name": f"Caller {n}",
                    "login": f"bench_caller_{n}",
                    "groups_id": [Command.link(env.ref("sales_team.group_sale_salesman").id)],
                }
                for n in range(MEMBERS)
            ]
        )
        team_of(env).crm_team_member_ids = [Command.create({"user_id": user.id}) for user in users]
        env.company.write({"reactivation_min_purchases": 1, "reactivation_weekly_capacity": 0})
        env["ir.config_parameter"].set_param("odoo_sales_followup.reactivation_batch_size", BATCH)


def plain_candidates(env):
    return env.execute_query(
        SQL(
            SQL_CANDIDATES,
            interval=env.company.level_purchase_interval_days,
            tolerance=env.company.level_dormant_tolerance,
        )
    )


def scan_candidates(env):
    return team_of(env)._reactivation_candidates()


def capacity_for(leads):
    def prepare(env):
        env.company.reactivation_weekly_capacity = -(-leads // MEMBERS)

    return prepare


def scan(env):
    return team_of(env)._action_reactivation_scan()["created"]


def plain_create(leads):
    """The same leads and first calls with a plain batched ORM create, tracking and
    notifications off: the floor of what creating them costs."""

    def run(env):
        team = team_of(env)
        rows = team._reactivation_candidates(limit=leads)
        users = team._reactivation_members().ids
        stage = team._reactivation_first_stage()
        call = env.ref("odoo_sales_followup.mail_activity_type_reactivation_call")
        model_id = env["ir.model"]._get_id("crm.lead")
        Lead = env["crm.lead"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True, mail_auto_subscribe_no_notify=True
        )
        Activity = env["mail.activity"].with_context(mail_activity_quick_update=True)
        for index, batch in enumerate(split_every(BATCH, rows, list)):
            created = Lead.create(
                [
                    {
                        "name": f"Reactivation: {row['id']}",
                        "type": "opportunity",
                        "partner_id": row["id"],
                        "team_id": team.id,
                        "user_id": users[(index * BATCH + n) % len(users)],
                        "stage_id": stage.id,
                        "description": call.default_note,
                    }
                    for n, row in enumerate(batch)
                ]
            )
            Activity.create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": lead.id,
                        "activity_type_id": call.id,
                        "note": call.default_note,
                        "user_id": lead.user_id.id,
                    }
                    for lead in created
                ]
            )
            env.flush_all()
            env.invalidate_all()
        return len(rows)

    return run


def measure_selection(addon, repeat):
    say("(a) candidate selection, against the plain SQL over the orders")
    plain = [timed(addon, plain_candidates) for _ in range(repeat)]
    ours = [timed(addon, scan_candidates) for _ in range(repeat)]
    plain_ids = {r[0] for r in plain[0][1]}
    our_ids = {r["id"] for r in ours[0][1]}
    say(f"    plain SQL: {len(plain_ids):,} customers; scan: {len(our_ids):,}; same: {plain_ids == our_ids}")
    plain_s, our_s = (statistics.median(t for t, _r in runs) for runs in (plain, ours))
    return [
        row(
            f"(a) select {len(our_ids):,} candidates (same as SQL: {plain_ids == our_ids})",
            our_s,
            plain_s,
            "s",
            "<= 2x",
            2,
        )
    ]


def measure_creation(addon, leads, repeat):
    say(f"(b) creating {leads:,} reactivation opportunities with their first call")
    ours, plain = [], []
    for turn in range(repeat):
        runs = [(ours, scan, capacity_for(leads)), (plain, plain_create(leads), None)]
        for times, run, prepare in runs if turn % 2 == 0 else reversed(runs):
            vacuum(addon)
            elapsed, created = timed(addon, run, prepare)
            times.append(elapsed)
            say(f"    {created:,} in {elapsed:.2f} s")
    our_s, plain_s = statistics.median(ours), statistics.median(plain)
    return [
        row(f"(b) scan creating {leads:,} with first calls", our_s, plain_s, "s", "<= 2x", 2),
        (f"    per opportunity: {1000 * our_s / leads:.2f} ms (plain create {1000 * plain_s / leads:.2f} ms)",)
        + ("",) * 5,
    ]


def measure_memory(addon, leads):
    say("(c) peak memory of the scan, against the same scan stopped after two batches")
    vacuum(addon)
    full = peak_memory(addon, scan, capacity_for(leads)) / 2**20
    vacuum(addon)
    two = peak_memory(addon, scan, capacity_for(2 * BATCH)) / 2**20
    say(f"    {full:.1f} MiB for {leads:,}, {two:.1f} MiB for two batches of {BATCH}")
    return [row(f"(c) peak memory, {leads:,} vs 2 batches of {BATCH}", full, two, "MiB", "<= 1.25x", 1.25)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--addon-db", required=True)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    addon = Registry(args.addon_db)
    say(f"set-up: levels as at install, {MEMBERS} callers in the reactivation team")
    set_up(addon)
    with addon.cursor() as cr:
        available = len(scan_candidates(api.Environment(cr, SUPERUSER_ID, CONTEXT)))
    leads = min(args.leads, available)
    rows = [
        *measure_selection(addon, args.repeat),
        *measure_creation(addon, leads, args.repeat),
        *measure_memory(addon, leads),
    ]
    with addon.cursor() as cr:
        cr.execute(
            """SELECT (SELECT COUNT(*) FROM res_partner WHERE customer_rank > 0),
                      (SELECT COUNT(*) FROM sale_order WHERE state = 'sale')"""
        )
        customers, orders = cr.fetchone()
    print(
        f"{customers:,} customers, {orders:,} confirmed orders, {available:,} dormant; "
        f"times are medians of {args.repeat} runs; {os.cpu_count()} CPUs"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
