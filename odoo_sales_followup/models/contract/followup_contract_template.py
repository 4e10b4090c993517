import base64

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools.docx_render import TemplateRenderError, template_fields


class FollowupContractTemplate(models.Model):
    _name = "followup.contract.template"
    _description = "Contract template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
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
                        'Contract template "%(name)s": upload a Word document (.docx), not "%(file)s".',
                        name=template.name,
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
                        'Contract template "%(name)s" belongs to %(company)s and cannot be used by the sales '
                        "teams of another company: %(teams)s.",
                        name=template.name,
                        company=template.company_id.name,
                        teams=", ".join(foreign.mapped("name")),
                    )
                )

    def _get_template_data(self):
        self.ensure_one()
        return base64.b64decode(self.file or b"")

    def _describe_render_error(self, error):
        """A translated message for a :class:`TemplateRenderError` of this template."""
        name = self.name or ""
        if error.kind == "invalid":
            return _('Contract template "%(name)s" is not a valid Word document (.docx).', name=name)
        if error.kind == "undefined":
            return _(
                'Contract template "%(name)s" uses an unknown placeholder "%(placeholder)s". '
                "The Placeholders tab of the template lists those you can use.",
                name=name,
                placeholder=error.name or error.detail,
            )
        if error.kind == "security":
            return _(
                'Contract template "%(name)s" was refused: it tries to reach what a template may not (%(detail)s).',
                name=name,
                detail=error.detail,
            )
        if error.kind == "syntax":
            return _(
                'Contract template "%(name)s" has an error at line %(line)s ("%(text)s"): %(detail)s.',
                name=name,
                line=error.line or "?",
                text=error.text or "",
                detail=error.detail,
            )
        if error.kind == "size":
            message = _(
                'Contract template "%(name)s" produces a document longer than %(limit)s characters and was '
                "stopped: check its loops and repeated texts.",
                name=name,
                limit=error.detail,
            )
        elif error.kind == "time":
            message = _(
                'Contract template "%(name)s" took longer than %(seconds)s seconds to fill in and was stopped: '
                "check its loops.",
                name=name,
                seconds=error.detail,
            )
        else:
            message = _(
                'Contract template "%(name)s" could not be rendered: %(detail)s.',
                name=name,
                detail=error.detail.rstrip("."),
            )
        if error.line:
            message = _(
                '%(message)s (at line %(line)s: "%(text)s")', message=message, line=error.line, text=error.text or ""
            )
        return message

    @api.model
    def _find_for_lead(self, lead):
        """The template for ``lead``: of its company (or shared), its team (or every team),
        in its customer's language when there is one, else the first."""
        templates = self.search(
            [
                ("company_id", "in", [False, lead.company_id.id or self.env.company.id]),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", lead.team_id.ids),
            ]
        )
        lang = lead.partner_id.lang or self.env.lang
        in_team = templates.filtered(lambda template: lead.team_id in template.team_ids) or templates
        return in_team.filtered(lambda template: template.lang == lang)[:1] or in_team[:1]
