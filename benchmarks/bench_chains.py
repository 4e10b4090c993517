"""Measure activity chains on a database with the addon (see README.md).

    python3 benchmarks/bench_chains.py [odoo options] -d DB [--activities N] [--invoices N] [--repeat N]

(a) Marking N chain activities done one by one, each as in a request of its own,
    against marking N plain activities done with Odoo's own ``action_feedback``, in
    turn, in the same run: goal under 1.5x. Also against activities whose type
    triggers a next activity (Odoo's own chaining), which create a next activity too.
(b) Starting the "push to payment" chain on N posted invoices in one batch, and on
    a tenth of them: queries and seconds, which should grow linearly with the size
    (goal: a few queries per batch, not per invoice).
Every measure runs in a transaction of its own, rolled back. Prints a table.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import os
import statistics
import sys
import time

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

CONTEXT = {"lang": "en_US", "tracking_disable": True}


def say(message):
    print(message, file=sys.stderr, flush=True)


def set_up(registry, activities, invoices):
    """Committed once: a customer, a salesperson's opportunities, draft invoices marked posted."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
        company = env.company
        today = fields.Date.context_today(env["res.partner"])
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        env["followup.chain"].with_context(active_test=False).search([]).action_archive()
        partner = env["res.partner"].create({"name": "Bench Customer", "is_company": True})
        call = env.ref("mail.mail_activity_data_call")
        env["followup.chain"].create(
            {
                "name": "Bench chain",
                "trigger": "manual",
                "step_ids": [
                    Command.create(
                        {
                            "name": "Call",
                            "activity_type_id": call.id,
                            "delay": 2,
                            "delay_unit": "business_days",
                            "outcome_ids": [Command.create({"name": "Reached", "action": "next"})],
                        }
                    ),
                    Command.create({"name": "Meeting", "activity_type_id": call.id, "delay": 7}),
                ],
            }
        )
        env["crm.lead"].create(
            [
                {"name": f"Bench {kind} {index}", "type": "opportunity", "partner_id": partner.id}
                for kind in ("chain", "plain", "next")
                for index in range(activities)
            ]
        )
        moves = env["account.move"].create(
            [
                {"move_type": "out_invoice", "partner_id": partner.id, "ref": "bench", "invoice_date": today}
                for _index in range(invoices)
            ]
        )
        env.flush_all()
        # Posting needs lines and numbers; the chains only read the state of the invoice.
        cr.execute(SQL("UPDATE account_move SET state = 'posted' WHERE id IN %s", tuple(moves.ids)))
        env["mail.activity.type"].create(
            {
                "name": "Bench call with a next activity",
                "res_model": "crm.lead",
                "chaining_type": "trigger",
                "triggered_next_type_id": call.id,
            }
        )
        say(f"set-up: {3 * activities:,} opportunities, {invoices:,} invoices")


def prepare_activities(env, activities):
    """Start the chain on the chain opportunities; plan a plain call on the "plain" ones,
    a call whose type triggers a next activity on the "next" ones."""
    chain = env["followup.chain"].search([("name", "=", "Bench chain")])
    leads = env["crm.lead"].search([("name", "like", "Bench chain ")], order="id", limit=activities)
    runs = chain._start(leads)
    model_id = env["ir.model"]._get_id("crm.lead")
    ids = [runs.activity_id.ids]
    for kind, activity_type in (
        ("plain", env.ref("mail.mail_activity_data_call")),
        ("next", env["mail.activity.type"].search([("name", "=", "Bench call with a next activity")])),
    ):
        others = env["crm.lead"].search([("name", "like", f"Bench {kind} ")], order="id", limit=activities)
        created = (
            env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [{"res_model_id": model_id, "res_id": lead.id, "activity_type_id": activity_type.id} for lead in others]
            )
        )
        ids.append(created.ids)
    env.flush_all()
    return ids


