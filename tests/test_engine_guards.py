from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..odoo_sales_followup.models.chains.followup_chain_run import ENGINE_FIELDS
from ..odoo_sales_followup.models.levels.res_partner import LEVEL_FACTS
from ..odoo_sales_followup.models.reactivation.crm_lead import REACTIVATION_FACTS
from .common_criteria import SuccessCriteriaCommon

REFUSED_PAYMENT = r'"Acme ERP rollout" cannot move to stage "Payment receipt" yet\. Still missing: Proposal accepted'


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestEngineFields(SuccessCriteriaCommon):
    """One guard for the fields only the addon writes, declared by each capability."""

    def test_each_model_declares_its_engine_fields(self):
        self.assertEqual(self.env["res.partner"]._get_followup_engine_fields(), LEVEL_FACTS)
        self.assertEqual(
            self.env["crm.lead"]._get_followup_engine_fields(),
            ("won_criterion_kept_ids", *REACTIVATION_FACTS, "referral_deal_id"),
        )
        self.assertEqual(self.env["followup.chain.run"]._get_followup_engine_fields(), ENGINE_FIELDS)
        self.assertIn("met_user_id", self.env["crm.lead.criterion"]._get_followup_engine_fields())
        self.assertIn("actual_revenue", self.env["crm.sales.plan"]._get_followup_engine_fields())

    def test_no_context_lets_a_user_write_them(self):
        for context in ({}, {"install_mode": True}, {"tracking_disable": True}, {"import_file": True}):
            with self.subTest(context=context):
                with self._refused(AccessError, r"Acme Corp: Purchases cannot be set by hand"):
                    self.acme.with_user(self.manager).with_context(**context).write({"purchase_count": 40})
                with self._refused(AccessError, r"Acme ERP rollout: Reactivation cannot be set by hand"):
                    self._deal().with_user(self.manager).with_context(**context).write({"is_reactivation": True})
        self.assertEqual(self.acme.purchase_count, 0)

    def test_a_copy_starts_without_them(self):
        deal = self._deal()
        deal.sudo().write({"is_reactivation": True, "reactivation_days_overdue": 12})
        copy = deal.with_user(self.salesman).copy()
        self.assertRecordValues(copy, [{"is_reactivation": False, "reactivation_days_overdue": 0}])


