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
        Change = self.env["res.partner.level.change"]
        moved = Change.search(
            [("partner_id", "in", demo_companies.ids), ("event", "!=", "initial"), *Change._get_move_domain()],
            order="id",
        )
        self.assertEqual(
            [(change.partner_id.name, change.level_to, change.event) for change in moved],
            [
                ("Sunrise Dental Clinic", "prospect", "quotation"),
                ("ИП Смирнова Е. А.", "prospect", "activity_done"),
                ("ООО «Ромашка»", "new", "order_confirmed"),
            ],
            "the demo stories after the installation move their customers, each by its document",
        )
        installed = Change.search([("partner_id", "in", demo_companies.ids), ("event", "=", "initial")], order="id")
        self.assertEqual(
            [(change.partner_id.name, change.level_from, change.level_to) for change in installed],
            [
                ("Greenfield Farms", "potential", "new"),
                ("Metro Office Supplies", "potential", "active"),
                ("АО «ТехноСнаб»", "potential", "active"),
                ("Harbor Logistics", "potential", "dormant"),
                ("ООО «Вектор»", "potential", "dormant"),
            ],
            "the history the addon finds at installation is recorded as Installation",
        )
        metro = self.env.ref("odoo_sales_followup.demo_partner_metro")
        self.assertEqual((metro.purchase_count, metro.purchase_interval_days), (5, 14))
        self.assertEqual(moved[0].origin_ref.partner_id, self.env.ref("odoo_sales_followup.demo_partner_sunrise"))
        self.assertEqual(moved[0].origin_ref._name, "sale.order", "the quotation of its second opportunity")
        self.assertEqual(moved[2].origin_ref.partner_id, self.env.ref("odoo_sales_followup.demo_partner_romashka"))

    def test_demo_reactivated_customer_moved_by_its_orders(self):
        """Lakeside's old orders, not the reactivation opportunity they led to, made it dormant."""
        lakeside = self.env.ref("odoo_sales_followup.demo_partner_lakeside")
        change = self.env["res.partner.level.change"].search([("partner_id", "=", lakeside.id)])
        self.assertEqual(
            (change.level_from, change.level_to, change.event), ("potential", "dormant", "order_confirmed")
        )
        self.assertEqual(change.origin_ref._name, "sale.order")

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
        # its third step waits for the customer's answer to the offer
        wait = self.env.ref("odoo_sales_followup.demo_chain_fast_reaction_step_wait")
        self.assertTrue(wait.is_waiting)
        self.assertEqual(wait._get_event_outcome("no_answer").name, "No reply")
