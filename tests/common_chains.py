import json
from datetime import date, datetime
from uuid import uuid4

from odoo import Command

from odoo.addons.bus.models.bus import channel_with_db, json_dump
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import RelationshipLevelCommon

#: Friday 20 November 2026; Monday the 23rd is a holiday of the company's calendar.
FRIDAY = date(2026, 11, 20)
HOLIDAY = date(2026, 11, 23)


class ChainCommon(RelationshipLevelCommon):
    """The sales world of the levels, plus what chains need.

    calendar: Monday to Friday, Monday 23 November 2026 a public holiday
    team "Direct sales": leader Mark Manager, member Anna Salesman
    stages: New -> Proposal -> Won (is_won)
    colleague: Colin Colleague, a salesperson of his own documents only
    the shipped chains are archived; each test builds or reactivates its own
    """

    opportunity_defaults = {"expected_revenue": 10000}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["followup.chain"].search([]).action_archive()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.attendance_ids.filtered(lambda att: int(att.dayofweek) > 4).unlink()
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime.combine(HOLIDAY, datetime.min.time()),
                "date_to": datetime.combine(HOLIDAY, datetime.max.time().replace(microsecond=0)),
            }
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Direct sales",
                "user_id": cls.manager.id,
                "member_ids": [Command.link(cls.salesman.id)],
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "New", "sequence": 1})
        cls.stage_proposal = Stage.create({"name": "Proposal", "sequence": 2})
        cls.stage_won = Stage.create({"name": "Won", "sequence": 3, "is_won": True})
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.Chain = cls.env["followup.chain"]
        cls.Run = cls.env["followup.chain.run"]
        cls.colleague = mail_new_test_user(
            cls.env, login="osf_colleague", name="Colin Colleague", groups="sales_team.group_sale_salesman"
        )
        cls.not_interested_reason = cls.env.ref("odoo_sales_followup.lost_reason_not_interested")

    def _chain(self, trigger="manual", steps=None, **values):
        """A chain with ``steps``: dicts of step values, each optionally with ``outcomes`` (an
        outcome that marks the opportunity lost has the shipped reason *Not interested* unless
        given another)."""
        step_commands = []
        for sequence, step in enumerate(steps or [{"name": "Call"}], start=1):
            step = dict(step)
            outcomes = step.pop("outcomes", [])
            step.setdefault("activity_type_id", self.call.id)
            step.setdefault("sequence", sequence * 10)
            for outcome in outcomes:
                if outcome.get("action") == "lost":
                    outcome.setdefault("lost_reason_id", self.not_interested_reason.id)
            step["outcome_ids"] = [
                Command.create(dict(outcome, sequence=index)) for index, outcome in enumerate(outcomes, start=1)
            ]
            step_commands.append(Command.create(step))
        return self.Chain.create(
            {"name": values.pop("name", f"Chain {trigger}"), "trigger": trigger, "step_ids": step_commands, **values}
        )

    @classmethod
    def _branch(cls, name="Branch B", accounting=False):
        """A second company with its Sales administrator, who works in that company only
        (``branch_admin``); with ``accounting``, its chart of accounts, to invoice there."""
        company = cls.env["res.company"].create({"name": name})
        if accounting:
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        admin = mail_new_test_user(
            cls.env,
            login=f"osf_admin_{company.id}",
            name=f"{name} Administrator",
            groups="sales_team.group_sale_manager,base.group_system",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        return company, admin

    def _overdue_invoice(self, partner, company=None, due=date(2026, 10, 31)):
        """A posted customer invoice of ``company`` (else the test's), due on ``due``."""
        Move = self.env["account.move"].with_company(company) if company else self.env["account.move"]
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 10, 1),
                "invoice_date_due": due,
                "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 500.0})],
            }
        )
        invoice.action_post()
        invoice.invoice_date_due = due
        return invoice

    def _runs(self, record):
        return self.Run.search([("res_model", "=", record._name), ("res_id", "=", record.id)], order="id")

    def _done_wizard(self, run, outcome=None, feedback=False, user=None):
        """The window of the Done button of ``run``'s line as it shows now (its current step and
        activity), opened by ``user`` (else the test's user)."""
        action = self._click_done(run, run.step_id, run.activity_id, user)
        self.assertEqual(action.get("res_model"), "followup.chain.done.wizard", action.get("params"))
        Wizard = self.env["followup.chain.done.wizard"].with_user(user or self.env.user)
        return Wizard.with_context(**action["context"]).create(
            {"outcome_id": outcome.id if outcome else False, "feedback": feedback}
        )

    def _click_done(self, run, step, activity, user=None):
        """What the Done button of a line of ``run`` that shows ``step`` and ``activity`` returns,
        clicked by ``user`` (else the test's user): the button passes them in its context."""
        return (
            run.with_user(user or self.env.user)
            .with_context(followup_done_step_id=step.id, followup_done_activity_id=activity.id)
            .action_open_done_wizard()
        )

    def _done(self, run, outcome=None, feedback=False, user=None):
        """Mark the run's current activity done, as the chain's Done button does."""
        activity = run.activity_id
        self.assertTrue(activity, "the run has an open activity")
        self._done_wizard(run, outcome, feedback, user).action_done()
        return activity

    def _notifications(self, user):
        """The payloads of the pop-up notifications (``simple_notification``) sent to ``user`` so far."""
        self.env.cr.flush()  # the bus messages of the transaction are written before its commit
        channel = json_dump(channel_with_db(self.env.cr.dbname, user._bus_channel()))
        messages = [json.loads(bus.message) for bus in self.env["bus.bus"].search([("channel", "=", channel)])]
        return [message["payload"] for message in messages if message["type"] == "simple_notification"]


