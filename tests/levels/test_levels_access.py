from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from ..common import RelationshipLevelCommon


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelAccess(RelationshipLevelCommon):
    @users("osf_salesman")
    def test_salesman_moves_levels_and_reads_history(self):
        acme = self.acme.with_user(self.env.user)
        order = self._order(acme, self._days_ago(2))
        self.assertEqual(order.create_uid, self.salesman)
        self.assertEqual(acme.relationship_level, "new")
        change = self._changes(acme)[-1]
        self.assertRecordValues(
            change, [{"level_to": "new", "user_id": self.salesman.id, "salesperson_id": self.salesman.id}]
        )
        with self.assertRaises(AccessError):
            change.unlink()

    @users("osf_salesman")
    def test_salesman_cannot_rebuild_every_level(self):
        with self.assertRaisesRegex(AccessError, "Sales administrators"):
            self.env["res.partner"].action_recompute_relationship_levels()
        # Recomputing a customer they see is harmless.
        self.assertEqual(self.acme.with_user(self.env.user).action_recompute_relationship_levels(), 1)

    @users("osf_manager")
    def test_manager_rebuilds_every_level(self):
        self.env.cr.execute("SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id")
        commercial_count = self.env.cr.fetchone()[0]
        self.assertEqual(self.env["res.partner"].action_recompute_relationship_levels(), commercial_count)

    def test_history_stays_in_its_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["res.partner"].create(
            {"name": "Foreign Ltd", "is_company": True, "company_id": other_company.id}
        )
        self.env["crm.lead"].create({"name": "Foreign deal", "partner_id": foreign.id, "company_id": other_company.id})
        self._end_transaction()
        self.assertEqual(foreign.relationship_level, "prospect")
        Change = self.env["res.partner.level.change"]
        self.assertEqual(Change.search([("partner_id", "=", foreign.id)]).company_id, other_company)
        self.assertFalse(Change.with_user(self.salesman).search([("partner_id", "=", foreign.id)]))
        self.salesman.company_ids |= other_company
        self.assertTrue(
            Change.with_user(self.salesman)
            .with_context(allowed_company_ids=[self.company.id, other_company.id])
            .search([("partner_id", "=", foreign.id)])
        )
