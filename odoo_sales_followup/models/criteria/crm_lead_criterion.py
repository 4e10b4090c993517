from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

#: Fields that only the automatic rules, or the user ticking the line, set.
MET_FIELDS = ("met_date", "met_user_id", "met_origin")


class CrmLeadCriterion(models.Model):
    _name = "crm.lead.criterion"
    _description = "Success criterion of an opportunity"
    _order = "sequence, id"
    _rec_name = "criterion_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    criterion_id = fields.Many2one("crm.success.criterion", string="Criterion", required=True, ondelete="restrict")
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    rule = fields.Selection(related="criterion_id.rule")
    require_attachment = fields.Boolean(related="criterion_id.require_attachment")
    require_date = fields.Boolean(related="criterion_id.require_date")
    is_met = fields.Boolean(string="Met")
    fact_date = fields.Date(string="Date", help="When the fact happened, e.g. the date on the signed act.")
    met_date = fields.Datetime(string="Met on", readonly=True)
    met_user_id = fields.Many2one("res.users", string="Met by", readonly=True)
    met_origin = fields.Reference(
        selection=[("sale.order", "Sales Order"), ("account.move", "Invoice")],
        string="Met by document",
        readonly=True,
        help="The quotation, order or invoice whose fact met the criterion automatically.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Documents", help="Evidence, e.g. the signed act.")
    # Stored copies of the opportunity, for the criteria analysis.
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", store=True)
    team_id = fields.Many2one(related="lead_id.team_id", string="Sales Team", store=True)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    stage_id = fields.Many2one(related="lead_id.stage_id", string="Stage", store=True)
    lead_active = fields.Boolean(related="lead_id.active", string="Open or won", store=True)
    is_won = fields.Boolean(related="lead_id.stage_id.is_won", string="Won", store=True)
    date_won = fields.Datetime(compute="_compute_date_won", string="Won on", store=True)
    days_from_won = fields.Float(
        compute="_compute_days_from_won",
        string="Days from won",
        store=True,
        aggregator="avg",
        help="Days between winning the deal and meeting the criterion (negative when met before).",
    )

    _sql_constraints = [
        ("lead_criterion_uniq", "unique(lead_id, criterion_id)", "A criterion appears only once per opportunity."),
    ]

    @api.depends("is_won", "lead_id.date_closed")
    def _compute_date_won(self):
        for line in self:
            line.date_won = line.lead_id.date_closed if line.is_won else False

    @api.depends("date_won", "met_date", "is_met")
    def _compute_days_from_won(self):
        for line in self:
            if line.is_met and line.date_won and line.met_date:
                line.days_from_won = round((line.met_date - line.date_won).total_seconds() / 86400, 1)
            else:
                line.days_from_won = 0.0

    @api.constrains("is_met", "attachment_ids", "fact_date")
    def _check_evidence(self):
        for line in self.filtered(lambda line: line.is_met and not line.met_origin):
            if line.require_attachment and not line.attachment_ids:
                raise ValidationError(
                    _(
                        '"%(criterion)s" on "%(lead)s" can only be met with a document attached.',
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                    )
                )
            if line.require_date and not line.fact_date:
                raise ValidationError(
                    _(
                        '"%(criterion)s" on "%(lead)s" can only be met with the date of the fact.',
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._prepare_met_values(vals) for vals in vals_list]
        lines = super().create(vals_list)
        lines.filtered("is_met")._log_on_leads()
        return lines

    def write(self, vals):
        vals = self._prepare_met_values(vals)
        changed = self.filtered(lambda line: line.is_met != vals["is_met"]) if "is_met" in vals else self.browse()
        result = super().write(vals)
        changed._log_on_leads()
        return result

    def _prepare_met_values(self, vals):
        """Who met a criterion, and when, is recorded by the addon, never taken from the caller."""
        if self.env.context.get("followup_criteria_auto"):
            return vals
        vals = {key: value for key, value in vals.items() if key not in MET_FIELDS}
        if "is_met" in vals:
            met = bool(vals["is_met"])
            vals.update(
                met_date=fields.Datetime.now() if met else False,
                met_user_id=self.env.uid if met else False,
                met_origin=False,
            )
        return vals

    def _log_on_leads(self):
        """One note per opportunity in its chatter, naming what changed and why."""
        automatic = self.env.context.get("followup_criteria_auto")
        bodies = defaultdict(Markup)
        for line in self:
            name = line.criterion_id.name
            if line.is_met and line.met_origin:
                text = _("%(criterion)s: met by %(document)s", criterion=name, document=line.met_origin.display_name)
            elif line.is_met:
                text = _("%(criterion)s: met", criterion=name)
            elif automatic:
                text = _("%(criterion)s: no longer met, the documents no longer show it", criterion=name)
            else:
                text = _("%(criterion)s: no longer met", criterion=name)
            bodies[line.lead_id.id] += Markup("<li>%s</li>") % text
        if bodies:
            self.lead_id._message_log_batch(
                bodies={lead_id: Markup("<ul>%s</ul>") % body for lead_id, body in bodies.items()}
            )
