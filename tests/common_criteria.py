from odoo import Command

from .common import RelationshipLevelCommon


class SuccessCriteriaCommon(RelationshipLevelCommon):
    """The world of the levels, plus a sales team that sells long projects.

    team "Projects" (salesman and manager are members)
    ├── stages: New, Proposal, Payment receipt (requires "Proposal accepted" and
    │   "Prepayment received"), Won (won stage; the team requires "Full payment
    │   received" and "Acceptance act signed" to win)
    └── its deal checklist: every active criterion (the team lists none)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.proposal_accepted = ref("odoo_sales_followup.criterion_proposal_accepted")
        cls.contract_signed = ref("odoo_sales_followup.criterion_contract_signed")
        cls.prepayment = ref("odoo_sales_followup.criterion_prepayment")
        cls.act_signed = ref("odoo_sales_followup.criterion_act_signed")
        cls.full_payment = ref("odoo_sales_followup.criterion_full_payment")
        cls.trial_finished = ref("odoo_sales_followup.criterion_trial_finished")
        cls.positive_review = ref("odoo_sales_followup.criterion_positive_review")
        cls.recommendation = ref("odoo_sales_followup.criterion_recommendation")
        cls.after_sale_type = ref("odoo_sales_followup.mail_activity_type_after_sale_call")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Projects",
                "use_opportunities": True,
                "member_ids": [Command.set((cls.salesman | cls.manager).ids)],
                "won_criterion_ids": [Command.set((cls.full_payment | cls.act_signed).ids)],
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_new, cls.stage_proposal, cls.stage_payment, cls.stage_won = Stage.create(
            [
                {"name": "New", "sequence": 1, "team_id": cls.team.id},
                {"name": "Proposal", "sequence": 2, "team_id": cls.team.id},
                {
                    "name": "Payment receipt",
                    "sequence": 3,
                    "team_id": cls.team.id,
                    "required_criterion_ids": [Command.set((cls.proposal_accepted | cls.prepayment).ids)],
                },
                {"name": "Won", "sequence": 4, "team_id": cls.team.id, "is_won": True},
            ]
        )

    def _deal(self, **values):
        """An opportunity of the Projects team, created by its salesperson."""
        return self._opportunity(user=self.salesman, **{"name": "Acme ERP rollout", **values})

    def _line(self, deal, criterion):
        return deal.criterion_line_ids.filtered(lambda line: line.criterion_id == criterion)

    def _met(self, deal):
        return deal.criterion_line_ids.filtered("is_met").criterion_id

    def _tick(self, deal, criterion, user=None, **values):
        line = self._line(deal, criterion).with_user(user or self.salesman)
        line.write({"is_met": True, **values})
        return line

    def _attachment(self, name="signed.pdf"):
        """A document to attach as evidence."""
        return self.env["ir.attachment"].create({"name": name, "raw": b"%PDF signed"})

    def _override(self, deal, stage, reason="The director confirmed it", user=None):
        """Move ``deal`` to ``stage`` despite missing criteria with the override wizard, as
        ``user`` (else the Sales administrator)."""
        wizard = (
            self.env["crm.lead.criteria.override"]
            .with_user(user or self.manager)
            .create({"lead_id": deal.id, "stage_id": stage.id, "reason": reason})
        )
        wizard.action_confirm()
        return wizard

    def _confirm_by_hand(self, deal, criterion, reason="Paid in cash at the office", user=None):
        """Confirm the automatic ``criterion`` of ``deal`` by hand, as ``user`` (else the Sales
        administrator); the line."""
        line = self._line(deal, criterion)
        wizard = (
            self.env["crm.lead.criterion.confirm"]
            .with_user(user or self.manager)
            .create({"line_id": line.id, "reason": reason})
        )
        wizard.action_confirm()
        return line

    def _xmlid(self, record):
        """The external id of ``record``, created for it as an export does when it has none."""
        record = record.sudo()  # whoever created it, the test's administrator exports it
        return record.get_external_id()[record.id] or record.export_data(["id"])["datas"][0][0]

    def _criteria_note(self, deal):
        """The body of the latest chatter note listing criteria changes on ``deal``."""
        notes = deal.message_ids.filtered(lambda message: (message.body or "").startswith("<ul><li>"))
        return notes[:1].body
