"""18.0.1.1.0, after the data files load: the shipped records of an existing database take
the values that later commits of 18.0.1.0.0 gave them in its ``noupdate`` data files, which
an update does not apply to records that already exist.

Only a record that still holds the value shipped before is changed: what a customer set on
purpose stays. Where the earlier value cannot be told from a customer's choice (a stage
unfolded, a chain archived), the shipped earlier value decides, as noted below.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

MODULE = "odoo_sales_followup"

#: The shared payment and work stages, folded since 3a7942a (earlier: unfolded).
FOLDED_STAGES = ("stage_payment_receipt", "stage_in_work")

#: The shipped *Proposal follow-up* before this release, and the *Quotation follow-up* it becomes.
PROPOSAL_NAME = "Proposal follow-up"
QUOTATION_NAME = "Quotation follow-up"
QUOTATION_DESCRIPTION = (
    "Quotation sent: call on day 2, reminder email on day 5, last call on day 9 (business days). Runs on the "
    "quotation and stops as soon as it is confirmed, cancelled or expired."
)

#: The shipped *Recommendation* criterion before this release (met by hand), and after it.
RECOMMENDATION_DESCRIPTION_BEFORE = "The customer recommended us to another company."
RECOMMENDATION_DESCRIPTION = (
    "The customer recommended us to another company: a lead recorded as referred by this customer (New "
    "referral) meets it on their latest won deal."
)

#: The reactivation team's stages: {external id: (sequence shipped before 9c1c8de, sequence now)}.
REACTIVATION_SEQUENCES = {
    "crm_stage_reactivation_to_call": (1, 71),
    "crm_stage_reactivation_in_conversation": (2, 72),
    "crm_stage_reactivation_offer_made": (3, 73),
    "crm_stage_reactivation_won": (60, 80),
    "crm_stage_reactivation_lost": (65, 85),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False, "tracking_disable": True})
    _fold_contract_stages(env)
    _set_not_interested_reason(env)
    _activate_long_negotiation(env)
    _resequence_reactivation_stages(env)
    _date_closed_reactivations(env)
    _run_quotation_chains_on_quotations(env)
    _convert_proposal_followup(env)
    _make_recommendation_automatic(env)


def _ref(env, name):
    return env.ref(f"{MODULE}.{name}", raise_if_not_found=False)


def _fold_contract_stages(env):
    """Fold the payment and work stages still unfolded, as shipped before (a stage a customer
    unfolded after installing a release that folds them is unfolded again: the two cannot be
    told apart)."""
    stages = env["crm.stage"].union(*(_ref(env, name) or env["crm.stage"] for name in FOLDED_STAGES))
    unfolded = stages.filtered(lambda stage: not stage.fold)
    if unfolded:
        unfolded.write({"fold": True})
        _logger.info("Folded the shipped stages %s", unfolded.mapped("name"))


def _set_not_interested_reason(env):
    """Give the proposal chain's *Not interested* outcome its lost reason, where it has none
    and still marks the deal lost (added in 7793937)."""
    outcome = _ref(env, "chain_proposal_followup_outcome_not_interested")
    reason = _ref(env, "lost_reason_not_interested")
    if outcome and reason and outcome.action == "lost" and not outcome.lost_reason_id:
        outcome.lost_reason_id = reason
        _logger.info("The outcome %s marks deals lost as %s", outcome.name, reason.name)


def _activate_long_negotiation(env):
    """Activate the *Long negotiation* chain, shipped archived before 7793937, unless it ever
    ran: archived after use, it was archived on purpose."""
    chain = _ref(env, "chain_long_negotiation")
    if chain and not chain.active and not env["followup.chain.run"].search_count([("chain_id", "=", chain.id)]):
        chain.active = True
        _logger.info("Activated the shipped chain %s", chain.name)


def _resequence_reactivation_stages(env):
    """Put the reactivation team's stages after Odoo's shared ones (9c1c8de), each only when it
    still has its earlier sequence: a customer's order of the stages stays."""
    for name, (before, now) in REACTIVATION_SEQUENCES.items():
        stage = _ref(env, name)
        if stage and stage.sequence == before:
            stage.sequence = now
            _logger.info("Stage %s of the reactivation team: sequence %s", stage.name, now)


def _date_closed_reactivations(env):
    """Give the reactivation deals closed before 18.0.1.1.0 their closing date, which a loss
    emptied (the *Churn reasons analysis* groups by it): the day they last changed stage."""
    env.cr.execute(
        """UPDATE crm_lead lead
              SET date_closed = COALESCE(lead.date_last_stage_update, lead.write_date)
             FROM crm_stage stage
            WHERE stage.id = lead.stage_id
              AND lead.is_reactivation
              AND lead.date_closed IS NULL
              AND (stage.is_won OR (NOT lead.active AND COALESCE(lead.probability, 0) = 0))"""
    )
    if env.cr.rowcount:
        _logger.info("Closing date given to %s closed reactivation deals", env.cr.rowcount)


def _run_quotation_chains_on_quotations(env):
    """The chains started when a quotation is sent ran on its opportunity before this release;
    they run on the quotation itself from now on (every one of them: the trigger is the
    quotation's). Their runs already on opportunities go on there until they end."""
    chains = env["followup.chain"].search([("trigger", "=", "quotation_sent"), ("res_model", "!=", "sale.order")])
    if chains:
        chains.write({"res_model": "sale.order"})
        _logger.info("Chains started by a sent quotation now run on the quotation: %s", chains.mapped("name"))


def _convert_proposal_followup(env):
    """The shipped *Proposal follow-up* becomes the *Quotation follow-up*: this update added
    its reminder email and last call (new records of a ``noupdate`` file are created); its
    name and description change only where they are still the shipped ones."""
    chain = _ref(env, "chain_proposal_followup")
    if chain and chain.with_context(lang="en_US").name == PROPOSAL_NAME:
        chain.with_context(lang="en_US").write({"name": QUOTATION_NAME, "description": QUOTATION_DESCRIPTION})
        _logger.info("The shipped chain %s is now %s", PROPOSAL_NAME, QUOTATION_NAME)


def _make_recommendation_automatic(env):
    """The shipped *Recommendation* criterion, met by hand before this release, is met by the
    referrals' rule from now on (a lead recorded as referred by the customer), unless its
    rule or description was changed: then the customer chose it."""
    criterion = _ref(env, "criterion_recommendation")
    if (
        criterion
        and criterion.rule == "manual"
        and criterion.with_context(lang="en_US").description == RECOMMENDATION_DESCRIPTION_BEFORE
    ):
        criterion.with_context(lang="en_US").write({"rule": "referral", "description": RECOMMENDATION_DESCRIPTION})
        _logger.info("The shipped criterion %s is met by referrals", criterion.name)
