"""Print the settings of an installed Odoo as shell assignments.

Run with the Python that runs Odoo: ``python odoo_config.py ODOO_BIN [ODOO_RC]``.
It reads the configuration exactly as Odoo does (defaults, then the config
file), so the scripts see the same addons path and database as ``odoo`` would.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import os
import shlex
import sys


def main():
    odoo_bin, rc = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    source_root = os.path.dirname(os.path.realpath(odoo_bin))
    if os.path.isfile(os.path.join(source_root, "odoo", "__init__.py")):
        sys.path.insert(0, source_root)
    import odoo
    from odoo.tools import config

    config.parse_config(["-c", rc] if rc else [])
    values = {
        "ODOO_VERSION": odoo.release.serie,
        "ODOO_SOURCE_ROOT": os.path.dirname(os.path.dirname(odoo.__file__)),
        "ODOO_ADDONS_PATH": config["addons_path"],
        "ODOO_DB_HOST": config["db_host"] or "",
        "ODOO_DB_PORT": config["db_port"] or "",
        "ODOO_DB_USER": config["db_user"] or "",
        "ODOO_DB_PASSWORD": config["db_password"] or "",
    }
    for key, value in values.items():
        print(f"{key}={shlex.quote(str(value))}")


if __name__ == "__main__":
    main()
