from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ...odoo_sales_followup.models.levels.res_partner import ResPartner
from ..common import RelationshipLevelCommon
from ..common_chains import ChainCommon
from ..common_plans import SalesPlanCommon
from ..common_reactivation import ReactivationCommon

#: The test rule's quarter: a customer is active while its last purchase is this recent.
QUARTER_DAYS = 91


def quarterly_rule(self, facts):
    """A company's own rule, for the tests only: a customer is active from its first
    purchase while it bought within a quarter, and dormant after that, whatever its
    purchase interval; before a purchase, the addon's own rule."""
    if not facts["purchase_count"]:
        return "prospect" if facts["in_contact"] else "potential"
    return "active" if facts["days_since_last"] <= QUARTER_DAYS else "dormant"


class QuarterlyRuleCase:
    """A test class whose company changed the level rule (``quarterly_rule``), from its
    world's creation on: the documented method is replaced for the whole class."""

    @classmethod
    def setUpClass(cls):
        patcher = patch.object(ResPartner, "_get_relationship_level", quarterly_rule)
        patcher.start()  # before the world is built: its levels follow the rule
        try:
            super().setUpClass()
        except Exception:
            patcher.stop()
            raise
        # Registered after Odoo's own check of the patchers left active: stopped before it.
        cls.addClassCleanup(patcher.stop)


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelRuleOverride(QuarterlyRuleCase, RelationshipLevelCommon):
    def test_events_and_rebuild_follow_the_rule(self):
        self._order(self.acme, self._days_ago(10))
        self._order(self.globex, self._days_ago(60))
        self.assertEqual(
            (self.acme | self.globex).mapped("relationship_level"),
            ["active", "active"],
            "one purchase within a quarter is active (the addon's rule: new, and dormant after 45 days)",
        )
        self.assertEqual(self.anna.relationship_level, "active", "contacts show their company's level")
        self._store(self.acme | self.globex, relationship_level="potential")
        self.env["res.partner"].with_user(self.manager).action_recompute_relationship_levels()
        self.assertEqual((self.acme | self.globex).mapped("relationship_level"), ["active", "active"])
        self.assertEqual(self._changes(self.globex)[-1].level_to, "active")

    def test_daily_job_follows_the_rule(self):
        self._order(self.acme, self._days_ago(10))
        self._order(self.globex, self._days_ago(60))
        with freeze_time(self._days_ago(-40)):
            self.env["res.partner"]._cron_update_relationship_levels()
            self.assertEqual(self.acme.relationship_level, "active", "50 days: within the quarter")
            self.assertEqual(self.globex.relationship_level, "dormant", "100 days: past the quarter")
            self.assertEqual(self._changes(self.globex)[-1].event, "scheduled")


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestLevelRuleReactivation(QuarterlyRuleCase, ReactivationCommon):
    def test_scan_follows_the_rule(self):
        self.assertEqual(self.dairy.relationship_level, "active", "70 days since its last purchase: within a quarter")
        self.assertEqual(self.big.relationship_level, "dormant")
        self.assertEqual(self.team._reactivation_preview()["count"], 1)
        self._scan()
        self.assertEqual(self._reactivation_leads().partner_id, self.big, "Dormant Dairy is active for this company")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestLevelRulePlans(QuarterlyRuleCase, SalesPlanCommon):
    def test_plan_figures_follow_the_rule(self):
        plan = self._plan(target_active_customers=2, target_new_customers=2)
        self._order(self.acme, self.today)
        plan._refresh_actuals()
        self.assertEqual(
            (plan.actual_active_customers, plan.actual_new_customers),
            (1, 1),
            "a first purchase makes an active customer, and a new one for the plan",
        )
        self.assertIn(self.acme.id, self.env["res.partner"]._get_no_next_step_ids(self.acme.ids))


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelEvents(ChainCommon):
    def test_a_move_is_an_event_with_the_old_level(self):
        moves = []
        original = ResPartner._on_relationship_levels_changed

        def spy(partners, old_levels, causes):
            moves.extend(
                (partner, old_levels[partner.id], partner.relationship_level, causes[partner.id][0])
                for partner in partners & (self.acme | self.anna | self.boris)  # not the demo customers
            )
            return original(partners, old_levels, causes)

        with patch.object(ResPartner, "_on_relationship_levels_changed", spy):
            self._order(self.acme, self._days_ago(20))
            with freeze_time(self._days_ago(-30)):
                self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(
            moves,
            [(self.acme, "potential", "new", "order_confirmed"), (self.acme, "new", "dormant", "scheduled")],
            "once per move of the customer (not of its contacts), with the level before",
        )

    def test_chain_starts_when_a_customer_becomes_dormant(self):
        dormant_chain = self._chain("level", partner_level="dormant", name="Win back")
        active_chain = self._chain("level", partner_level="active", name="Welcome a regular")
        self._opportunity(name="Acme: first deal")
        latest = self._opportunity(name="Acme: second deal")
        self._order(self.acme, self._days_ago(20))
        self._order(self.globex, self._days_ago(20))  # dormant too, without an open opportunity
        chains = dormant_chain | active_chain
        self.assertFalse(self.Run.search([("chain_id", "in", chains.ids)]), "a new customer starts neither")
        with freeze_time(self._days_ago(-30)):
            self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual((self.acme | self.globex).mapped("relationship_level"), ["dormant", "dormant"])
        customer_leads = self.env["crm.lead"].search([("partner_id", "in", (self.acme | self.globex).ids)])
        runs = self.Run.search([("chain_id", "in", chains.ids), ("res_id", "in", customer_leads.ids)])
        self.assertEqual(
            [(run.chain_id, run.res_model, run.res_id) for run in runs],
            [(dormant_chain, "crm.lead", latest.id)],
            "on the customer's latest open opportunity",
        )
        self.assertEqual(latest.activity_ids.activity_type_id, self.call, "its first step is planned")

    def test_automation_rule_sees_the_move(self):
        """Odoo's automation rule "on update of Relationship level" fires on a move, with
        the value before the move in ``old_values``, as on an ORM write. The addon does
        not depend on base_automation: where it is not installed, the engine looks for no
        rule (the addon's own event is tested above); run the tests with it installed
        (``scripts/test --installed /base_automation:TestNone,/odoo_sales_followup:TestLevelEvents``)."""
        if "base.automation" not in self.env:
            self.assertEqual(self.acme._prepare_level_automations(), {})
            return
        partner_model = self.env["ir.model"]._get("res.partner")
        self.env["base.automation"].create(
            {
                "name": "Customer gone dormant",
                "model_id": partner_model.id,
                "trigger": "on_create_or_write",
                "trigger_field_ids": [
                    Command.set(self.env["ir.model.fields"]._get("res.partner", "relationship_level").ids)
                ],
                "filter_domain": "[('relationship_level', '=', 'dormant')]",
                "action_server_ids": [
                    Command.create(
                        {
                            "name": "Note the move",
                            "model_id": partner_model.id,
                            "state": "code",
                            "code": "for rec in records:\n"
                            "    old = env.context['old_values'][rec.id]['relationship_level']\n"
                            "    rec.write({'ref': old + '>' + rec.relationship_level})",
                        }
                    )
                ],
            }
        )
        self._order(self.acme, self._days_ago(20))
        self.assertFalse(self.acme.ref, "a move to new customer is not the rule's")
        with freeze_time(self._days_ago(-30)):
            self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(self.acme.ref, "new>dormant")
        self.assertFalse(self.anna.ref, "once per customer, not per contact")
