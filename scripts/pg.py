"""Small PostgreSQL chores for the scripts, with Odoo's own psycopg2.

``python pg.py reachable|exists DB|drop DB HOST PORT USER PASSWORD``: empty
connection values mean libpq's defaults, as for Odoo itself. Exit 0 means yes
(reachable, exists) or done (drop).
"""

import sys

import psycopg2
from psycopg2 import sql


def connect(host, port, user, password):
    params = {"dbname": "postgres", "connect_timeout": 3}
    for key, value in (("host", host), ("port", port), ("user", user), ("password", password)):
        if value:
            params[key] = value
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


def main():
    command, args = sys.argv[1], sys.argv[2:]
    dbname = args.pop(0) if command in ("exists", "drop") else None
    try:
        conn = connect(*(args + [""] * 4)[:4])
    except psycopg2.Error:
        sys.exit(1)
    # No "with conn": it would open a transaction, and DROP DATABASE runs outside one.
    try:
        with conn.cursor() as cr:
            if command == "exists":
                cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
                sys.exit(0 if cr.fetchone() else 1)
            if command == "drop":
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    finally:
        conn.close()


if __name__ == "__main__":
    main()
