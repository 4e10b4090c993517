from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_manifest
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from ...odoo_sales_followup.models import jobs
from ...odoo_sales_followup.models.reactivation.crm_team import CrmTeam
from ..common_reactivation import ReactivationCommon

JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationFactsGuard(ReactivationCommon):
    """Only the scan makes an opportunity a reactivation one."""

    def test_salesman_cannot_forge_a_reactivation_opportunity(self):
        Lead = self.env["crm.lead"].with_user(self.carl)
        for values in (
            {"is_reactivation": True},
            {"reactivation_last_purchase_date": "2020-01-01"},
            {"reactivation_days_overdue": 400},
            {"reactivation_interval_days": 30},
            {"reactivation_open": True},
        ):
            with self.subTest(values=values), self._refused(UserError, r"Fake call-back: .* cannot be set by hand"):
                Lead.create({"name": "Fake call-back", "partner_id": self.dairy.id, **values})
        with self._refused(UserError, r"Fake call-back: Reactivation cannot be set by hand"):
            Lead.with_context(default_is_reactivation=True).create({"name": "Fake call-back"})
        self.assertFalse(self.env["crm.lead"].with_context(active_test=False).search([("name", "=", "Fake call-back")]))
        plain = Lead.create({"name": "Plain deal", "partner_id": self.dairy.id, "is_reactivation": False})
        self.assertFalse(plain.is_reactivation, "the default value, as an import of plain leads gives it")
        self.assertEqual(self._scan(), {"created": 2, "left": 0}, "the scan still calls Dormant Dairy back")
        self.assertEqual(self._reactivation_leads().partner_id, self.dairy | self.big)

    def test_salesman_cannot_flag_or_unflag_an_opportunity(self):
        deal = self.env["crm.lead"].with_user(self.carl).create({"name": "Dairy deal", "partner_id": self.dairy.id})
        with self._refused(UserError, r"Dairy deal: Reactivation cannot be set by hand"):
            deal.write({"is_reactivation": True})
        self._scan()
        lead = self._reactivation_leads(partner_id=self.dairy.id)
        lead = lead.with_user(lead.user_id)  # its caller
        with self._refused(UserError, r"Reactivation: Dormant Dairy: Reactivation cannot be set by hand"):
            lead.write({"is_reactivation": False})
        with self._refused(UserError, r"Days overdue cannot be set by hand"):
            lead.write({"reactivation_days_overdue": 0})
        self.assertRecordValues(lead, [{"is_reactivation": True, "reactivation_days_overdue": 40}])
        self.assertFalse(deal.is_reactivation)
        lead.write({"is_reactivation": True, "priority": "3"})  # unchanged facts: an export re-imported
        self.assertEqual(lead.priority, "3")

    def test_a_user_default_does_not_flag_an_opportunity(self):
        self.env["ir.default"].with_user(self.carl).set("crm.lead", "is_reactivation", True, user_id=True)
        deal = self.env["crm.lead"].with_user(self.carl).create({"name": "Dairy deal", "partner_id": self.dairy.id})
        self.assertFalse(deal.is_reactivation)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationLost(ReactivationCommon):
    """However it is lost, a reactivation opportunity needs a churn reason and lands in
    the team's Not reactivated stage."""

    def setUp(self):
        super().setUp()
        self.lead = self._reactivation_lead(self.dairy)
        self.duplicate = self.env["crm.lost.reason"].create({"name": "Duplicate"})

    def test_every_way_of_losing_needs_a_churn_reason(self):
        lead = self.lead.with_user(self.carl)
        for call, message in (
            (lambda: lead.write({"active": False}), "Choose a churn reason"),
            (lambda: lead.action_archive(), "Choose a churn reason"),
            (lambda: lead.toggle_active(), "Choose a churn reason"),
            (lambda: lead.action_set_lost(), "Choose a churn reason"),
            (lambda: lead.write({"active": False, "lost_reason_id": self.duplicate.id}), "Duplicate is not a churn"),
            (lambda: lead.action_set_lost(lost_reason_id=self.duplicate.id), "Duplicate is not a churn reason"),
        ):
            with self.subTest(message=message), self._refused(UserError, message):
                call()
        self.assertRecordValues(
            self.lead, [{"active": True, "lost_reason_id": False, "stage_id": self.stage_to_call.id}]
        )

    def test_message_names_the_opportunities_and_the_reason(self):
        with self.assertRaises(UserError) as refused:
            self.lead.with_user(self.carl).write({"active": False, "lost_reason_id": self.duplicate.id})
        self.assertEqual(
            str(refused.exception),
            "Duplicate is not a churn reason: choose a churn reason to close the reactivation opportunities "
            "Reactivation: Dormant Dairy.",
        )

    def test_archived_with_a_churn_reason_lands_in_not_reactivated(self):
        self.lead.with_user(self.carl).write({"active": False, "lost_reason_id": self.churn_competitor.id})
        self.assertRecordValues(
            self.lead,
            [
                {
                    "active": False,
                    "lost_reason_id": self.churn_competitor.id,
                    "stage_id": self.stage_lost.id,
                    "reactivation_open": False,
                }
            ],
        )
        with self._refused(UserError, "Duplicate is not a churn reason"):
            self.lead.with_user(self.carl).write({"lost_reason_id": self.duplicate.id})
        self.assertEqual(self.lead.lost_reason_id, self.churn_competitor)

    def test_lost_with_a_churn_reason_lands_in_not_reactivated(self):
        self.lead.with_user(self.carl).action_set_lost(lost_reason_id=self.churn_competitor.id)
        self.assertRecordValues(
            self.lead,
            [
                {
                    "active": False,
                    "probability": 0,
                    "lost_reason_id": self.churn_competitor.id,
                    "stage_id": self.stage_lost.id,
                }
            ],
        )

    def test_other_opportunities_lose_as_odoo_does(self):
        deal = self.env["crm.lead"].create({"name": "Dairy deal", "partner_id": self.dairy.id, "team_id": self.team.id})
        stage = deal.stage_id
        deal.action_archive()
        self.assertRecordValues(deal, [{"active": False, "lost_reason_id": False, "stage_id": stage.id}])

    def test_losing_many_costs_the_same_queries(self):
        """The lost stage of every team is read at once, whatever the number of teams
        and opportunities."""
        other_team = self.env["crm.team"].create({"name": "Call-back 2", "company_id": self.rcompany.id})
        other_lost = self.env["crm.stage"].create(
            [
                {"name": "To call", "sequence": 1, "team_id": other_team.id},
                {"name": "Not reactivated", "sequence": 65, "fold": True, "team_id": other_team.id},
            ]
        )[1]
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True, "company_id": self.rcompany.id} for i in range(26)]
        )
        # As the shipped Reactivation team: no deal checklist, whose lines have their own cost.
        (self.team | other_team).use_success_criteria = False
        leads = self.env["crm.lead"].browse()
        for index, customer in enumerate(customers):
            leads |= self._reactivation_lead(customer, team=other_team if index % 2 else self.team)
        Lead = self.env["crm.lead"].with_user(self.manager).with_context(tracking_disable=True)
        for batch in (leads[:2], leads[2:4]):  # warm the caches
            Lead.browse(batch.ids).action_set_lost(lost_reason_id=self.churn_competitor.id)
        # What 2 opportunities of 2 teams cost (other capabilities add their own queries)...
        self.env.flush_all()
        self.env.cr.flush()
        start = self.env.cr.sql_log_count
        Lead.browse(leads[4:6].ids).action_set_lost(lost_reason_id=self.churn_competitor.id)
        self.env.flush_all()
        self.env.cr.flush()
        two = self.env.cr.sql_log_count - start
        self.assertGreater(two, 0)
        # ... 20 cost as well.
        with self.assertQueryCount(two):
            Lead.browse(leads[6:].ids).action_set_lost(lost_reason_id=self.churn_competitor.id)
        self.assertEqual(set(leads.mapped("stage_id")), {self.stage_lost, other_lost})
        self.assertEqual(set(leads.mapped("active")), {False})


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationRule(ReactivationCommon):
    """The record rule of reactivation opportunities names only fields of crm, so that it
    holds while Odoo loads the modules before this addon."""

    def _crm_modules(self):
        modules, todo = set(), ["crm"]
        while todo:
            name = todo.pop()
            if name not in modules:
                modules.add(name)
                todo.extend(get_manifest(name)["depends"])
        return modules

    def _leaf_fields(self, domain):
        """Every field path of a domain's leaves."""
        return [leaf[0] for leaf in domain if isinstance(leaf, list | tuple) and isinstance(leaf[0], str)]

    def test_rule_names_only_crm_fields(self):
        rule = self.env.ref("odoo_sales_followup.crm_lead_rule_reactivation")
        self.assertNotIn("reactivation", rule.domain_force.replace("group_sale_manager", ""))
        crm_modules = self._crm_modules()
        self.assertNotIn("odoo_sales_followup", crm_modules)
        Rule = self.env["ir.rule"]
        for user in (self.carl, self.salesman, self.manager):
            domain = safe_eval(rule.domain_force, Rule.with_user(user)._eval_context())
            for path in self._leaf_fields(domain):
                model = self.env["crm.lead"]
                for fname in path.split("."):
                    field = model._fields[fname]
                    self.assertTrue(set(field._modules) & crm_modules, f"{model._name}.{fname} is crm's")
                    model = self.env[field.comodel_name] if field.relational else model
        salesman_domain = safe_eval(rule.domain_force, Rule.with_user(self.carl)._eval_context())
        self.assertEqual(
            self._leaf_fields(salesman_domain),
            ["team_id", "user_id", "team_id.user_id", "team_id.crm_team_member_ids.user_id"],
        )
        teams = self.env["res.company"].search([("reactivation_team_id", "!=", False)]).reactivation_team_id
        self.assertEqual(salesman_domain[3], ("team_id", "not in", sorted(teams.ids)))
        self.assertIn(self.team.id, teams.ids)
        self.assertEqual(safe_eval(rule.domain_force, Rule.with_user(self.manager)._eval_context()), [(1, "=", 1)])

    def _rule_team_ids(self):
        rule = self.env.ref("odoo_sales_followup.crm_lead_rule_reactivation")
        domain = safe_eval(rule.domain_force, self.env["ir.rule"].with_user(self.carl)._eval_context())
        self.assertEqual(domain[3][:2], ("team_id", "not in"))
        return domain[3][2]

    def test_rule_follows_the_reactivation_teams(self):
        shipped = self.env.ref("odoo_sales_followup.crm_team_reactivation")
        self.assertEqual(self._rule_team_ids(), sorted((shipped | self.team).ids))
        new_team = self.env["crm.team"].create({"name": "Win-back", "company_id": self.rcompany.id})
        self.rcompany.reactivation_team_id = new_team
        self.assertEqual(self._rule_team_ids(), sorted((shipped | new_team).ids))
        company, team, _caller = self._callback_company("Third Co", "osf_third", "Tom Third")
        self.assertEqual(self._rule_team_ids(), sorted((shipped | new_team | team).ids))
        (company | self.main_company).write({"reactivation_team_id": False})
        self.assertEqual(self._rule_team_ids(), new_team.ids)

    def test_team_pipeline_hidden_from_other_salesmen(self):
        self._scan()
        seller = mail_new_test_user(
            self.env,
            login="osf_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.rcompany.id,
            company_ids=[Command.set(self.rcompany.ids)],
        )
        direct = self.env["crm.team"].create({"name": "Direct sales", "company_id": self.rcompany.id})
        deal = self.env["crm.lead"].create({"name": "New deal", "user_id": self.carl.id, "team_id": direct.id})
        Lead = self.env["crm.lead"].with_user(seller)
        self.assertFalse(Lead.search([("is_reactivation", "=", True)]))
        self.assertEqual(Lead.search([("id", "in", (self._reactivation_leads() | deal).ids)]), deal)
        pipeline = self._reactivation_leads()
        self.assertEqual(len(pipeline), 2)
        self.assertEqual(
            self.env["crm.lead"].with_user(self.cleo).search([("is_reactivation", "=", True)]),
            pipeline.filtered(lambda lead: lead.user_id == self.cleo),
            "a salesman of the team sees their own calls",
        )


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationBadInput(ReactivationCommon):
    def _settings(self, **values):
        return self.env["res.config.settings"].with_user(self.admin).create(values)

    def test_settings_have_upper_bounds(self):
        for values, message in (
            (
                {"reactivation_min_purchases": 1001},
                "“Minimum purchases” of .* is 1001: it must be from 1 to 1000",
            ),
            (
                {"reactivation_weekly_capacity": 1001},
                "“Calls per member per week” of .* is 1001: it must be from 0 to 1000",
            ),
        ):
            with self.subTest(values=values), self._refused(ValidationError, message):
                self._settings(**values).execute()
        self.assertRecordValues(self.rcompany, [{"reactivation_min_purchases": 2, "reactivation_weekly_capacity": 0}])

    def test_bad_batch_sizes_fall_back_to_the_default(self):
        for value in ("0", "-1", "abc"):
            with self.subTest(value=value):
                savepoint = self.env.cr.savepoint()
                self.env["ir.config_parameter"].set_param("odoo_sales_followup.reactivation_batch_size", value)
                with patch.object(jobs, "_logged_invalid", set()), self.assertLogs(JOBS_LOGGER, "WARNING") as logs:
                    result = self._scan()
                self.assertEqual(result, {"created": 2, "left": 0}, "not '0 created' while customers are due")
                self.assertEqual(len(self._reactivation_leads()), 2)
                self.assertEqual(
                    logs.output,
                    [
                        f"WARNING:{JOBS_LOGGER}:System parameter odoo_sales_followup.reactivation_batch_size="
                        f"{value!r} is not a batch size from 1 to 100000: using 1000"
                    ],
                )
                savepoint.close(rollback=True)

    def test_empty_settings_mean_their_defaults(self):
        self._store(
            self.rcompany,
            reactivation_min_purchases=None,
            reactivation_weekly_capacity=None,
            reactivation_assignment=None,
            level_dormant_tolerance=None,
        )
        self.dairy.user_id = self.cleo
        self.assertEqual(self._scan(), {"created": 2, "left": 0}, "at least 2 purchases: not Once Only")
        self.assertEqual(self._reactivation_leads(partner_id=self.dairy.id).user_id, self.cleo, "the salesperson rule")
        self.assertEqual(self._reactivation_leads(partner_id=self.big.id).reactivation_days_overdue, 210)

    def test_customer_without_commercial_partner_is_called_back(self):
        nick = self._customer("Null Nick", (130, 100, 70))
        self._store(nick, commercial_partner_id=None)
        nick.with_user(self.manager).action_recompute_relationship_levels()
        self.assertRecordValues(nick, [{"relationship_level": "dormant", "purchase_count": 3}])
        self._scan()
        self.assertRecordValues(
            self._reactivation_leads(partner_id=nick.id),
            [{"reactivation_days_overdue": 40, "expected_revenue": 1000.0}],
        )
        self._order(nick)
        self.assertEqual(self._reactivation_leads(partner_id=nick.id).stage_id, self.stage_won, "bought again")

    def test_absurd_dates_are_no_purchase(self):
        year_one = self._customer("Year One", ())
        self.env["sale.order"].with_company(self.rcompany).create(
            [
                {
                    "partner_id": customer.id,
                    "state": "sale",
                    "date_order": f"{day} 10:00:00",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for customer, day in ((year_one, "0001-01-01"), (year_one, "0001-02-01"), (self.dairy, "0001-01-01"))
            ]
        )
        self.env.cr.flush()
        self.assertEqual(year_one.purchase_count, 0)
        self.assertEqual((self.dairy.purchase_count, self.dairy.first_purchase_date), (3, self._days_ago(130)))
        self._scan()
        self.assertFalse(self._reactivation_leads(partner_id=year_one.id))
        self.assertEqual(self._reactivation_leads(partner_id=self.dairy.id).reactivation_days_overdue, 40)


@tagged("post_install", "-at_install", "sales_followup_reactivation")
class TestReactivationScheduledFailures(ReactivationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company.reactivation_team_id = False  # only this world's companies
        cls.second, cls.second_team, cls.sara_caller = cls._callback_company("Second Co", "osf_sara", "Sara Caller")
        cls.second_manager = mail_new_test_user(
            cls.env,
            login="osf_second_manager",
            name="Selma Second",
            groups="sales_team.group_sale_manager",
            company_id=cls.second.id,
            company_ids=[Command.set(cls.second.ids)],
        )
        cls.second_customer = cls._customer("Second Dairy", (130, 100, 70), company=cls.second)
        cls.env.cr.flush()

    def test_a_failing_company_does_not_stop_the_others(self):
        original = CrmTeam._action_reactivation_scan

        def failing_in_callback_co(team, auto_commit=False):
            if team.env.company == self.rcompany:
                raise RuntimeError("disk quota exceeded")
            return original(team, auto_commit=auto_commit)

        with (
            patch.object(CrmTeam, "_action_reactivation_scan", failing_in_callback_co),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self.env["crm.team"]._cron_reactivation_scan()
        self.assertEqual(len(logs.records), 1)
        self.assertEqual(
            logs.records[0].getMessage(),
            f"Reactivation scan in Callback Co failed for res.company({self.rcompany.id},)",
        )
        self.assertFalse(self._reactivation_leads())
        second_leads = self.env["crm.lead"].search(
            [("is_reactivation", "=", True), ("company_id", "=", self.second.id)]
        )
        self.assertRecordValues(second_leads, [{"partner_id": self.second_customer.id, "user_id": self.sara_caller.id}])
        notice = self.env["mail.message"].search([("subject", "=", "Reactivation scan skipped")])
        self.assertEqual(len(notice), 1)
        self.assertEqual(
            notice.partner_ids, (self.manager | self.admin).partner_id, "Callback Co's Sales administrators"
        )
        self.assertIn("The reactivation scan of Callback Co did not run: disk quota exceeded", notice.body)

    def test_a_team_without_members_is_reported_to_its_company(self):
        self.second_team.crm_team_member_ids.action_archive()
        with self.assertLogs(JOBS_LOGGER, "ERROR") as logs:
            self.env["crm.team"]._cron_reactivation_scan()
        self.assertEqual(
            logs.records[0].getMessage(),
            f"Reactivation scan in Second Co skipped res.company({self.second.id},): "
            "The reactivation team Second Co call-back has no active member "
            "to call the customers: add members to the team.",
        )
        self.assertEqual(len(self._reactivation_leads()), 2, "Callback Co is scanned")
        notice = self.env["mail.message"].search([("subject", "=", "Reactivation scan skipped")])
        self.assertEqual(notice.partner_ids, self.second_manager.partner_id)
