from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

from .followup_contract import STATES


class AccountMove(models.Model):
    _inherit = "account.move"

    followup_act_lead_id = fields.Many2one(
        "crm.lead",
        compute="_compute_followup_act",
        string="Deal of the act",
        compute_sudo=True,
        groups="sales_team.group_sale_salesman",
    )
    followup_act_id = fields.Many2one(
        "followup.contract",
        compute="_compute_followup_act",
        string="Act of completed work",
        compute_sudo=True,
        groups="sales_team.group_sale_salesman",
    )
    followup_act_state = fields.Selection(
        STATES,
        compute="_compute_followup_act",
        string="Act status",
        compute_sudo=True,
        groups="sales_team.group_sale_salesman",
    )

    # Only for salespeople: an accountant without sales rights reads no deal nor act.
    # compute_sudo: which deal an invoice is of, and its act, whatever the reader may read of
    # its orders; the actions check the user's rights on the deal
    def _compute_followup_act(self):
        for move in self:
            lead = (
                move.line_ids.sale_line_ids.order_id.opportunity_id[:1]
                if move.move_type == "out_invoice"
                else self.env["crm.lead"]
            )
            move.followup_act_lead_id = lead
            act = lead.act_id if lead.act_id.move_id == move else self.env["followup.contract"]
            move.followup_act_id = act
            move.followup_act_state = act.state

    # ---- ACTIONS ----

    def action_prepare_act(self):
        """*Prepare act* on the invoice: the act of completed work of its deal, from this invoice."""
        self.ensure_one()
        lead = self._get_followup_act_lead()
        # the form's defaults (default_move_type...) are not the act's nor its files'
        move = self.with_env(self.env(context=clean_context(self.env.context)))
        return lead.with_env(move.env)._action_prepare_act(move=move)

    def action_send_act(self):
        """*Send act* on the invoice: the composer of its deal with the act's PDF."""
        self.ensure_one()
        lead = self._get_followup_act_lead()
        if lead.act_id.move_id != self:
            raise UserError(_("Prepare the act of invoice %(invoice)s before sending it.", invoice=self.name))
        return lead.action_send_act()

    def _get_followup_act_lead(self):
        """The deal of this invoice, with the user's environment; refused when there is none."""
        self.ensure_one()
        lead = self.followup_act_lead_id
        if not lead:
            raise UserError(
                _(
                    "Invoice %(invoice)s is not one of an opportunity's orders: an act of completed work is "
                    "prepared for a deal.",
                    invoice=self.name,
                )
            )
        return lead.with_env(self.env)