class ListeningCommon(ChainCommon):
    """The chains' world, plus the people who write to a deal.

    Anna Acme and Boris Acme: contacts of Acme Corp, the deals' customer
    Gina Globex: a contact of another customer; Eve: an address nobody knows
    chain "Proposal answer": Wait for the answer (Customer replied / Paid / Signed: next step;
    No reply: next step) -> Call about the answer
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna.email = "anna@acme.example.com"
        cls.boris.email = "boris@acme.example.com"
        cls.gina = cls.env["res.partner"].create(
            {"name": "Gina Globex", "parent_id": cls.globex.id, "email": "gina@globex.example.com"}
        )

    def _waiting_chain(self, events=("reply", "no_answer"), first=None, **values):
        """A chain on opportunities: a waiting step whose outcomes are given by ``events``
        (each goes on to the next step unless ``first`` gives the first outcome's values),
        then *Call about the answer*."""
        labels = {"reply": "Customer replied", "payment": "Paid", "signature": "Signed", "no_answer": "No reply"}
        outcomes = [{"name": labels[event], "action": "next", "customer_event": event} for event in events]
        if first:
            outcomes[0].update(first)
        return self._chain(
            "manual",
            [
                {"name": "Wait for the answer", "activity_type_id": self.todo.id, "delay": 3, "outcomes": outcomes},
                {"name": "Call about the answer", "delay": 1},
            ],
            name=values.pop("name", "Proposal answer"),
            **values,
        )

    def _send_to_customer(self, record, partner=None):
        """The salesperson's email to the customer on ``record``: the message a reply answers."""
        return (
            record.with_user(self.salesman)
            .with_context(mail_notify_force_send=False)
            .message_post(
                body="Here is our proposal.",
                subject="Our proposal",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=(partner or self.anna).ids,
            )
        )

    def _process_reply(self, parent, email_from, subject="Re: Our proposal", body="We agree, let us talk."):
        """An email answering ``parent``, received by Odoo's mail gateway as the fetchmail job does."""
        address = email_from.split("<")[-1].strip(">")
        raw = "\r\n".join(
            [
                f"Return-Path: <{address}>",
                f"From: {email_from}",
                "To: sales@company.example.com",
                f"Subject: {subject}",
                "Date: Fri, 20 Nov 2026 10:00:00 +0000",
                f"Message-ID: <{uuid4()}@mail.example.com>",
                f"In-Reply-To: {parent.message_id}",
                f"References: {parent.message_id}",
                "MIME-Version: 1.0",
                'Content-Type: text/plain; charset="utf-8"',
                "Content-Transfer-Encoding: 8bit",
                "",
                body,
                "",
            ]
        )
        # fetched mail is processed with administrative rights, as Odoo's own tests do
        self.env["mail.thread"].sudo().message_process(None, raw.encode())
        self._end_transaction()

    def _line(self, run):
        return run.line_ids.sorted("id")[-1:]
