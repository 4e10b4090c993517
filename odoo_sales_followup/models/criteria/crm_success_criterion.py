from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: Facts Odoo already knows that can meet a criterion by themselves.
AUTO_RULES = [
    ("proposal_accepted", "A quotation is confirmed or signed online"),
    ("prepayment", "A payment is received on an invoice of its orders"),
    ("full_payment", "Its confirmed orders are paid in full"),
]


class CrmSuccessCriterion(models.Model):
    _name = "crm.success.criterion"
    _description = "Deal success criterion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="What must be true for this criterion to be met.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, help="Leave empty to use the criterion in every company."
    )
    rule = fields.Selection(
        selection=[("manual", "By hand"), *AUTO_RULES],
        string="How it is met",
        required=True,
        default="manual",
        help="By hand: a salesperson ticks it on the opportunity. The other rules tick it, "
        "and untick it, from the opportunity's quotations, invoices and payments.",
    )
    require_attachment = fields.Boolean(
        string="Requires a document", help="It can only be met with a document attached, e.g. the signed act."
    )
    require_date = fields.Boolean(
        string="Requires a date", help="It can only be met with the date of the fact, e.g. the date the act was signed."
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A success criterion with this name already exists."),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # sudo: whether a criterion is in use is decided on every company's documents
        used = self.env["crm.lead.criterion"].sudo()._read_group([("criterion_id", "in", self.ids)], ["criterion_id"])
        stages = self.env["crm.stage"].sudo().search([("required_criterion_ids", "in", self.ids)])
        teams = (
            self.env["crm.team"].sudo().with_context(active_test=False).search([("won_criterion_ids", "in", self.ids)])
        )
        blocked = self & (
            self.browse([criterion.id for (criterion,) in used])
            | stages.required_criterion_ids
            | teams.won_criterion_ids
        )
        if blocked:
            raise UserError(
                _(
                    "These success criteria are used by opportunities, stages or sales teams and cannot be "
                    "deleted; archive them instead: %(names)s.",
                    names=", ".join(blocked.mapped("name")),
                )
            )
