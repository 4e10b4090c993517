from collections import defaultdict

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

#: Fields the addon records when a line is met (who, when, by which document, why): written
#: in superuser mode only, by the automatic rules and by :meth:`_confirm_by_hand`.
MET_FIELDS = ("met_date", "met_user_id", "met_origin", "met_reason")

#: Fields fixed once a line is created.
FIXED_FIELDS = ("lead_id", "criterion_id")

#: Longest reason a sales administrator gives for a criterion confirmed by hand.
MAX_REASON_LENGTH = 2000


class CrmLeadCriterion(models.Model):
    _name = "crm.lead.criterion"
    _inherit = ["followup.engine.fields.mixin"]
    _description = "Success criterion of an opportunity"
    _order = "sequence, id"
    _rec_name = "criterion_id"
    _followup_engine_fields = MET_FIELDS

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade")
    criterion_id = fields.Many2one("crm.success.criterion", string="Criterion", required=True, ondelete="restrict")
    sequence = fields.Integer(related="criterion_id.sequence", store=True)
    rule = fields.Selection(related="criterion_id.rule")
    require_attachment = fields.Boolean(related="criterion_id.require_attachment")
    require_date = fields.Boolean(related="criterion_id.require_date")
    is_met = fields.Boolean(string="Met")
    # "Met" / "Not met" as a labelled value, for the reports' columns (a boolean groups as Yes/No)
    met_status = fields.Selection(
        [("met", "Met"), ("not_met", "Not met")], compute="_compute_met_status", store=True, string="Status"
    )
    fact_date = fields.Date(string="Date", help="When the fact happened, e.g. the date on the signed act.")
    met_date = fields.Datetime(string="Met on", readonly=True, copy=False)
    met_user_id = fields.Many2one("res.users", string="Met by", readonly=True, copy=False)
    met_origin = fields.Reference(
        selection=[("sale.order", "Sales Order"), ("account.move", "Invoice")],
        string="Met by document",
        readonly=True,
        copy=False,
        help="The quotation, order or invoice whose fact met the criterion automatically.",
    )
    met_reason = fields.Text(
        string="Confirmed by hand because",
        readonly=True,
        copy=False,
        help="Why a sales administrator confirmed this automatic criterion by hand, for a fact Odoo cannot see.",
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

    @api.depends("is_met")
    def _compute_met_status(self):
        for line in self:
            line.met_status = "met" if line.is_met else "not_met"

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
                        '"%(criterion)s" on "%(lead)s" can only be met with its date: fill in "%(field)s" '
                        "(when it happened, e.g. the date on the signed act), then tick it.",
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                        field=self._fields["fact_date"]._description_string(self.env),
                    )
                )

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        lines = self
        if not self.env.su:
            # What the addon records is refused first, whatever else is wrong with the values.
            self._check_followup_engine_values(vals_list)
            # A default sent in the context is a value too: "default_is_met" once ticked every
            # line the engine added to a new opportunity, so it is checked like the others.
            if "default_is_met" in self.env.context:
                vals_list = [{"is_met": self.env.context["default_is_met"], **vals} for vals in vals_list]
                context = {key: value for key, value in self.env.context.items() if key != "default_is_met"}
                lines = self.with_env(self.env(context=context))
        lines._check_create_values(vals_list)
        if self.env.su:
            vals_list = [lines._prepare_met_values(vals) for vals in vals_list]
        lines = super(CrmLeadCriterion, lines).create(vals_list)
        met = lines.filtered("is_met")
        if not self.env.su and met:
            # sudo: who met a line and when are recorded by the addon, in superuser mode only
            met.sudo().write(self._get_met_values(True))
        met._log_on_leads()
        return lines

    def write(self, vals):
        self._check_write_values(vals)
        if "is_met" not in vals:
            return super().write(vals)
        # Who met a line and when change only with its state: re-ticking a met line keeps them.
        changed = self.filtered(lambda line: line.is_met != bool(vals["is_met"]))
        unchanged_vals = {key: value for key, value in vals.items() if key != "is_met"}
        if unchanged_vals and self - changed:
            super(CrmLeadCriterion, self - changed).write(unchanged_vals)
        if changed and self.env.su:
            super(CrmLeadCriterion, changed).write(changed._prepare_met_values(vals))
        elif changed:
            super(CrmLeadCriterion, changed).write(vals)
            # sudo: who met a line and when are recorded by the addon, in superuser mode only
            super(CrmLeadCriterion, changed.sudo()).write(self._get_met_values(bool(vals["is_met"])))
        changed._log_on_leads()
        return True

    # ---- ACTIONS ----

    def action_open_confirm_by_hand(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm by hand"),
            "res_model": "crm.lead.criterion.confirm",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    # ---- BUSINESS METHODS ----

    def _confirm_by_hand(self, reason):
        """Meet these automatic criteria for a fact Odoo cannot see (paid in cash, say), with
        ``reason`` logged on their opportunities. Sales administrators only, on teams that allow
        overriding criteria; the next document event of an opportunity whose documents do not
        show the fact un-meets it again."""
        reason = (reason or "").strip()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only sales administrators can confirm an automatic success criterion by hand."))
        if not self:
            raise UserError(_("Choose the success criterion to confirm by hand."))
        self.check_access("write")
        self.lead_id.check_access("write")
        for line in self:
            if line.rule == "manual":
                raise UserError(
                    _(
                        '"%(criterion)s" on "%(lead)s" is met by hand: tick it on the opportunity.',
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                    )
                )
            if line.is_met:
                raise UserError(
                    _(
                        '"%(criterion)s" on "%(lead)s" is already met.',
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                    )
                )
            if line.lead_id.team_id and not line.lead_id.team_id.criteria_override:
                raise UserError(
                    _(
                        'Sales team "%(team)s" does not allow overriding its criteria: "%(criterion)s" on '
                        '"%(lead)s" is met by its documents only.',
                        team=line.lead_id.team_id.name,
                        criterion=line.criterion_id.name,
                        lead=line.lead_id.name,
                    )
                )
        if not reason:
            raise UserError(_("Give the reason why the criterion is met although its documents do not show it."))
        if len(reason) > MAX_REASON_LENGTH:
            raise UserError(
                _(
                    "The reason is too long (characters: %(length)s, at most %(max)s): shorten it.",
                    length=len(reason),
                    max=MAX_REASON_LENGTH,
                )
            )
        # sudo: who met a criterion is recorded by the addon, and only superuser mode writes it;
        # the user's rights were checked above
        self.sudo().write(
            {
                "is_met": True,
                "met_date": fields.Datetime.now(),
                "met_user_id": self.env.uid,
                "met_origin": False,
                "met_reason": reason,
            }
        )

    def _meet_by_document(self, document, attachments=None, fact_date=None):
        """Meet these lines with ``document`` as their evidence: the hook through which another
        capability records a fact its own document shows (a contract marked signed).

        The caller has checked the user's rights on the document and its opportunity; who met
        the lines, and by which document, is recorded by the addon.
        """
        values = {
            "is_met": True,
            "met_date": fields.Datetime.now(),
            "met_user_id": self.env.uid,
            "met_origin": f"{document._name},{document.id}",
        }
        if attachments:
            values["attachment_ids"] = [Command.link(attachment.id) for attachment in attachments]
        if fact_date:
            values["fact_date"] = fact_date
        # sudo: who met a criterion is recorded by the addon, and only superuser mode writes it
        self.sudo().write(values)

    # ---- PRIVATE HELPERS ----

    def _check_create_values(self, vals_list):
        """Refuse lines without an existing opportunity and criterion, lines on an opportunity
        the user may not edit, criteria of another company, and (for users) what the addon records."""
        for vals in vals_list:
            self._check_met_status(vals)

        def ids_of(name):
            return {
                vals[name] for vals in vals_list if isinstance(vals.get(name), int) and not isinstance(vals[name], bool)
            }

        # sudo: to name what is refused, even a criterion of a company the user does not see;
        # the user's own access is checked below, and these records are not returned
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).browse(ids_of("lead_id")).exists()
        criteria = (
            self.env["crm.success.criterion"].sudo().with_context(active_test=False).browse(ids_of("criterion_id"))
        ).exists()
        for vals in vals_list:
            lead = leads.filtered(lambda lead, vals=vals: lead.id == vals.get("lead_id"))
            criterion = criteria.filtered(lambda criterion, vals=vals: criterion.id == vals.get("criterion_id"))
            if not vals.get("lead_id"):
                raise UserError(_("A success criterion line needs an opportunity."))
            if not lead:
                raise UserError(
                    _("A success criterion line needs an existing opportunity, not %(value)s.", value=vals["lead_id"])
                )
            if not vals.get("criterion_id"):
                raise UserError(_('A success criterion line of "%(lead)s" needs a criterion.', lead=lead.name))
            if not criterion:
                raise UserError(
                    _(
                        'A success criterion line of "%(lead)s" needs an existing criterion, not %(value)s.',
                        lead=lead.name,
                        value=vals["criterion_id"],
                    )
                )
            if criterion.company_id and criterion.company_id != lead.company_id:
                raise UserError(
                    _(
                        'Success criterion "%(criterion)s" belongs to %(company)s and cannot be listed on '
                        '"%(lead)s", an opportunity of another company.',
                        criterion=criterion.name,
                        company=criterion.company_id.name,
                        lead=lead.name,
                    )
                )
            if self.env.su:
                continue
            if vals.get("is_met") and criterion.rule != "manual":
                raise UserError(self._get_automatic_message(criterion))
        if not self.env.su:
            # the checklist is part of the opportunity: adding to it is editing the opportunity
            leads.with_env(self.env).check_access("write")

    def _check_write_values(self, vals):
        """Refuse to move lines to another opportunity or criterion and, for users, to write
        what the addon records or to tick an automatic criterion by hand."""
        self._check_met_status(vals)
        for name in FIXED_FIELDS:
            if name not in vals:
                continue
            moved = self.filtered(lambda line, name=name: line[name].id != vals[name])
            if moved:
                raise UserError(
                    _(
                        'The %(field)s of "%(criterion)s" on "%(lead)s" is fixed once the line is created: '
                        "remove the line and add the criterion where it belongs.",
                        field=self._fields[name]._description_string(self.env),
                        criterion=moved[0].criterion_id.name,
                        lead=moved[0].lead_id.name,
                    )
                )
        if self.env.su:
            return
        # What the addon records is refused first, whatever else is wrong with the values.
        self._check_followup_engine_fields(vals)
        if "is_met" in vals:
            automatic = self.filtered(lambda line: line.rule != "manual" and line.is_met != bool(vals["is_met"]))
            if automatic:
                raise UserError(self._get_automatic_message(automatic[0].criterion_id))

    def _check_met_status(self, vals):
        """The status follows "Met": nobody writes it, whatever their rights."""
        if "met_status" in vals:
            raise UserError(
                _(
                    '"%(field)s" of a success criterion follows "%(met)s": tick or untick the criterion instead.',
                    field=self._fields["met_status"]._description_string(self.env),
                    met=self._fields["is_met"]._description_string(self.env),
                )
            )

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        return _(
            '"%(field)s" is recorded by Odoo when a success criterion is met and cannot be '
            "written by hand (%(criteria)s).",
            field=self._fields[fnames[0]]._description_string(self.env),
            criteria=", ".join(dict.fromkeys(names)),
        )

    @api.model
    def _get_followup_engine_create_names(self, vals_list):
        ids = [vals["criterion_id"] for vals in vals_list if type(vals.get("criterion_id")) is int]
        # sudo: the names of the criteria in the refusal, even of a company the user does not see
        return self.env["crm.success.criterion"].sudo().browse(ids).exists().mapped("name")

    def _get_automatic_message(self, criterion):
        facts = self.env["crm.success.criterion"]._get_rule_facts()
        return _(
            '"%(criterion)s" is met automatically once %(fact)s, and unmet when its documents no longer '
            "show it: it cannot be ticked or unticked by hand. A sales administrator can confirm it by hand, "
            "giving a reason.",
            criterion=criterion.name,
            fact=facts.get(criterion.rule)
            or dict(criterion._fields["rule"]._description_selection(self.env)).get(criterion.rule, criterion.rule),
        )

    def _prepare_met_values(self, vals):
        """``vals`` with who met a criterion, and when, for a line ticked or unticked in
        superuser mode (the automatic rules, :meth:`_confirm_by_hand`), which may give them
        itself; for users, the addon records them after their write (see ``write``)."""
        if "is_met" not in vals:
            return vals
        return {**self._get_met_values(bool(vals["is_met"])), **vals}

    def _get_met_values(self, met):
        """Who met a criterion and when, as recorded when a line is ticked (``met``) or unticked."""
        return {
            "met_date": fields.Datetime.now() if met else False,
            "met_user_id": self.env.uid if met else False,
            "met_origin": False,
            "met_reason": False,
        }

    def _log_on_leads(self):
        """One note per opportunity in its chatter, naming what changed and why."""
        bodies = defaultdict(Markup)
        for line in self:
            name = line.criterion_id.name
            if line.is_met and line.met_origin:
                text = _("%(criterion)s: met by %(document)s", criterion=name, document=line.met_origin.display_name)
            elif line.is_met and line.met_reason:
                text = _(
                    "%(criterion)s: confirmed by hand by %(user)s. Reason: %(reason)s",
                    criterion=name,
                    user=line.met_user_id.name,
                    reason=line.met_reason,
                )
            elif line.is_met:
                text = _("%(criterion)s: met", criterion=name)
            elif line.rule != "manual":
                # only the automatic rules un-meet an automatic criterion
                text = _("%(criterion)s: no longer met, the documents no longer show it", criterion=name)
            else:
                text = _("%(criterion)s: no longer met", criterion=name)
            bodies[line.lead_id.id] += Markup("<li>%s</li>") % text
        if bodies:
            self.lead_id._message_log_batch(
                bodies={lead_id: Markup("<ul>%s</ul>") % body for lead_id, body in bodies.items()}
            )
