from odoo.tests import HttpCase, tagged

from ..common import RelationshipLevelCommon


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestRelationshipLevelTour(HttpCase, RelationshipLevelCommon):
    def test_level_on_partner_form_and_history(self):
        self._order(self.acme, self._days_ago(12))
        self._order(self.acme, self._days_ago(2))
        self.start_tour(
            f"/odoo/res.partner/{self.acme.id}", "odoo_sales_followup_relationship_level", login="osf_manager"
        )
