from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestDemoStory(TransactionCase):
    """The demo customers sit at the levels their stories tell (the suite installs the
    addon with its demo data: on a database without it, these tests fail, they do not pass)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])
        assert module.demo, "the demo tests need the addon installed with its demo data"

    def test_demo_customers_levels(self):
        expected = {
            "demo_partner_baltic": "potential",
            "demo_partner_severny_les": "potential",
            "demo_partner_sunrise": "prospect",
            "demo_partner_smirnova": "prospect",
            "demo_partner_romashka": "new",
            "demo_partner_greenfield": "new",
            "demo_partner_metro": "active",
            "demo_partner_metro_buyer": "active",
            "demo_partner_technosnab": "active",
            "demo_partner_harbor": "dormant",
            "demo_partner_vektor": "dormant",
        }
        for xmlid, level in expected.items():
            partner = self.env.ref(f"odoo_sales_followup.{xmlid}")
            self.assertEqual(partner.relationship_level, level, partner.name)
        demo_companies = self.env["res.partner"].browse(
            self.env.ref(f"odoo_sales_followup.{xmlid}").id for xmlid in expected if xmlid != "demo_partner_metro_buyer"
        )
        moved = self.env["res.partner.level.change"].search(
            [("partner_id", "in", demo_companies.ids), ("event", "!=", "initial")]
        )
        self.assertEqual(len(moved), 8, "every demo customer but the two potential ones moved by a demo document")
        metro = self.env.ref("odoo_sales_followup.demo_partner_metro")
        self.assertEqual((metro.purchase_count, metro.purchase_interval_days), (5, 14))
        change = self.env["res.partner.level.change"].search([("partner_id", "=", metro.id)])
        self.assertEqual(
            (change.level_from, change.level_to, change.event),
            ("potential", "active", "order_confirmed"),
            "the demo orders tell the story in the level report, not the installation",
        )

    def test_demo_deals_and_their_criteria(self):
        ref = self.env.ref
        nordlicht = ref("odoo_sales_followup.demo_lead_projects_nordlicht")
        accepted = nordlicht.criterion_line_ids.filtered("is_met")
        self.assertEqual(accepted.criterion_id, ref("odoo_sales_followup.criterion_proposal_accepted"))
        self.assertEqual(accepted.met_origin._name, "sale.order", "met by the signed quotation")
        self.assertEqual(nordlicht.criteria_count, 6, "the Projects team's checklist")

        severstroy = ref("odoo_sales_followup.demo_lead_projects_severstroy")
        contract = severstroy.criterion_line_ids.filtered("is_met")
        self.assertEqual(contract.criterion_id, ref("odoo_sales_followup.criterion_contract_signed"))
        self.assertTrue(contract.attachment_ids)
        missing_act = self.env["crm.lead"].search(
            [("criteria_missing_ids", "=", ref("odoo_sales_followup.criterion_act_signed").id)]
        )
        self.assertIn(severstroy, missing_act)

        won = ref("odoo_sales_followup.demo_lead_technosnab_won")
        self.assertEqual(
            won.activity_ids.activity_type_id, ref("odoo_sales_followup.mail_activity_type_after_sale_call")
        )
        self.assertEqual(won.repeat_lead_ids, ref("odoo_sales_followup.demo_lead_technosnab_repeat"))

    def test_demo_chains(self):
        proposal = self.env.ref("odoo_sales_followup.demo_lead_sunrise")
        second = self.env.ref("odoo_sales_followup.demo_lead_sunrise_second")
        self.assertEqual(
            proposal.followup_run_ids.chain_id, self.env.ref("odoo_sales_followup.chain_proposal_followup")
        )
        self.assertEqual(second.followup_run_ids.chain_id, self.env.ref("odoo_sales_followup.demo_chain_fast_reaction"))
        self.assertEqual(second.activity_ids.summary, "Call back the request")
