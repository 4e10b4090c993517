from odoo import api, fields, models

#: The chains' triggers of quotations (``followup.chain.trigger``).
QUOTATION_TRIGGERS = [
    ("quotation_sent", "Quotation sent"),
]


class SaleOrder(models.Model):
    """Quotation follow-up: a chain started when a quotation is sent runs on the quotation
    itself, and stops when it is confirmed, cancelled or expired."""

    _name = "sale.order"
    _inherit = ["sale.order", "followup.chain.record"]
    _followup_record_sequence = 20

    followup_run_ids = fields.One2many(
        "followup.chain.run", compute="_compute_followup_run_ids", string="Activity chains"
    )

    # ---- CRUD ----

    def write(self, vals):
        result = super().write(vals)
        state = vals.get("state")
        if state:
            Chain = self.env["followup.chain"]
            # Send by email and Mark as sent both write the state "sent"
            if state == "sent":
                Chain._start_chains("quotation_sent", self)
            else:
                self.env["followup.chain.run"]._stop_on_records(self)
            if state == "sale":
                Chain._start_chains("quotation_confirmed", self.opportunity_id)
        return result

    # ---- mail.thread ----

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self._followup_on_message_posted(message)
        return result

    # ---- followup.chain.record ----

    @api.model
    def _get_followup_record_label(self):
        return self.env._("Quotation")

    @api.model
    def _get_followup_triggers(self):
        return tuple(trigger for trigger, _label in QUOTATION_TRIGGERS)

    def _get_followup_lead(self):
        return self.opportunity_id

    def _get_followup_salesperson(self):
        return self.user_id

    def _get_followup_amount(self):
        return self.amount_total

    def _get_followup_due_date(self):
        return self.validity_date

    def _get_followup_stop_reason(self, chain):
        if self.state == "sale":
            return "confirmed"
        if self.state == "cancel":
            return "cancelled"
        # expired on the quotation's company's day, whoever (a user, the daily job) asks
        if self.validity_date and self.validity_date < self.company_id._get_followup_today():
            return "expired"
        return False


class FollowupChain(models.Model):
    _inherit = "followup.chain"

    trigger = fields.Selection(
        selection_add=[*QUOTATION_TRIGGERS, ("manual",)],
        ondelete=dict.fromkeys((trigger for trigger, _label in QUOTATION_TRIGGERS), "set default"),
    )


class FollowupChainRun(models.Model):
    _inherit = "followup.chain.run"

    stop_reason = fields.Selection(
        selection_add=[("confirmed", "Quotation confirmed"), ("expired", "Quotation expired")]
    )