def measure_done(registry, activities, repeat):
    """Seconds to mark the chain activities, the plain ones and the ones with a next
    activity done, one by one, in turn (each kind in turn goes first)."""
    results = []
    for _turn in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            try:
                kinds = prepare_activities(env, activities)
                times = [0.0, 0.0, 0.0]
                for index, ids in enumerate(zip(*kinds, strict=True)):
                    for side in [(index + offset) % 3 for offset in range(3)]:
                        env.invalidate_all()
                        start = time.perf_counter()
                        env["mail.activity"].browse(ids[side]).action_feedback(feedback="Done")
                        env.cr.flush()
                        times[side] += time.perf_counter() - start
                results.append(times)
            finally:
                cr.rollback()
    chain_time, plain_time, next_time = (statistics.median(times) for times in zip(*results, strict=True))
    say(f"(a) {activities:,} done: chain {chain_time:.2f} s, plain {plain_time:.2f} s, next {next_time:.2f} s")
    return chain_time, plain_time, next_time


def measure_start(registry, size, repeat):
    """(seconds, queries) to start the push to payment on ``size`` posted invoices at once."""
    results = []
    for _turn in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, CONTEXT)
            try:
                chain = env["followup.chain"].search([("name", "=", "Bench chain")])
                chain.write({"trigger": "invoice_posted"})
                invoices = env["account.move"].search([("ref", "=", "bench")], order="id", limit=size)
                env.flush_all()
                env.invalidate_all()
                queries = cr.sql_log_count
                start = time.perf_counter()
                runs = env["followup.chain"]._start_chains("invoice_posted", invoices)
                env.cr.flush()
                elapsed = time.perf_counter() - start
                results.append((elapsed, cr.sql_log_count - queries))
                assert len(runs) == size, f"{len(runs)} chains started on {size} invoices"
            finally:
                cr.rollback()
    elapsed = statistics.median(result[0] for result in results)
    queries = statistics.median(result[1] for result in results)
    say(f"(b) start on {size:,} invoices: {elapsed:.2f} s, {queries:.0f} queries")
    return elapsed, queries


def print_table(rows):
    header = ("measure", "chains", "baseline", "ratio", "goal", "")
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]
    for line in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    registry = Registry(odoo.tools.config["db_name"].split(",")[0])
    set_up(registry, args.activities, args.invoices)
    rows = []
    chain_time, plain_time, next_time = measure_done(registry, args.activities, args.repeat)
    for label, baseline in (("plain", plain_time), ("with Odoo's next activity", next_time)):
        ratio = chain_time / baseline
        rows.append(
            (
                f"(a) mark {args.activities:,} activities done one by one, vs {label}",
                f"{chain_time:.2f} s ({1000 * chain_time / args.activities:.1f} ms each)",
                f"{baseline:.2f} s ({1000 * baseline / args.activities:.1f} ms each)",
                f"{ratio:.2f}x",
                "< 1.5x",
                "ok" if ratio < 1.5 else "NOT OK",
            )
        )
    small = max(1, args.invoices // 10)
    big_time, big_queries = measure_start(registry, args.invoices, args.repeat)
    small_time, small_queries = measure_start(registry, small, args.repeat)
    time_ratio = (big_time / args.invoices) / (small_time / small)
    rows.append(
        (
            f"(b) start on {args.invoices:,} invoices vs {small:,}, time per invoice",
            f"{1000 * big_time / args.invoices:.2f} ms ({big_time:.2f} s)",
            f"{1000 * small_time / small:.2f} ms ({small_time:.2f} s)",
            f"{time_ratio:.2f}x",
            "linear (~1x)",
            "ok" if time_ratio < 1.5 else "NOT OK",
        )
    )
    rows.append(
        (
            f"(b) start on {args.invoices:,} invoices vs {small:,}, queries",
            f"{big_queries:.0f} ({big_queries / args.invoices:.3f} per invoice)",
            f"{small_queries:.0f} ({small_queries / small:.3f} per invoice)",
            f"{big_queries / small_queries:.2f}x",
            "per batch, not per invoice",
            "ok" if big_queries / args.invoices < 0.1 else "NOT OK",
        )
    )
    print(f"times are medians of {args.repeat} runs; {os.cpu_count()} CPUs")
    print_table(rows)


if __name__ == "__main__":
    main()
