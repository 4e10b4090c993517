from odoo import api, fields, models
from odoo.tools import SQL

from .. import before_commit

#: Key of the invoices whose chains may have to stop at the end of the transaction:
#: {invoice id: whether it was paid just now (and so ends the steps that wait for a payment)}.
PENDING_PAID = "odoo_sales_followup.chain_paid_invoices"

#: The chains' triggers of customer invoices (``followup.chain.trigger``).
INVOICE_TRIGGERS = [
    ("invoice_posted", "Customer invoice posted"),
    ("invoice_overdue", "Customer invoice overdue"),
]


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "followup.chain.record"]
    _followup_record_sequence = 30

    followup_run_ids = fields.One2many(
        "followup.chain.run", compute="_compute_followup_run_ids", string="Activity chains"
    )

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        result = super().write(vals)
        if invoices:
            if vals["state"] == "posted":
                self.env["followup.chain"]._start_chains("invoice_posted", invoices)
            else:
                self.env["followup.chain.run"]._stop_on_records(invoices)
        return result

    def _compute_payment_state(self):
        result = super()._compute_payment_state()
        paid = self.filtered(
            lambda move: move.move_type == "out_invoice" and move.payment_state in ("paid", "in_payment", "reversed")
        )
        paid_ids = [move_id for move_id in paid.ids if isinstance(move_id, int)]
        if paid_ids:
            # Computed while flushing a payment: stop the invoices' chains just before the commit.
            pending = before_commit.collect(
                self.env, PENDING_PAID, self.env["account.move"]._stop_paid_invoice_chains, factory=dict
            )
            # The database still holds the state before this computation: the invoices paid just now
            # (not those recomputed later, nor in payment before) end the steps that wait for a payment.
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM account_move WHERE id = ANY(%s) AND payment_state NOT IN ('paid', 'in_payment')",
                    paid_ids,
                )
            )
            newly_paid = {row[0] for row in self.env.cr.fetchall()}
            for move in paid.filtered(lambda move: move.id in newly_paid and move.payment_state != "reversed"):
                pending[move.id] = True
            for move_id in paid_ids:
                pending.setdefault(move_id, False)
        return result

    def _stop_paid_invoice_chains(self):
        pending = before_commit.take(self.env, PENDING_PAID, {})
        invoices = self.env["account.move"].sudo().browse(list(pending)).exists()
        Run = self.env["followup.chain.run"]
        # the steps that wait for the payment end with it first (the history names the payment);
        # then the chains of the invoices paid stop, their purpose gone
        Run._on_invoices_paid(invoices.filtered(lambda move: pending[move.id]))
        Run._stop_on_records(invoices, reasons=("paid",))
        self.env.flush_all()

    # ---- mail.thread ----

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self._followup_on_message_posted(message)
        return result

    # ---- followup.chain.record ----

    @api.model
    def _get_followup_record_label(self):
        return self.env._("Customer invoice")

    @api.model
    def _get_followup_triggers(self):
        return tuple(trigger for trigger, _label in INVOICE_TRIGGERS)

    def _get_followup_lead(self):
        """The opportunity this invoice comes from, through its sales orders."""
        self.ensure_one()
        return self.invoice_line_ids.sale_line_ids.order_id.opportunity_id[:1]

    def _get_followup_salesperson(self):
        return self.invoice_user_id

    def _get_followup_amount(self):
        return self.amount_total

    def _get_followup_due_date(self):
        return self.invoice_date_due

    def _get_followup_stop_reason(self, chain):
        if self.state != "posted":
            return "cancelled"
        if self.payment_state in ("paid", "in_payment", "reversed"):
            return "paid"
        return False


class FollowupChain(models.Model):
    _inherit = "followup.chain"

    trigger = fields.Selection(
        selection_add=[*INVOICE_TRIGGERS, ("manual",)],
        ondelete=dict.fromkeys((trigger for trigger, _label in INVOICE_TRIGGERS), "set default"),
    )


class FollowupChainRun(models.Model):
    _inherit = "followup.chain.run"

    stop_reason = fields.Selection(selection_add=[("paid", "Invoice paid")])
