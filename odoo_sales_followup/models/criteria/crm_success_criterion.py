from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

#: Facts Odoo already knows that can meet a criterion by themselves.
AUTO_RULES = [
    ("proposal_accepted", "A quotation is confirmed or signed online"),
    ("prepayment", "A payment is received on an invoice of its orders"),
    ("full_payment", "Its confirmed orders are paid in full"),
]

#: Longest criterion name: it is part of a unique index, which PostgreSQL limits in size.
MAX_NAME_LENGTH = 200
#: Longest description of a criterion.
MAX_DESCRIPTION_LENGTH = 5000
#: Sequences are PostgreSQL integers.
MAX_SEQUENCE = 2**31 - 1


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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # sudo: whether a criterion is in use is decided on every company's documents
        used = self.env["crm.lead.criterion"].sudo()._read_group([("criterion_id", "in", self.ids)], ["criterion_id"])
        stages = self.env["crm.stage"].sudo().search([("required_criterion_ids", "in", self.ids)])
        teams = (
            self.env["crm.team"].sudo().with_context(active_test=False).search([("won_criterion_ids", "in", self.ids)])
        )
        leads = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search([("won_criterion_kept_ids", "in", self.ids)])
        )
        blocked = self & (
            self.browse([criterion.id for (criterion,) in used])
            | stages.required_criterion_ids
            | teams.won_criterion_ids
            | leads.won_criterion_kept_ids
        )
        if blocked:
            raise UserError(
                _(
                    "These success criteria are used by opportunities, stages or sales teams and cannot be "
                    "deleted; archive them instead: %(names)s.",
                    names=", ".join(blocked.mapped("name")),
                )
            )

    def _check_values(self, vals):
        """Refuse, before they reach the database, a name or description too long for it and a
        sequence out of its range, with a message rather than PostgreSQL's error."""
        name = vals.get("name")
        if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
            raise ValidationError(
                _(
                    'The name of a success criterion is too long ("%(start)s...", characters: %(length)s, at '
                    "most %(max)s): shorten it.",
                    length=len(name),
                    start=name[:40],
                    max=MAX_NAME_LENGTH,
                )
            )
        description = vals.get("description")
        if isinstance(description, str) and len(description) > MAX_DESCRIPTION_LENGTH:
            raise ValidationError(
                _(
                    "The description of a success criterion is too long (characters: %(length)s, at most "
                    "%(max)s): shorten it.",
                    length=len(description),
                    max=MAX_DESCRIPTION_LENGTH,
                )
            )
        sequence = vals.get("sequence")
        if isinstance(sequence, int) and not -MAX_SEQUENCE <= sequence <= MAX_SEQUENCE:
            raise ValidationError(
                _(
                    "The sequence of a success criterion must be between %(min)s and %(max)s, not %(value)s.",
                    min=-MAX_SEQUENCE,
                    max=MAX_SEQUENCE,
                    value=sequence,
                )
            )

    def _get_rule_facts(self):
        """Hook: {rule: the fact that meets a criterion of that rule}, as a phrase that ends
        "... is met automatically once <phrase>", named when a user tries to tick it by hand.
        A capability that adds a rule (``selection_add`` on ``rule``) adds its phrase."""
        return {
            "proposal_accepted": _("a quotation of the opportunity is confirmed or signed online"),
            "prepayment": _("an invoice of its orders is partly or fully paid"),
            "full_payment": _("the invoices of its orders are paid in full"),
        }
