"""Measure the relationship levels on two generated databases (see README.md).

    python3 benchmarks/bench_levels.py [odoo options] --addon-db A --plain-db B [--repeat N]

A has odoo_sales_followup installed, B only sale_crm; both hold the same
customers and orders (generate.py). Speeds are ratios against a baseline
measured in the same run, each time the median of --repeat runs, each run in
a transaction of its own, rolled back. Prints a table at the end.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import os
import statistics
import sys
import time
import tracemalloc

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

QUOTATIONS = 1000
#: Quotations by what their confirmation does to the customer's level: an active
#: customer stays active, a dormant one becomes active.
GROUPS = {"level kept": "active", "level changed": "dormant"}
#: As for a user: the level changes' messages are translated.
CONTEXT = {"lang": "en_US"}

#: The level engine's facts of every customer (count, first, last, purchase days,
#: median gap) over the same orders, in one plain query.
SQL_AGGREGATE = """
    WITH purchase_day AS (
        SELECT partner.commercial_partner_id AS partner_id, so.date_order::date AS day, COUNT(*) AS purchases
          FROM sale_order so
          JOIN res_partner partner ON partner.id = so.partner_id
         WHERE so.state = 'sale'
         GROUP BY 1, 2
    ), gap AS (
        SELECT partner_id, day, purchases,
               day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
          FROM purchase_day
    )
    SELECT partner_id, SUM(purchases)::int, MIN(day), MAX(day), COUNT(*)::int,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)
      FROM gap
     GROUP BY partner_id
"""

#: Levels as before any computation, so that a rebuild writes every partner.
RESET_LEVELS = """
    UPDATE res_partner
       SET relationship_level = 'potential', purchase_count = 0, purchase_interval_days = NULL,
           first_purchase_date = NULL, last_purchase_date = NULL, next_purchase_date = NULL
"""


def say(message):
    print(message, file=sys.stderr, flush=True)


# ---- running and measuring ----


def in_transaction(registry, run):
    """run(env) in a transaction of its own, rolled back; return its result."""
    with registry.cursor() as cr:
        try:
            return run(api.Environment(cr, SUPERUSER_ID, CONTEXT))
        finally:
            cr.rollback()


def seconds(registry, run, prepare=None):
    """Wall time of run(env) after prepare(env), up to what a commit would do
    before COMMIT itself: flush, then the precommit hooks (tracking, deferred updates)."""

    def timed(env):
        if prepare:
            prepare(env)
            env.cr.flush()
        start = time.perf_counter()
        run(env)
        env.cr.flush()
        return time.perf_counter() - start

    return in_transaction(registry, timed)


def peak_memory(registry, run, prepare):
    """Peak of the Python memory that run(env) allocates, after prepare(env), in bytes."""

    def traced(env):
        prepare(env)
        env.cr.flush()
        tracemalloc.start()
        try:
            run(env)
            env.cr.flush()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    return in_transaction(registry, traced)


def median_seconds(registry, run, repeat, prepare=None):
    return statistics.median(seconds(registry, run, prepare) for _ in range(repeat))


# ---- what is measured ----


def sql_aggregate(env):
    env.cr.execute(SQL_AGGREGATE)
    env.cr.fetchall()


def reset_levels(env):
    env.cr.execute(RESET_LEVELS)


def rebuild(env):
    env["res.partner"]._rebuild_relationship_levels("recompute")


def build_at_install(env):
    env["res.partner"]._rebuild_relationship_levels("initial")


def rebuild_two_batches(env):
    """The full recompute's work on its first two batches only."""
    partners = env["res.partner"]
    rows = env.execute_query(
        SQL(
            "SELECT id FROM res_partner WHERE id = commercial_partner_id ORDER BY id LIMIT %s",
            2 * partners._get_level_batch_size(),
        )
    )
    partners._process_level_batches([row[0] for row in rows], "recompute")


def quotations(env, group):
    return env["sale.order"].search([("state", "=", "draft"), ("client_order_ref", "=", group)], order="id")


def confirm_one_by_one(addon, plain, group):
    """Seconds to confirm the quotations of group one at a time, each as in a request
    of its own, with the addon and without: each quotation in one database then in
    the other, in transactions rolled back, so that both see the same load."""
    with addon.cursor() as addon_cr, plain.cursor() as plain_cr:
        envs = [api.Environment(cr, SUPERUSER_ID, CONTEXT) for cr in (addon_cr, plain_cr)]
        try:
            times = [0.0, 0.0]
            for index, order_ids in enumerate(zip(*(quotations(env, group).ids for env in envs), strict=True)):
                for side in (0, 1) if index % 2 == 0 else (1, 0):
                    env = envs[side]
                    start = time.perf_counter()
                    env["sale.order"].browse(order_ids[side]).action_confirm()
                    env.cr.flush()
                    times[side] += time.perf_counter() - start
                    env.invalidate_all()
            return times
        finally:
            addon_cr.rollback()
            plain_cr.rollback()


def confirm_all_at_once(group):
    def confirm(env):
        quotations(env, group).action_confirm()

    return confirm


