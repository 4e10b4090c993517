from ast import literal_eval
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.crm.models.crm_lead import Lead as CrmLead

from ..common import load_russian
from ..common_reactivation import ReactivationCommon


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationPipelineForUsers(ReactivationCommon):
    """The reactivation pipeline as its heads and its members open it."""

    def _open_pipeline(self, user):
        return self.env["crm.lead"].with_user(user).with_company(self.rcompany).action_open_reactivation_pipeline()

    def test_head_sees_the_team_pipeline_member_their_own(self):
        menu = self.env.ref("odoo_sales_followup.menu_reactivation_pipeline")
        self.assertEqual(menu.action, self.env.ref("odoo_sales_followup.action_reactivation_pipeline_open"))
        self.team.user_id = self.salesman  # the team's leader, not a Sales administrator
        for user, mine_only in ((self.manager, False), (self.salesman, False), (self.carl, True)):
            action = self._open_pipeline(user)
            self.assertEqual(action["res_model"], "crm.lead")
            self.assertEqual(action["domain"], "[('is_reactivation', '=', True)]")
            self.assertEqual(action["context"].get("default_team_id"), self.team.id, user.name)
            self.assertEqual(bool(action["context"].get("search_default_assigned_to_me")), mine_only, user.name)

    def test_pipeline_shows_the_team_stages_only_in_order(self):
        self._scan()
        context = self._open_pipeline(self.carl)["context"]
        Lead = self.env["crm.lead"].with_user(self.carl).with_context(**context)
        groups = Lead.web_read_group([("is_reactivation", "=", True)], ["stage_id"], ["stage_id"])["groups"]
        self.assertEqual(
            [group["stage_id"][1] for group in groups],
            ["To call", "Reactivated", "Not reactivated"],
            "the team's own stages, without Odoo's shared New, Qualified, Proposition, Won",
        )
        other_team = self.env["crm.team"].create({"name": "Direct sales", "company_id": self.rcompany.id})
        groups = (
            self.env["crm.lead"]
            .with_context(default_team_id=other_team.id)
            .web_read_group([("team_id", "=", other_team.id)], ["stage_id"], ["stage_id"])["groups"]
        )
        self.assertIn("New", [group["stage_id"][1] for group in groups], "other teams keep Odoo's stages")

    def test_call_script_on_the_card(self):
        self._scan()
        lead = self._reactivation_leads(partner_id=self.big.id).with_user(self.carl)
        self.assertIn("Greet the customer by name, introduce yourself", lead.reactivation_call_script)
        self.assertFalse(self._opportunity_of(self.steady).reactivation_call_script)
        arch = self.env["crm.lead"].get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("o_reactivation_call_script", arch)

    def _opportunity_of(self, partner):
        return self.env["crm.lead"].create(
            {"name": f"{partner.name}: new line", "type": "opportunity", "partner_id": partner.id}
        )

    def test_form_stage_bar_tabs(self):
        arch = etree.fromstring(
            self.env["crm.lead"].with_user(self.carl).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        stage = arch.xpath("//header/field[@name='stage_id']")[0]
        self.assertTrue(stage.get("domain").startswith("[('team_id', '=', team_id)] if is_reactivation"))
        pages = [page.get("name") for page in arch.xpath("//notebook/page")]
        self.assertEqual(pages[0], "reactivation", "the Reactivation tab comes first")
        criteria = arch.xpath("//page[@name='success_criteria']")[0]
        self.assertIn("is_reactivation and not criteria_count", criteria.get("invisible"))


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationProbability(ReactivationCommon):
    """The forecast: a call-back starts at the team's probability and keeps it."""

    def test_opportunity_starts_at_the_team_probability_and_keeps_it(self):
        self.assertEqual(self.team.reactivation_probability, 10.0, "the default")
        self.team.reactivation_probability = 15

        def hot_lead(leads, batch_mode=False):
            return {lead.id: 93.0 for lead in leads}

        with patch.object(CrmLead, "_pls_get_naive_bayes_probabilities", hot_lead):
            self._scan()
            lead = self._reactivation_leads(partner_id=self.dairy.id)
            self.assertEqual(lead.probability, 15.0)
            lead.with_user(lead.user_id).write({"description": "<p>Called: back in May</p>", "priority": "2"})
            second = self.env["crm.stage"].create({"name": "In conversation", "sequence": 2, "team_id": self.team.id})
            lead.with_user(lead.user_id).stage_id = second
            self.env.flush_all()
            self.assertEqual(lead.probability, 15.0, "kept against the predictive scoring's 93%")
            self.env["crm.lead"]._cron_update_automated_probabilities()
            lead.invalidate_recordset()
            self.assertEqual(lead.probability, 15.0, "and against its daily job")
            ordinary = self.env["crm.lead"].create(
                {"name": "Steady Steel: new line", "type": "opportunity", "partner_id": self.steady.id}
            )
            self.env.flush_all()
            self.assertEqual(ordinary.probability, 93.0, "ordinary opportunities keep Odoo's scoring")

    def test_probability_out_of_bounds_is_refused(self):
        for value in (-1, 100.5, 150):
            with self._refused(
                ValidationError,
                rf"“Reactivation probability \(%\)” of Call-back is {float(value)}: it must be from 0 to 100",
            ):
                self.team.with_user(self.manager).write({"reactivation_probability": value})
            self.assertEqual(self.team.reactivation_probability, 10.0)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationLanguage(ReactivationCommon):
    """What the scan writes for a caller is in the caller's language."""

    def test_scan_writes_in_each_assignee_language(self):
        load_russian(self.env)
        self.carl.lang = "ru_RU"
        self.cleo.lang = "en_US"
        self._scan()
        carl_lead = self._reactivation_leads(user_id=self.carl.id)
        cleo_lead = self._reactivation_leads(user_id=self.cleo.id)
        self.assertEqual(carl_lead.name, f"Реактивация: {carl_lead.partner_id.name}")
        self.assertEqual(carl_lead.activity_ids.summary, "Звонок реактивации")
        self.assertEqual(cleo_lead.name, f"Reactivation: {cleo_lead.partner_id.name}")
        self.assertEqual(cleo_lead.activity_ids.summary, "Reactivation call")


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationMessages(ReactivationCommon):
    """Counts read well for one, two and five; the preview says who is left out and why."""

    def test_counts_read_well_for_one(self):
        self.rcompany.reactivation_weekly_capacity = 1
        self.team.crm_team_member_ids.filtered(lambda member: member.user_id == self.cleo).unlink()
        action = self.team.with_user(self.manager).action_reactivation_scan()
        self.assertEqual(
            action["params"]["message"],
            "Customers added to the Call-back pipeline: 1. "
            "Waiting for the next scan, the team being at its weekly capacity: 1.",
        )
        message = self.env["mail.message"].search([("partner_ids", "in", self.carl.partner_id.ids)])
        self.assertEqual(message.subject, "Customers to call back: 1")

    def test_preview_says_why_dormant_customers_are_left_out(self):
        self._scan()  # Big Buyer and Dormant Dairy are called
        wizard = Form(self.env["reactivation.scan.wizard"].with_user(self.manager)).save()
        self.assertRecordValues(
            wizard,
            [
                {
                    "candidate_count": 0,
                    "planned_count": 0,
                    "capacity_count": 0,
                    "called_count": 2,
                    "excluded_tag_count": 1,  # Tagged Tess
                    "few_purchases_count": 1,  # Once Only
                    "blocked_count": 2,  # Blocked Block, Opted-out Otto
                    "excluded_count": 6,
                }
            ],
        )
        view = self.env["reactivation.scan.wizard"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Dormant customers the scan leaves out, and why", view)

    def test_preview_counts_who_waits_for_capacity(self):
        self.rcompany.reactivation_weekly_capacity = 1
        self.team.crm_team_member_ids.filtered(lambda member: member.user_id == self.cleo).unlink()
        wizard = Form(self.env["reactivation.scan.wizard"].with_user(self.manager)).save()
        self.assertRecordValues(wizard, [{"candidate_count": 2, "planned_count": 1, "capacity_count": 1}])
        line = wizard.line_ids[0]
        self.assertEqual(line._fields["expected_revenue"].type, "monetary")
        self.assertEqual(line.currency_id, self.rcompany.currency_id)
        self.assertEqual(
            [line._fields[fname].string for fname in ("last_purchase_date", "interval_days", "days_overdue")],
            ["Last purchase", "Interval", "Overdue"],
        )


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationAnalysisForUsers(ReactivationCommon):
    """The churn analysis counts the lost call-backs per reason; heads only see it."""

    def test_churn_reasons_open_on_lost_call_backs_per_reason(self):
        self._scan()
        price = self.env.ref("odoo_sales_followup.crm_lost_reason_price")
        big, dairy = (
            self._reactivation_leads(partner_id=self.big.id),
            self._reactivation_leads(partner_id=self.dairy.id),
        )
        big.action_set_lost(lost_reason_id=price.id)
        dairy.action_set_lost(lost_reason_id=self.churn_competitor.id)
        self.env.flush_all()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_sales_followup.action_crm_reactivation_report_churn"
        )
        view_type, view_id = action["views"][0][1], action["views"][0][0]
        self.assertEqual(view_type, "pivot")
        Report = self.env["crm.reactivation.report"]
        arch = etree.fromstring(Report.get_views([(view_id, "pivot")])["views"]["pivot"]["arch"])
        measures = [field.get("name") for field in arch.xpath("//field[@type='measure']")]
        self.assertEqual(measures, ["lost_count", "expected_revenue"])
        self.assertEqual(arch.xpath("//field[@type='row']")[0].get("name"), "lost_reason_id")
        self.assertEqual(arch.xpath("//field[@type='col']")[0].get("interval"), "month")
        groups = Report._read_group(
            [*literal_eval(action["domain"]), ("company_id", "=", self.rcompany.id)],
            ["lost_reason_id"],
            ["lost_count:sum", "expected_revenue:sum"],
        )
        self.assertEqual(
            sorted((reason.name, count, revenue) for reason, count, revenue in groups),
            [("Moved to a competitor", 1, dairy.expected_revenue), ("Price", 1, big.expected_revenue)],
        )
        self.assertEqual(big.expected_revenue, 5000.0)

    def test_salespeople_do_not_see_the_heads_analysis_menus(self):
        menus = [
            self.env.ref(f"odoo_sales_followup.{xmlid}")
            for xmlid in (
                "menu_crm_reactivation_report",
                "menu_crm_reactivation_report_churn",
                "menu_partner_level_change",
            )
        ]
        Menu = self.env["ir.ui.menu"]
        visible = Menu.with_user(self.carl)._visible_menu_ids()
        self.assertFalse({menu.id for menu in menus} & visible)
        visible = Menu.with_user(self.manager)._visible_menu_ids()
        self.assertEqual({menu.id for menu in menus} & visible, {menu.id for menu in menus})

    def test_assignment_rules_read_in_full(self):
        labels = dict(self.env["res.company"]._fields["reactivation_assignment"]._description_selection(self.env))
        self.assertEqual(
            labels,
            {
                "salesperson": "Customer's salesperson",
                "round_robin": "Round-robin",
                "least_open": "Least loaded member",
            },
        )
        self.assertIn(
            "Round-robin: each member in turn", self.env["res.company"]._fields["reactivation_assignment"].help
        )


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationClosingDate(ReactivationCommon):
    """A call-back lost or won today counts in today's month of the churn analysis."""

    def test_lost_and_won_call_backs_keep_their_closing_date(self):
        self._scan()
        big, dairy = (
            self._reactivation_leads(partner_id=self.big.id),
            self._reactivation_leads(partner_id=self.dairy.id),
        )
        wizard = Form(self.env["crm.lead.lost"].with_context(default_lead_ids=big.ids))
        wizard.lost_reason_id = self.churn_competitor
        wizard.save().action_lost_reason_apply()
        dairy.stage_id = self.stage_won
        self.assertEqual(big.stage_id, self.stage_lost, "moved to the team's Not reactivated stage")
        self.assertTrue(big.date_closed, "lost today: closed today")
        self.assertTrue(dairy.date_closed, "won today: closed today")
        self.env.flush_all()
        Report = self.env["crm.reactivation.report"]
        groups = Report._read_group(
            [("company_id", "=", self.rcompany.id), ("lost_count", "=", 1)], ["date_closed:month"], ["__count"]
        )
        self.assertEqual(len(groups), 1, "no lost call-back under None")
        self.assertEqual((groups[0][0].strftime("%Y-%m"), groups[0][1]), (big.date_closed.strftime("%Y-%m"), 1))

    def test_a_scan_with_nothing_to_add_says_so(self):
        self._scan()
        wizard = Form(self.env["reactivation.scan.wizard"].with_user(self.manager)).save()
        self.assertEqual(wizard.planned_count, 0)
        action = wizard.action_run()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "No customer to call back: the Call-back pipeline is up to date.")
