"""Run by ``scripts/test --upgrade-from REV`` in ``odoo shell``, on a database just installed
from the previous release, before the update to this checkout.

It gives the database what a real one of the previous release holds: the shipped records
as databases installed before the last fixes of that release keep them (their data files
are ``noupdate``, so the fixes never reached them), and a customer's own changes. The
changes are recorded in the system parameter ``UPGRADE_EDITS`` so that the upgrade tests
(``tests/test_upgrade.py``, tag ``sales_followup_upgrade``) check that the update kept them.
Only fields that the previous release has are used here.
"""

# A script of `odoo shell`: what it prints is its output, and it commits its own transaction.
# pylint: disable=print-used,invalid-commit
import json

from odoo.tools import SQL

UPGRADE_EDITS = "odoo_sales_followup.upgrade_check_edits"
MODULE = "odoo_sales_followup"

EARLIER_STATE = {
    "stage_payment_receipt": {"fold": False},
    "stage_in_work": {"fold": False},
    "chain_long_negotiation": {"active": False},
    "crm_stage_reactivation_to_call": {"sequence": 1},
    "crm_stage_reactivation_in_conversation": {"sequence": 2},
    "crm_stage_reactivation_offer_made": {"sequence": 3},
    "crm_stage_reactivation_won": {"sequence": 60},
}
CUSTOMER_EDITS = {
    "mail_template_contract_invoice": {"subject": "Your contract {{ object.contract_id.name or '' }} from us"},
    "crm_stage_reactivation_lost": {"sequence": 90},
}


def prepare(env):
    # In SQL: the previous release no longer lets an outcome mark deals lost without a reason,
    # as the databases installed before it have it.
    outcome = env.ref(f"{MODULE}.chain_proposal_followup_outcome_not_interested")
    env.cr.execute(SQL("UPDATE followup_chain_outcome SET lost_reason_id = NULL WHERE id = %s", outcome.id))
    outcome.invalidate_recordset(["lost_reason_id"])
    # A loss emptied the closing date of the reactivation deals closed before this release.
    env.cr.execute("UPDATE crm_lead SET date_closed = NULL WHERE is_reactivation AND NOT active")
    env["crm.lead"].invalidate_model(["date_closed"])
    for name, values in {**EARLIER_STATE, **CUSTOMER_EDITS}.items():
        env.ref(f"{MODULE}.{name}").with_context(active_test=False).write(values)
    env["ir.config_parameter"].set_param(UPGRADE_EDITS, json.dumps(CUSTOMER_EDITS))
    env.cr.commit()
    print(f"prepared the database for the update: {len(EARLIER_STATE) + 1} earlier states, {len(CUSTOMER_EDITS)} edits")


prepare(globals()["env"])  # given by `odoo shell`
