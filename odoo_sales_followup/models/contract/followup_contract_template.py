import base64

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools.docx_render import TemplateRenderError, template_fields
from .followup_contract import DOCUMENT_KINDS


class FollowupContractTemplate(models.Model):
    _name = "followup.contract.template"
    _description = "Contract template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    document_kind = fields.Selection(
        DOCUMENT_KINDS,
        string="Kind",
        required=True,
        default="contract",
        index=True,
        help="The document the template prepares: a contract from the quotation, or an act of completed "
        "work from the invoice.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    file = fields.Binary(string="Template (DOCX)", required=True, attachment=True)
    file_name = fields.Char(string="File name")
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        help="The language of the document: its amounts in words and dates. "
        "A customer gets the template in their language when there is one.",
    )
    company_id = fields.Many2one(
        "res.company", string="Company", index=True, help="Leave empty to use the template in every company."
    )
    team_ids = fields.Many2many(
        "crm.team", string="Sales teams", help="Leave empty to use the template in every sales team."
    )
    note = fields.Text(string="Notes")

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.constrains("file", "file_name")
    def _check_file(self):
        for template in self:
            if template.file_name and not template.file_name.lower().endswith(".docx"):
                raise ValidationError(
                    _(
                        '%(template)s: upload a Word document (.docx), not "%(file)s".',
                        template=template._get_title(),
                        file=template.file_name,
                    )
                )
            try:
                template_fields(base64.b64decode(template.file or b""))
            except TemplateRenderError as error:
                raise ValidationError(template._describe_render_error(error)) from error

    @api.constrains("company_id", "team_ids")
    def _check_teams_company(self):
        for template in self.filtered("company_id"):
            foreign = template.team_ids.filtered("company_id") - template.team_ids.filtered_domain(
                [("company_id", "in", [False, template.company_id.id])]
            )
            if foreign:
                raise ValidationError(
                    _(
                        "%(template)s belongs to %(company)s and cannot be used by the sales teams of another "
                        "company: %(teams)s.",
                        template=template._get_title(),
                        company=template.company_id.name,
                        teams=", ".join(foreign.mapped("name")),
                    )
                )

    def _get_template_data(self):
        self.ensure_one()
        return base64.b64decode(self.file or b"")

    def _get_title(self):
        """The template named with its kind, as messages about it begin: *Contract template "X"*,
        *Act template "X"*."""
        self.ensure_one()
        if self.document_kind == "act":
            return _('Act template "%(name)s"', name=self.name or "")
        return _('Contract template "%(name)s"', name=self.name or "")

    def _describe_render_error(self, error):
        """A translated message for a :class:`TemplateRenderError` of this template."""
        name = self._get_title()
        if error.kind == "invalid":
            return _("%(template)s is not a valid Word document (.docx).", template=name)
        if error.kind == "undefined":
            return _(
                '%(template)s uses an unknown placeholder "%(placeholder)s". '
                "The Placeholders tab of the template lists those you can use.",
                template=name,
                placeholder=error.name or error.detail,
            )
        if error.kind == "security":
            return _(
                "%(template)s was refused: it tries to reach what a template may not (%(detail)s).",
                template=name,
                detail=error.detail,
            )
        if error.kind == "syntax":
            return _(
                '%(template)s has an error at line %(line)s ("%(text)s"): %(detail)s.',
                template=name,
                line=error.line or "?",
                text=error.text or "",
                detail=error.detail,
            )
        if error.kind == "size":
            message = _(
                "%(template)s produces a document longer than %(limit)s characters and was stopped: check its "
                "loops and repeated texts.",
                template=name,
                limit=error.detail,
            )
        elif error.kind == "time":
            message = _(
                "%(template)s took longer than %(seconds)s seconds to fill in and was stopped: check its loops.",
                template=name,
                seconds=error.detail,
            )
        else:
            message = _(
                "%(template)s could not be rendered: %(detail)s.",
                template=name,
                detail=error.detail.rstrip("."),
            )
        if error.line:
            message = _(
                '%(message)s (at line %(line)s: "%(text)s")', message=message, line=error.line, text=error.text or ""
            )
        return message

    @api.model
    def _get_templates_for_lead(self, lead, kind="contract"):
        """The templates of documents of ``kind`` ``lead`` may use: of its company (or shared),
        its team's first (or every team's)."""
        templates = self.search(
            [
                ("document_kind", "=", kind),
                ("company_id", "in", [False, lead.company_id.id or self.env.company.id]),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", lead.team_id.ids),
            ]
        )
        in_team = templates.filtered(lambda template: lead.team_id in template.team_ids)
        return in_team + (templates - in_team)

    @api.model
    def _find_for_lead(self, lead, kind="contract"):
        """The template for ``lead`` (see :meth:`_find_for_lead_with_reason`)."""
        return self._find_for_lead_with_reason(lead, kind)[0]

    @api.model
    def _find_for_lead_with_reason(self, lead, kind="contract"):
        """``(template, why it was chosen)``: of the lead's team if it has any, in the customer's
        language, else in the language of the customer's country (Russia: Russian), else the
        first."""
        templates = self._get_templates_for_lead(lead, kind)
        in_team = templates.filtered(lambda template: lead.team_id in template.team_ids) or templates
        customer = lead.partner_id.commercial_partner_id
        lang = lead.partner_id.lang or customer.lang
        if lang and (found := in_team.filtered(lambda template: template.lang == lang)[:1]):
            return found, _("the customer's language")
        country_lang = self._get_country_lang(customer.country_id)
        if country_lang and (found := in_team.filtered(lambda template: template.lang == country_lang)[:1]):
            return found, _("the language of the customer's country, %(country)s", country=customer.country_id.name)
        return in_team[:1], _("none is in the customer's language: the first template")

    @api.model
    def _get_country_lang(self, country):
        """The code of an active language of ``country`` (ru_RU for Russia), or None."""
        if not country.code:
            return None
        codes = [code for code, _name in self.env["res.lang"].get_installed()]
        return next((code for code in codes if code.endswith(f"_{country.code}")), None)

    @api.model
    def _get_lang_name(self, code):
        return dict(self.env["res.lang"].get_installed()).get(code, code)

    def _get_contract_lang(self, lead):
        """The language a contract of ``lead`` is written in: the template's."""
        return self.lang or lead.partner_id.lang or self.env.lang or "en_US"