def batch_size(size):
    def prepare(env):
        env["ir.config_parameter"].set_param("odoo_sales_followup.level_batch_size", size)
        reset_levels(env)

    return prepare


# ---- set-up, committed once ----


def set_up(addon, plain):
    """The customers' levels, computed as installing the addon computes them; then in
    both databases, for each of GROUPS, a quotation of one service for QUOTATIONS
    customers of that level spread over all (found by name in the plain database)."""
    with addon.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        build_at_install(env)
        customers = {}
        for group, level in GROUPS.items():
            rows = env.execute_query(
                SQL(
                    "SELECT name FROM res_partner WHERE customer_rank > 0 AND relationship_level = %s ORDER BY id",
                    level,
                )
            )
            customers[group] = [row[0] for row in rows[:: max(1, len(rows) // QUOTATIONS)][:QUOTATIONS]]
    for registry in (addon, plain):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            product = env["product.product"].create({"name": "Consulting day", "type": "service", "list_price": 1000})
            for group, names in customers.items():
                env["sale.order"].create(
                    [
                        {
                            "partner_id": partner.id,
                            "client_order_ref": group,
                            "order_line": [Command.create({"product_id": product.id})],
                        }
                        for partner in env["res.partner"].search([("name", "in", names)])
                    ]
                )


def volume(registry):
    with registry.cursor() as cr:
        cr.execute(
            """SELECT (SELECT COUNT(*) FROM res_partner WHERE customer_rank > 0),
                      (SELECT COUNT(*) FROM sale_order WHERE state = 'sale')"""
        )
        return cr.fetchone()


# ---- the three measures ----


def measure_recompute(addon, repeat):
    say("(a) full recompute, against the plain SQL aggregate")
    aggregate = median_seconds(addon, sql_aggregate, repeat)
    say(f"    SQL aggregate {aggregate:.2f} s")
    results = []
    for label, run, prepare in (
        ("full recompute from reset levels", rebuild, reset_levels),
        ("the same as at install (no messages)", build_at_install, reset_levels),
        ("full recompute, nothing to change", rebuild, None),
    ):
        elapsed = median_seconds(addon, run, repeat, prepare)
        say(f"    {label}: {elapsed:.2f} s")
        results.append(row(f"(a) {label}", elapsed, aggregate, "s", "<= 3x", 3))
    return results


def measure_confirm(addon, plain, repeat):
    say(f"(b) confirming {QUOTATIONS:,} orders, with the addon and without")
    results = []
    for group in GROUPS:
        runs = [confirm_one_by_one(addon, plain, group) for _ in range(repeat)]
        results.append(confirm_row(f"one by one, {group}", runs))
    for group in GROUPS:
        runs = []
        for turn in range(repeat):
            # Alternate which database goes first, so that neither always gets the warmer machine.
            first, second = (addon, plain) if turn % 2 == 0 else (plain, addon)
            times = {first.db_name: seconds(first, confirm_all_at_once(group))}
            times[second.db_name] = seconds(second, confirm_all_at_once(group))
            runs.append((times[addon.db_name], times[plain.db_name]))
        results.append(confirm_row(f"all at once, {group}", runs))
    return results


def confirm_row(label, runs):
    """The table line of (seconds with the addon, seconds without) runs."""
    with_addon, without = (statistics.median(times) for times in zip(*runs, strict=True))
    say(f"    {label}: {with_addon:.2f} s with the addon, {without:.2f} s without")
    return row(f"(b) confirm {QUOTATIONS:,} orders {label}", with_addon, without, "s", "<= 1.10x", 1.1)


def measure_memory(addon):
    say("(c) peak memory of the full recompute from reset levels, against its first two batches")
    results = []
    for size in (1000, 5000):
        full = peak_memory(addon, rebuild, batch_size(size)) / 2**20
        two = peak_memory(addon, rebuild_two_batches, batch_size(size)) / 2**20
        say(f"    batch {size}: {full:.1f} MiB, {two:.1f} MiB for two batches")
        results.append(row(f"(c) peak memory, batch {size}, all vs 2 batches", full, two, "MiB", "<= 1.10x", 1.1))
    return results


# ---- report ----


def row(measure, addon, baseline, unit, goal, limit):
    ratio = addon / baseline
    ok = "ok" if ratio <= limit else "NOT OK"
    return (measure, f"{addon:.2f} {unit}", f"{baseline:.2f} {unit}", f"{ratio:.2f}x", goal, ok)


def print_table(rows):
    header = ("measure", "addon", "baseline", "ratio", "goal", "")
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    for line in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--addon-db", required=True)
    parser.add_argument("--plain-db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    addon, plain = Registry(args.addon_db), Registry(args.plain_db)

    say(f"set-up: the customers' levels, {len(GROUPS)} x {QUOTATIONS:,} quotations in each database")
    set_up(addon, plain)
    rows = [
        *measure_recompute(addon, args.repeat),
        *measure_confirm(addon, plain, args.repeat),
        *measure_memory(addon),
    ]
    customers, orders = volume(addon)
    print(
        f"{customers:,} customers, {orders:,} confirmed orders; times are medians of {args.repeat} runs; "
        f"{os.cpu_count()} CPUs"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