@tagged("post_install", "-at_install", "sales_followup_criteria")
class TestGatedMove(SuccessCriteriaCommon):
    """Move the deal, or say on it why it was refused: one helper for chains, contract, reactivation."""

    def _notes(self, deal, text):
        return deal.message_ids.filtered(lambda message: text in (message.body or ""))

    def test_a_refused_move_leaves_one_note_naming_the_deal_once(self):
        deal = self._deal()
        refusals = deal.with_user(self.salesman)._followup_move_or_note(
            "stage", "The contract was sent", stage=self.stage_payment
        )
        self.assertEqual(list(refusals), [deal])
        self.assertRegex(refusals[deal], REFUSED_PAYMENT)
        self.assertEqual(deal.stage_id, self.stage_new)
        note = self._notes(deal, "The contract was sent, but the opportunity was not moved")
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("Still missing: Proposal accepted", note.body)
        self.assertEqual(note.body.count("Acme ERP rollout"), 1, "the deal is named once, by the refusal")
        self.assertEqual(note.author_id, self.salesman.partner_id)

    def test_the_others_move_when_one_is_refused(self):
        ready = self._deal(name="Ready deal")
        (self._line(ready, self.proposal_accepted) | self._line(ready, self.prepayment)).sudo().write({"is_met": True})
        blocked = self._deal()
        refusals = (
            (ready | blocked)
            .with_user(self.salesman)
            ._followup_move_or_note("stage", "The step “Call” is done", stage=self.stage_payment)
        )
        self.assertEqual(list(refusals), [blocked])
        self.assertEqual((ready.stage_id, blocked.stage_id), (self.stage_payment, self.stage_new))
        self.assertFalse(self._notes(ready, "was not moved"))
        self.assertEqual(len(self._notes(blocked, "was not moved")), 1)

    def test_the_users_rights_refuse_a_move_and_the_note_still_says_why(self):
        colleague = mail_new_test_user(
            self.env, login="osf_gated_colleague", name="Colin Colleague", groups="sales_team.group_sale_salesman"
        )
        deal = self._deal()
        refusals = deal.with_user(colleague)._followup_move_or_note("lost", "The step “Call” is done")
        self.assertTrue(deal.active)
        self.assertEqual(len(refusals), 1)
        self.assertEqual(len(self._notes(deal, "The step “Call” is done, but the opportunity was not marked lost")), 1)

    def test_won_refused_by_the_criteria_stays_open(self):
        deal = self._deal()
        refusals = deal.sudo()._followup_move_or_note("won", "The customer bought again")
        self.assertRegex(refusals[deal], r'"Acme ERP rollout" cannot be marked won yet')
        self.assertTrue(deal.active)
        self.assertFalse(deal.stage_id.is_won)
        self.assertEqual(len(self._notes(deal, "not marked won and stays open")), 1)

    def test_the_contract_payment_moves_or_notes(self):
        """The contract's move to the work stage once paid uses the same helper."""
        self.team.write(
            {"contract_payment_stage_id": self.stage_proposal.id, "contract_work_stage_id": self.stage_payment.id}
        )
        deal = self._deal(stage_id=self.stage_proposal.id)
        deal.sudo()._on_contract_paid()
        self.assertEqual(deal.stage_id, self.stage_proposal, "the work stage requires what is missing")
        note = self._notes(deal, "The payment was received, but the opportunity was not moved to the stage")
        self.assertEqual(len(note), 1)
        self.assertEqual(note.body.count("Acme ERP rollout"), 1)
        self.assertFalse(self._notes(deal, "the work can start"))

    def test_html_in_a_reason_is_text(self):
        deal = self._deal(name="<b>Bold</b> deal")
        deal.with_user(self.salesman)._followup_move_or_note("stage", "Asked", stage=self.stage_payment)
        note = self._notes(deal, "was not moved")
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt; deal", note.body)

    def test_an_unknown_move_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            self._deal()._followup_move_or_note("promote", "Asked")


