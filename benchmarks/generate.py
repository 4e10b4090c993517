"""Fill an Odoo 18 database with customers and their confirmed sales orders, fast.

Set-based SQL, not the ORM. Every customer is a company with its own rhythm:
it buys every 7 to 365 days (plus up to half of that), as many times as its
share of the orders gives it, its last purchase anywhere in the last five
years. Orders have no lines: the relationship levels only read their partner,
state and date. Seeded, so two databases generated alike hold the same history.

    python3 benchmarks/generate.py [odoo options] -d DB [--customers N] [--orders N]

Run it with the Python that runs Odoo, with Odoo's source on PYTHONPATH.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import time

import psycopg2

import odoo

FIVE_YEARS = 5 * 365

CUSTOMERS = """
    CREATE TEMP TABLE bench_customer AS
    WITH rhythm AS (
        SELECT n, 7 + floor(random() * 359)::int AS interval_days, random() AS place
          FROM generate_series(1, %(customers)s) n
    ), share AS (
        -- Cumulative shares of the orders, in proportion to the buying frequency.
        SELECT *, SUM(1.0 / interval_days) OVER (ORDER BY n) / SUM(1.0 / interval_days) OVER () AS upto
          FROM rhythm
    )
    SELECT n, nextval('res_partner_id_seq') AS partner_id, interval_days, place,
           (floor(upto * %(orders)s) - floor(COALESCE(LAG(upto) OVER (ORDER BY n), 0) * %(orders)s))::int AS orders
      FROM share
"""

PARTNERS = """
    INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, commercial_company_name,
                             is_company, type, active, lang, partner_share, customer_rank, supplier_rank,
                             color, message_bounce, autopost_bills, invoice_warn, sale_warn,
                             create_uid, write_uid, create_date, write_date {extra_columns})
    SELECT partner_id, partner_id, name, name, name,
           TRUE, 'contact', TRUE, 'en_US', TRUE, 1, 0,
           0, 0, 'ask', 'no-message', 'no-message',
           %(uid)s, %(uid)s, now() - make_interval(days => %(days)s), now() - make_interval(days => %(days)s)
           {extra_values}
      FROM (SELECT partner_id, 'Customer ' || lpad(n::text, 6, '0') AS name FROM bench_customer) c
"""

ORDERS = """
    INSERT INTO sale_order (name, state, date_order, partner_id, partner_invoice_id, partner_shipping_id,
                            company_id, currency_id, currency_rate, user_id, team_id, invoice_status,
                            amount_untaxed, amount_tax, amount_total, locked, require_signature,
                            require_payment, prepayment_percent, create_uid, write_uid, create_date, write_date)
    SELECT 'G' || lpad((row_number() OVER (ORDER BY date_order))::text, 7, '0'), 'sale', date_order,
           partner_id, partner_id, partner_id, %(company)s, %(currency)s, 1, %(uid)s, %(team)s, 'no',
           0, 0, 0, FALSE, TRUE, FALSE, 1, %(uid)s, %(uid)s, date_order, date_order
      FROM (
        SELECT c.partner_id,
               CURRENT_DATE + interval '8 hours' + random() * interval '10 hours'
               - (floor(c.place * GREATEST(1, %(days)s - c.orders * c.interval_days))
                  + k * c.interval_days + floor(random() * c.interval_days / 2)) * interval '1 day' AS date_order
          FROM bench_customer c, generate_series(0, c.orders - 1) k
      ) purchase
     ORDER BY date_order
"""


def generate(conn, customers, orders, seed=0.42):
    """Add the customers and their orders; return (customers, orders) added."""
    with conn, conn.cursor() as cr:
        cr.execute(
            """SELECT company.id, company.currency_id, users.id, team.res_id
                 FROM res_company company, res_users users, ir_model_data team
                WHERE users.login = 'admin'
                  AND team.module = 'sales_team' AND team.name = 'team_sales_department'
                ORDER BY company.id LIMIT 1"""
        )
        company, currency, uid, team = cr.fetchone()
        cr.execute("SELECT setseed(%s)", [seed])
        cr.execute(CUSTOMERS, {"customers": customers, "orders": orders})
        # The addon's levels start as Odoo's default would set them.
        cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'res_partner' AND column_name = 'relationship_level'"
        )
        with_addon = bool(cr.rowcount)
        cr.execute(
            PARTNERS.format(
                extra_columns=", relationship_level, purchase_count" if with_addon else "",
                extra_values=", 'potential', 0" if with_addon else "",
            ),
            {"uid": uid, "days": FIVE_YEARS},
        )
        added_customers = cr.rowcount
        cr.execute(ORDERS, {"company": company, "currency": currency, "uid": uid, "team": team, "days": FIVE_YEARS})
        added_orders = cr.rowcount
    # Fresh statistics and visibility map, so that no autovacuum runs in the middle of a measure.
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("VACUUM ANALYZE res_partner, sale_order")
    return added_customers, added_orders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    started = time.perf_counter()
    conn = psycopg2.connect(**odoo.sql_db.connection_info_for(dbname)[1])
    try:
        customers, orders = generate(conn, args.customers, args.orders)
    finally:
        conn.close()
    print(f"{dbname}: {customers:,} customers, {orders:,} confirmed orders in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
