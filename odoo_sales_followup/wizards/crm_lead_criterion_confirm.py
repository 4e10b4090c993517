from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadCriterionConfirm(models.TransientModel):
    _name = "crm.lead.criterion.confirm"
    _description = "Confirm an automatic success criterion by hand"

    line_id = fields.Many2one("crm.lead.criterion", string="Criterion", readonly=True)
    lead_id = fields.Many2one(related="line_id.lead_id")
    rule = fields.Selection(related="line_id.rule")
    reason = fields.Text(
        help="The fact that Odoo's documents do not show, e.g. paid in cash at the office; logged on the opportunity."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            value = vals.get("line_id")
            if value and not (
                isinstance(value, int)
                and not isinstance(value, bool)
                and self.env["crm.lead.criterion"].browse(value).exists()
            ):
                raise UserError(
                    _(
                        "%(field)s: %(value)s is not an existing record.",
                        field=self._fields["line_id"]._description_string(self.env),
                        value=value,
                    )
                )
        return super().create(vals_list)

    def action_confirm(self):
        self.ensure_one()
        if not self.line_id:
            raise UserError(_("Choose the success criterion to confirm by hand."))
        self.line_id._confirm_by_hand(self.reason)
        return {"type": "ir.actions.act_window_close"}