@tagged("post_install", "-at_install", "sales_followup_plans")
class TestPlansHostileReaders(SuccessCriteriaCommon):
    """A team leader with own-documents rights, and a user of a second company, against the
    plans: nobody reads the figures of a salesperson they may not see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = mail_new_test_user(
            cls.env, login="osf_plan_leader", name="Lou Leader", groups="sales_team.group_sale_salesman"
        )
        cls.outsider = mail_new_test_user(
            cls.env, login="osf_plan_outsider", name="Otto Outsider", groups="sales_team.group_sale_salesman"
        )
        cls.team.user_id = cls.leader
        cls.other_company = cls.env["res.company"].create({"name": "Second Co"})
        cls.foreigner = mail_new_test_user(
            cls.env,
            login="osf_plan_foreigner",
            name="Fern Foreign",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.foreign_team = cls.env["crm.team"].create(
            {"name": "Second team", "company_id": cls.other_company.id, "user_id": cls.foreigner.id}
        )
        cls.today = cls.env.company._get_followup_today().replace(day=1)
        # the outsider's sales: the figures a hostile plan would show
        cls.env["sale.order"].create(
            {
                "partner_id": cls.globex.id,
                "user_id": cls.outsider.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 7777.0})],
            }
        ).action_confirm()

    def _create(self, as_user, user, **values):
        from ..odoo_sales_followup.tools.plans import month_bounds

        date_from, date_to = month_bounds(self.today)
        return (
            self.env["crm.sales.plan"]
            .with_user(as_user)
            .create({"user_id": user.id, "team_id": self.team.id, "date_from": date_from, "date_to": date_to, **values})
        )

    def test_a_team_leader_plans_for_their_team_only(self):
        with self._refused(UserError, r"^Otto Outsider is neither a member nor the leader of the sales team Projects"):
            self._create(self.leader, self.outsider)
        with self._refused(UserError, r"^Fern Foreign is neither a member nor the leader of the sales team Projects"):
            self._create(self.leader, self.foreigner)
        plan = self._create(self.leader, self.salesman)
        with self._refused(UserError, r"^Otto Outsider is neither a member nor the leader"):
            plan.with_user(self.leader).write({"user_id": self.outsider.id})
        with self._refused(AccessError, r"Sales plan"):
            plan.with_user(self.leader).write({"team_id": False, "user_id": self.outsider.id})
        with self._refused(AccessError, r"Sales plan"):
            self._create(self.leader, self.outsider, team_id=False)
        self.assertEqual(plan.user_id, self.salesman)
        self.assertFalse(self.env["crm.sales.plan"].search([("user_id", "=", self.outsider.id)]))

    def test_the_team_plan_adds_members_only(self):
        period = self.env["crm.sales.plan.period"].with_user(self.leader).create({"team_id": self.team.id})
        self.assertEqual(period.plan_ids.user_id, self.salesman | self.manager)
        with self._refused(UserError, r"^Otto Outsider is neither a member nor the leader"):
            period.with_user(self.leader).write({"plan_ids": [Command.create({"user_id": self.outsider.id})]})
        with self._refused(AccessError, r"Team sales plan"):
            period.with_user(self.leader).write({"team_id": self.foreign_team.id})
        self.assertEqual(period.team_id, self.team)

    def test_a_plan_is_for_a_user_of_its_company(self):
        Plan = self.env["crm.sales.plan"]
        day = {"date_from": self.today, "date_to": self.today, "team_id": False}
        with self._refused(UserError, r"^Anna Salesman does not work for Second Co"):
            Plan.create({"user_id": self.salesman.id, "company_id": self.other_company.id, **day})
        with self._refused(UserError, r"^Fern Foreign does not work for"):
            Plan.create({"user_id": self.foreigner.id, "company_id": self.company.id, **day})

    def test_a_user_of_the_second_company_reads_and_enters_nothing_here(self):
        plan = self._create(self.env.user, self.salesman, target_revenue=1000.0)
        Plan = self.env["crm.sales.plan"].with_user(self.foreigner)
        self.assertFalse(Plan.search([]))
        self.assertFalse(Plan.read_group([], ["actual_revenue:sum"], [])[0]["actual_revenue"])
        with self._refused(AccessError, r"Sales plan"):
            plan.with_user(self.foreigner).read(["actual_revenue"])
        with self._refused(AccessError, r"Sales plan"):
            plan.with_user(self.foreigner).action_refresh_actuals()
        with self._refused(UserError, r"Sales plan|Anna Salesman does not work for Second Co"):
            self._create(self.foreigner, self.salesman)

    def test_a_leader_reads_the_figures_of_their_team_only(self):
        mine = self._create(self.env.user, self.salesman, target_revenue=1000.0)
        self.env["crm.sales.plan"].create(
            {"user_id": self.outsider.id, "date_from": mine.date_from, "date_to": mine.date_to}
        )
        Plan = self.env["crm.sales.plan"].with_user(self.leader)
        self.assertEqual(Plan.search([]), mine)
        totals = Plan.read_group([], ["actual_revenue:sum"], [])
        self.assertEqual(totals[0]["actual_revenue"], 0.0, "the outsider's 7,777 is not in the leader's figures")

    def test_copy_from_the_previous_period_skips_who_left_the_team(self):
        from ..odoo_sales_followup.tools.plans import month_bounds, previous_period_start

        date_from = month_bounds(self.today)[0]
        self.env["crm.sales.plan.period"].create(
            {
                "team_id": self.team.id,
                "date_from": previous_period_start("month", date_from),
                "plan_ids": [Command.create({"user_id": self.salesman.id, "target_revenue": 10.0})],
            }
        )
        self.team.member_ids = self.manager  # Anna left the team
        period = self.env["crm.sales.plan.period"].with_user(self.leader).create({"team_id": self.team.id})
        period.with_user(self.leader).action_copy_previous()
        self.assertEqual(period.plan_ids.user_id, self.manager)
