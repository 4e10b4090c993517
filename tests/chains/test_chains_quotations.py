from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from ..common_chains import FRIDAY, ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestQuotationChains(ChainCommon):
    """The shipped *Quotation follow-up* runs on the quotation itself, from the day it is sent
    until it is confirmed, cancelled or expired; its steps show on the opportunity's tab."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = cls.env.ref("odoo_sales_followup.chain_proposal_followup")
        cls.chain.action_unarchive()
        cls.email = cls.env.ref("mail.mail_activity_data_email")
        cls.reached = cls.env.ref("odoo_sales_followup.chain_proposal_followup_outcome_reached")

    def _bare_quotation(self):
        """A quotation of Acme by the salesperson, with no opportunity."""
        return self.env["sale.order"].create(
            {
                "partner_id": self.acme.id,
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "validity_date": date(2026, 12, 31),
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 800.0})],
            }
        )

    def test_the_shipped_chain_runs_on_quotations_in_three_business_day_steps(self):
        self.assertRecordValues(self.chain, [{"trigger": "quotation_sent", "res_model": "sale.order"}])
        steps = self.chain._get_steps()
        self.assertEqual(steps.activity_type_id.ids, [self.call.id, self.email.id])
        self.assertEqual(steps.mapped("delay"), [2, 5, 9])
        self.assertEqual(set(steps.mapped("delay_unit")), {"business_days"})
        self.assertEqual(set(steps.mapped("delay_from")), {"trigger"})
        # a chain of quotations cannot be made to run on opportunities
        with self.assertRaisesRegex(ValidationError, "is started by its trigger on Quotation records"):
            self.chain.write({"res_model": "crm.lead"})

    def test_a_quotation_without_opportunity_starts_its_chain_when_marked_sent(self):
        order = self._bare_quotation()
        order.action_quotation_sent()
        run = self._runs(order)
        self.assertRecordValues(
            run,
            [
                {
                    "chain_id": self.chain.id,
                    "state": "running",
                    "lead_id": False,
                    "partner_id": self.acme.id,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "res_name": order.name,
                }
            ],
        )
        # Friday + 2 business days (the weekend and Monday's holiday skipped), on the quotation
        self.assertRecordValues(
            order.activity_ids,
            [{"summary": "Call about the proposal", "date_deadline": date(2026, 11, 25), "user_id": self.salesman.id}],
        )
        self.assertEqual(order.followup_run_ids, run)
        # sent again: the chain already runs, none more
        reminder = "Reminder"  # what the customer reads, not a term of the addon
        order.with_context(mark_so_as_sent=True).message_post(body=reminder)
        self.assertEqual(self._runs(order), run)

    def test_send_by_email_starts_the_chain(self):
        order = self._bare_quotation()
        # what the email composer of "Send by email" does when the email goes
        email = "Your quotation"  # what the customer reads, not a term of the addon
        order.with_context(mark_so_as_sent=True).message_post(body=email)
        self.assertEqual(order.state, "sent")
        self.assertEqual(self._runs(order).chain_id, self.chain)

    def test_steps_sit_on_the_quotation_and_show_on_the_opportunitys_tab(self):
        lead = self._opportunity()
        order = self._quotation(lead)
        order.action_quotation_sent()
        run = lead.followup_run_ids
        self.assertRecordValues(run, [{"res_model": "sale.order", "res_id": order.id, "lead_id": lead.id}])
        self.assertFalse(lead.activity_ids)
        # the salesperson does the call from the opportunity's tab: the email is planned on day 5
        self._done(run, self.reached, user=self.salesman)
        self.assertRecordValues(
            order.activity_ids,
            [{"summary": "Reminder email about the quotation", "date_deadline": date(2026, 11, 30)}],
        )
        self.assertEqual(run.line_ids.mapped("name"), ["Call about the proposal"])
        # the runs list finds the run by its quotation's number
        self.assertEqual(self.Run.search([("res_name", "ilike", order.name)]), run)

    def test_confirming_the_quotation_stops_the_chain(self):
        order = self._quotation(self._opportunity())
        order.action_quotation_sent()
        run = self._runs(order)
        order.action_confirm()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "confirmed", "date_end": FRIDAY}])
        self.assertFalse(order.activity_ids)
        reasons = dict(self.Run._fields["stop_reason"]._description_selection(self.env))
        self.assertEqual(reasons[run.stop_reason], "Quotation confirmed")

    def test_cancelling_the_quotation_stops_the_chain(self):
        order = self._bare_quotation()
        order.action_quotation_sent()
        run = self._runs(order)
        order._action_cancel()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "cancelled"}])
        self.assertFalse(order.activity_ids)

    def test_an_expired_quotation_stops_its_chain_the_next_day(self):
        order = self._bare_quotation()
        order.action_quotation_sent()
        run = self._runs(order)
        order.validity_date = FRIDAY
        self.Run._cron_stop_without_purpose()
        self.assertEqual(run.state, "running", "valid through its last day")
        with freeze_time(FRIDAY + timedelta(days=1)):
            self.Run._cron_stop_without_purpose()
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "expired"}])
        self.assertFalse(order.activity_ids)

    def test_a_step_done_after_the_expiry_ends_the_chain(self):
        order = self._bare_quotation()
        order.action_quotation_sent()
        run = self._runs(order)
        order.validity_date = FRIDAY - timedelta(days=1)
        self._done(run, self.reached)
        self.assertRecordValues(run, [{"state": "stopped", "stop_reason": "expired"}])
        self.assertFalse(order.activity_ids)

    def test_a_deleted_quotation_takes_its_runs(self):
        order = self._bare_quotation()
        order.action_quotation_sent()
        run = self._runs(order)
        order._action_cancel()
        order.unlink()
        self.assertFalse(run.exists())
