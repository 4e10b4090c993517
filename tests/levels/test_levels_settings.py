from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..common import RelationshipLevelCommon


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelSettings(RelationshipLevelCommon):
    def _settings(self, **values):
        return self.env["res.config.settings"].with_user(self.admin).create(values)

    def test_invalid_settings_are_refused_with_the_reason(self):
        for values, message in (
            ({"level_purchase_threshold": 0}, "“Regular purchase threshold” of"),
            ({"level_purchase_interval_days": 0}, "“Default purchase interval (days)” of"),
            ({"level_purchase_interval_days": -5}, "“Default purchase interval (days)” of"),
            ({"level_dormant_tolerance": 0.9}, "“Dormancy tolerance” of"),
        ):
            with self.subTest(values=values):
                with self.assertRaises(ValidationError) as error:
                    self._settings(**values).execute()
                self.assertIn(message, str(error.exception))
        self.assertRecordValues(
            self.company,
            [{"level_purchase_threshold": 2, "level_purchase_interval_days": 30, "level_dormant_tolerance": 1.5}],
        )

    def test_salesman_cannot_change_the_rules(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).level_purchase_threshold = 5

    def test_negative_tag_interval_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Wholesale"):
            self.env["res.partner.category"].create({"name": "Wholesale", "purchase_interval_days": -1})

    def test_new_rules_apply_after_recompute(self):
        self._order(self.acme, self._days_ago(50))
        self._order(self.acme, self._days_ago(40))
        self.assertEqual(self.acme.relationship_level, "active")
        settings = self._settings(level_purchase_threshold=3, level_purchase_interval_days=20)
        settings.execute()
        self.assertEqual(self.company.level_purchase_threshold, 3)
        action = settings.action_recompute_relationship_levels()
        self.assertEqual(action["params"]["type"], "success")
        self.assertRegex(action["params"]["message"], r"^Relationship levels recomputed\. Partners: \d+\.$")
        self.assertEqual(self.acme.relationship_level, "dormant", "40 days is past 20 x 1.5")
        self.assertEqual(self._changes(self.acme)[-1].event, "recompute")
        self._order(self.acme, self._days_ago(1))
        self.assertEqual(self.acme.relationship_level, "active", "third purchase reaches the new threshold")

    def test_shared_customer_follows_the_current_company_rules(self):
        wholesale = self.env["res.company"].create({"name": "Wholesale Co", "level_purchase_threshold": 1})
        self._invoice(self.acme, self._days_ago(3))
        self.assertEqual(self.acme.relationship_level, "new", "main company: two purchases make an active customer")
        self.acme.with_company(wholesale).action_recompute_relationship_levels()
        self.assertEqual(self.acme.relationship_level, "active", "Wholesale Co counts one purchase as regular")
