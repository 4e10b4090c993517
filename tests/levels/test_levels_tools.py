from odoo.tests import BaseCase, tagged

from ...odoo_sales_followup.tools import relationship_level, typical_interval


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelRules(BaseCase):
    """The level rules alone, as the salesperson reads them."""

    def test_no_purchase(self):
        self.assertEqual(relationship_level(0, None, 30, 2, 1.5, in_contact=False), "potential")
        self.assertEqual(relationship_level(0, None, 30, 2, 1.5, in_contact=True), "prospect")

    def test_first_purchases_then_regular(self):
        self.assertEqual(relationship_level(1, 0, 30, 2, 1.5, False), "new")
        self.assertEqual(relationship_level(2, 10, 30, 2, 1.5, False), "active")
        self.assertEqual(relationship_level(5, 10, 30, 6, 1.5, True), "new", "below a threshold of 6")

    def test_dormant_only_past_interval_times_tolerance(self):
        self.assertEqual(relationship_level(3, 45, 30, 2, 1.5, False), "active", "45 days is not past 30 x 1.5")
        self.assertEqual(relationship_level(3, 46, 30, 2, 1.5, False), "dormant")
        self.assertEqual(relationship_level(1, 46, 30, 2, 1.5, False), "dormant", "a new customer can fall asleep")

    def test_typical_interval(self):
        self.assertEqual(typical_interval(None, 1, 30), 30, "one purchase day: the default")
        self.assertEqual(typical_interval(12.0, 2, 30), 30, "two purchase days are not yet a rhythm")
        self.assertEqual(typical_interval(12.5, 3, 30), 12, "three purchase days: the own median")
        self.assertEqual(typical_interval(0.4, 5, 30), 1, "never less than a day")
