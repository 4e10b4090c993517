import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.tools.misc import format_date, formatLang

from ...tools import office, ru_names
from ...tools.amount_words import amount_in_words
from ...tools.docx_clean import DocxCleanError, clean_docx
from ...tools.docx_render import TemplateRenderError, render_docx, template_fields

_logger = logging.getLogger(__name__)

STATES = [("prepared", "Prepared"), ("sent", "Sent"), ("signed", "Signed"), ("cancelled", "Cancelled")]
#: The kinds of documents prepared from templates: the contract and the act of completed work.
DOCUMENT_KINDS = [("contract", "Contract"), ("act", "Act of completed work")]
#: Per kind: the code of its numbering sequence (one per company) and the prefix of its numbers.
NUMBERING = {"contract": ("followup.contract", "C"), "act": ("followup.act", "A")}

#: Names a contract template receives; anything else is an unknown placeholder.
CONTEXT_NAMES = (
    "customer",
    "company",
    "contract",
    "opportunity",
    "quotation",
    "lines",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_words",
    "currency",
    "date",
)
#: Values of a party (customer, company) a template may use.
PARTY_KEYS = (
    "name",
    "legal_name",
    "vat",
    "inn",
    "kpp",
    "ogrn",
    "registry_label",
    "address",
    "legal_address",
    "postal_address",
    "bank_account",
    "bank_name",
    "bic",
    "corr_account",
    "signatory_name",
    "signatory_name_genitive",
    "signatory_initials",
    "signatory_position",
    "signatory_position_genitive",
    "signatory_acting",
    "signatory_basis",
    "email",
    "phone",
)
#: Party values that may stay empty (they fall back to another, or are a courtesy).
PARTY_OPTIONAL = {"name", "legal_name", "address", "postal_address", "registry_label", "email", "phone"}
#: Party values made from another: a template that uses them needs that one.
PARTY_DERIVED = {
    "inn": "vat",
    "signatory_name_genitive": "signatory_name",
    "signatory_initials": "signatory_name",
    "signatory_position_genitive": "signatory_position",
    "signatory_acting": "signatory_name",
}
#: Names a template uses that need a quotation on the opportunity.
QUOTATION_NAMES = {"quotation", "lines", "amount_untaxed", "amount_tax", "amount_total", "amount_words"}
#: What a line of the quotation or of the invoice gives a template.
LINE_KEYS = {
    "number",
    "product",
    "description",
    "quantity",
    "unit",
    "price_unit",
    "discount",
    "taxes",
    "subtotal",
    "total",
}


class FollowupContract(models.Model):
    _name = "followup.contract"
    _description = "Contract"
    _order = "id desc"

    # Every field is the engine's: users read contracts (the access rights give no write), and
    # the addon writes them in superuser mode from the opportunity's actions.
    name = fields.Char(string="Number", readonly=True, index=True)
    document_kind = fields.Selection(
        DOCUMENT_KINDS, string="Kind", required=True, default="contract", readonly=True, index=True
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", required=True, readonly=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one("sale.order", string="Quotation", readonly=True, ondelete="set null")
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, ondelete="set null", help="The invoice an act is made from."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, readonly=True, index=True)
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson")
    template_id = fields.Many2one("followup.contract.template", string="Template", readonly=True)
    state = fields.Selection(STATES, string="Status", required=True, default="prepared", readonly=True)
    version_ids = fields.One2many("followup.contract.version", "contract_id", string="Versions", readonly=True)
    version_count = fields.Integer(compute="_compute_current_version", string="Number of versions")
    docx_attachment_id = fields.Many2one("ir.attachment", compute="_compute_current_version", string="Document (DOCX)")
    pdf_attachment_id = fields.Many2one("ir.attachment", compute="_compute_current_version", string="PDF")
    sent_date = fields.Datetime(string="Sent on", readonly=True)
    sent_to = fields.Char(string="Sent to", readonly=True)
    signed_date = fields.Date(string="Signed on", readonly=True)
    signed_attachment_id = fields.Many2one("ir.attachment", string="Signed copy", readonly=True)

    @api.depends("version_ids")
    def _compute_current_version(self):
        for contract in self:
            current = contract.version_ids.sorted(lambda version: (version.number, version.id), reverse=True)[:1]
            contract.version_count = len(contract.version_ids)
            contract.docx_attachment_id = current.docx_attachment_id
            contract.pdf_attachment_id = current.pdf_attachment_id

    # ---- ACTIONS ----

    def action_download_docx(self):
        self.ensure_one()
        return self._download(self.docx_attachment_id)

    def action_download_pdf(self):
        self.ensure_one()
        if not self.pdf_attachment_id and self.document_kind == "act":
            raise UserError(
                _(
                    "Act %(number)s has no PDF: install LibreOffice (Debian package %(package)s) and "
                    "prepare it again, or download the DOCX.",
                    number=self.name,
                    package=office.PACKAGE,
                )
            )
        if not self.pdf_attachment_id:
            raise UserError(
                _(
                    "Contract %(number)s has no PDF: install LibreOffice (Debian package %(package)s) and "
                    "prepare it again, or download the DOCX.",
                    number=self.name,
                    package=office.PACKAGE,
                )
            )
        return self._download(self.pdf_attachment_id)

    def action_send(self):
        """*Send contract* (*Send act*) of the opportunity: the composer with the document's PDF."""
        self.ensure_one()
        if self.document_kind == "act":
            return self.lead_id.action_send_act()
        return self.lead_id.action_send_contract()

    def action_mark_signed(self):
        self.ensure_one()
        return self._get_upload_wizard_action("sign")

    def action_upload_version(self):
        self.ensure_one()
        return self._get_upload_wizard_action("upload")

    def action_prepare_again(self):
        self.ensure_one()
        if self.document_kind == "act":
            return self.lead_id.action_open_act_prepare_wizard()
        return self.lead_id.action_open_contract_prepare_wizard()

    def _get_upload_wizard_action(self, mode):
        """The window to upload an edited version of this document (``upload``), or its signed
        copy (``sign``)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark signed") if mode == "sign" else _("Upload a version"),
            "res_model": "followup.contract.upload.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_contract_id": self.id, "default_mode": mode},
        }

    def _download(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    # ---- BUSINESS METHODS ----

    @api.model
    def _check_legal_data(self, lead, order, template, attributes, names):
        """Refuse, listing exactly what is missing or wrong, when the data ``template`` uses is
        empty or a Russian requisite it uses is wrong (a check digit, an account against its
        BIC: ``res.partner._get_legal_data_errors``), as a record saved before the checks
        existed may be.

        :param attributes: the ``(name, attribute)`` pairs the template uses
        :param names: the top-level names it uses
        """
        company = lead.company_id or self.env.company
        customer = lead.partner_id.commercial_partner_id
        labels = self._get_party_labels()
        missing = []
        invalid = []
        first_partner = None
        is_act = template.document_kind == "act"
        if not customer and is_act:
            raise UserError(
                _('Set the customer of "%(lead)s" before preparing its act of completed work.', lead=lead.name)
            )
        if not customer:
            raise UserError(_('Set the customer of "%(lead)s" before preparing its contract.', lead=lead.name))
        for root, partner in (("customer", customer), ("company", company.partner_id)):
            values = self._get_party_values(partner)
            used = {
                PARTY_DERIVED.get(attr, attr) for name, attr in attributes if name == root and attr in PARTY_KEYS
            } - PARTY_OPTIONAL
            empty = [
                attr
                for attr in sorted(used, key=PARTY_KEYS.index)
                if not values.get(attr) and not self._is_optional(partner, attr)
            ]
            errors = partner._get_legal_data_errors()
            wrong = [errors[attr] for attr in sorted(used, key=PARTY_KEYS.index) if attr in errors]
            if empty or wrong:
                first_partner = first_partner or partner
            invalid += [
                self.env._("%(partner)s, %(error)s", partner=partner.display_name, error=error) for error in wrong
            ]
            if empty:
                missing.append(
                    _(
                        "%(partner)s: %(fields)s",
                        partner=partner.display_name,
                        fields=", ".join(labels[attr] for attr in empty),
                    )
                )
        if names & QUOTATION_NAMES and not order and not is_act:
            missing.append(_("%(lead)s: a quotation", lead=lead.name))
        if not missing and not invalid:
            return
        if not invalid:
            problems = _("fill in: %(missing)s", missing="; ".join(missing))
        elif not missing:
            problems = _("correct: %(invalid)s", invalid="; ".join(invalid))
        else:
            problems = _(
                "fill in: %(missing)s; and correct: %(invalid)s", missing="; ".join(missing), invalid="; ".join(invalid)
            )
        if is_act:
            message = _(
                'To prepare the act of completed work of "%(lead)s" with template "%(template)s", %(problems)s.',
                lead=lead.name,
                template=template.name,
                problems=problems,
            )
        else:
            message = _(
                'To prepare the contract of "%(lead)s" with template "%(template)s", %(problems)s.',
                lead=lead.name,
                template=template.name,
                problems=problems,
            )
        if not first_partner:
            raise UserError(message)
        raise RedirectWarning(message, first_partner._get_legal_data_action(), _("Open the legal data"))

    @api.model
    def _is_optional(self, partner, attr):
        # KPP and correspondent accounts exist in Russia only.
        return attr in ("kpp", "corr_account") and partner.country_id.code != "RU"

    @api.model
    def _get_party_labels(self):
        """The names of the legal data, as the partner's *Legal data* tab shows them."""
        return self.env["res.partner"]._get_legal_data_labels()

    @api.model
    def _get_party_values(self, partner):
        """The plain values of a customer or of our company that a template receives, in the
        language of the environment (the contract's): translated legal data, country and state
        names, the address in that language's order, and in Russian the preamble's grammar."""
        partner = partner.commercial_partner_id.with_env(self.env)
        lang = (self.env.lang or "en_US").split("_")[0]
        bank = partner._get_contract_bank_account()
        address = partner._get_contract_address()
        legal_address = partner.legal_address or address
        name = partner.signatory_name or ""
        position = partner.signatory_position or ""
        if lang == "ru":
            name_genitive = partner.signatory_name_genitive or ru_names.name_genitive(name, partner.signatory_gender)
            position_genitive = partner.signatory_position_genitive or ru_names.position_genitive(position)
            initials = ru_names.name_with_initials(name)
            acting = ru_names.acting_participle(partner.signatory_gender) if name else ""
        else:
            name_genitive, position_genitive, initials = name, position, name
            acting = self.env._("acting") if name else ""
        return {
            "name": partner.name or "",
            "legal_name": partner.legal_name or partner.name or "",
            "vat": partner.vat or "",
            "inn": partner.vat or "",
            "kpp": partner.kpp or "",
            "ogrn": partner.company_registry or "",
            "registry_label": self.env._("Company ID (OGRN)"),
            "address": address,
            "legal_address": legal_address,
            "postal_address": partner.postal_address or legal_address,
            "bank_account": bank.acc_number or "",
            "bank_name": bank.bank_id.name or "",
            "bic": bank.bank_id.bic or "",
            "corr_account": bank.bank_id.corr_account or "",
            "signatory_name": name,
            "signatory_name_genitive": name_genitive or "",
            "signatory_initials": initials or "",
            "signatory_position": position,
            "signatory_position_genitive": position_genitive or "",
            "signatory_acting": acting,
            "signatory_basis": partner.signatory_basis or "",
            "email": partner.email or "",
            "phone": partner.phone or "",
        }

    @api.model
    def _get_render_formatters(self, currency):
        """``(money, number_of)``: the amounts in ``currency`` and the numbers (``digits``
        decimals, 2 unless given) as a template shows them, in the environment's language."""
        env = self.env

        def money(amount):
            return formatLang(env, amount, currency_obj=currency)

        def number_of(value, digits=2):
            return formatLang(env, value, digits=digits)

        return money, number_of

    @api.model
    def _get_render_lines(self, lines, lang, currency, *, quantity, uom, taxes):
        """The values (:data:`LINE_KEYS`) a template receives of ``lines``, the quotation's
        (``sale.order.line``) or the invoice's (``account.move.line``), numbered from 1 and
        formatted in ``lang`` (the environment's): ``quantity``, ``uom`` and ``taxes`` name
        the lines' fields of the quantity, the unit and the taxes."""
        money, number_of = self._get_render_formatters(currency)
        values = []
        for index, line in enumerate(lines, start=1):
            qty = line[quantity]
            values.append(
                {
                    "number": index,
                    "product": line.product_id.with_context(lang=lang).display_name or line.name or "",
                    "description": line.name or "",
                    "quantity": number_of(qty, 3 if qty % 1 else 0),
                    "unit": line[uom].with_context(lang=lang).name or "",
                    "price_unit": money(line.price_unit),
                    "discount": number_of(line.discount),
                    "taxes": ", ".join(line[taxes].with_context(lang=lang).mapped("name")),
                    "subtotal": money(line.price_subtotal),
                    "total": money(line.price_total),
                }
            )
        return values

    @api.model
    def _get_render_shared_values(self, lead, source, lines, lang, **line_fields):
        """The values contracts and acts both receive, in ``lang`` (the environment's): both
        parties (:meth:`_get_party_values`), the opportunity, ``lines`` of ``source`` (the
        quotation or the invoice, see :meth:`_get_render_lines` for ``line_fields``), its
        amounts (in words too) and currency, and the date of the day (the company's)."""
        company = lead.company_id or self.env.company
        currency = source.currency_id or company.currency_id
        money, _number_of = self._get_render_formatters(currency)
        return {
            "customer": self._get_party_values(lead.partner_id),
            "company": self._get_party_values(company.partner_id),
            "opportunity": {
                "name": lead.name or "",
                "expected_revenue": money(lead.expected_revenue),
                "salesperson": lead.user_id.name or "",
            },
            "lines": self._get_render_lines(lines, lang, currency, **line_fields),
            "amount_untaxed": money(source.amount_untaxed),
            "amount_tax": money(source.amount_tax),
            "amount_total": money(source.amount_total),
            "amount_words": amount_in_words(source.amount_total, currency.name, lang, currency.currency_unit_label),
            "currency": currency.name,
            "date": format_date(self.env, company._get_followup_today()),
        }

    @api.model
    def _get_render_context(self, lead, order, template, number):
        """The plain values (strings, numbers, lists of dicts) a contract template receives:
        never records, so that a template cannot call a method."""
        lang = template._get_contract_lang(lead)
        # everything in the template's language: labels, country names, dates, words
        contract_model = self.with_context(lang=lang)
        env = contract_model.env
        values = contract_model._get_render_shared_values(
            lead,
            order,
            order.order_line.filtered(lambda line: not line.display_type),
            lang,
            quantity="product_uom_qty",
            uom="product_uom",
            taxes="tax_id",
        )
        values["contract"] = {"number": number, "date": values["date"]}
        values["quotation"] = {
            "name": order.name or "",
            "date": format_date(env, order.date_order) if order else "",
            "validity_date": format_date(env, order.validity_date) if order.validity_date else "",
            "payment_terms": order.payment_term_id.with_context(lang=lang).name or "",
        }
        return values

    @api.model
    def _get_act_render_context(self, lead, move, template, number):
        """The plain values an act template receives, from the invoice ``move``: its lines,
        quantities, units, prices, VAT and totals, the amount in words, the act's number and
        date, the deal's contract (number and date) and both parties' legal data, as a
        contract's (:meth:`_get_render_shared_values`). Never records."""
        lang = template._get_contract_lang(lead)
        act_model = self.with_context(lang=lang)
        env = act_model.env
        values = act_model._get_render_shared_values(
            lead,
            move,
            move.invoice_line_ids.filtered(lambda line: line.display_type == "product"),
            lang,
            quantity="quantity",
            uom="product_uom_id",
            taxes="tax_ids",
        )
        contract = lead.contract_id
        contract_date = contract.signed_date or (
            contract.create_date and contract.company_id._get_followup_date(contract.create_date)
        )
        values["act"] = {"number": number, "date": values["date"]}
        values["contract"] = {
            "number": contract.name or "",
            "date": format_date(env, contract_date) if contract_date else "",
        }
        values["invoice"] = {
            "name": move.name or "",
            "date": format_date(env, move.invoice_date) if move.invoice_date else "",
            "due_date": format_date(env, move.invoice_date_due) if move.invoice_date_due else "",
            "payment_terms": move.invoice_payment_term_id.with_context(lang=lang).name or "",
        }
        return values

    @api.model
    def _check_placeholders(self, template, attributes):
        """Refuse a template that uses names or values the context does not have, naming them,
        before a number is taken."""
        party = set(PARTY_KEYS)
        known = {
            "customer": party,
            "company": party,
            "contract": {"number", "date"},
            "opportunity": {"name", "expected_revenue", "salesperson"},
            "line": LINE_KEYS,
        }
        if template.document_kind == "act":
            known.update({"act": {"number", "date"}, "invoice": {"name", "date", "due_date", "payment_terms"}})
        else:
            known["quotation"] = {"name", "date", "validity_date", "payment_terms"}
        for name, attr in sorted(attributes):
            if name in known and attr not in known[name]:
                raise UserError(
                    template._describe_render_error(TemplateRenderError("undefined", attr, name=f"{name}.{attr}"))
                )

    def _render(self, template, context):
        """The DOCX bytes of ``template`` rendered with ``context``; a translated error otherwise."""
        try:
            return render_docx(template._get_template_data(), context)
        except TemplateRenderError as error:
            raise UserError(template._describe_render_error(error)) from error

    @api.model
    def _convert_to_pdf(self, docx):
        """``(pdf bytes or None, the reason there is none)``: a contract without LibreOffice
        still has its DOCX."""
        try:
            return office.convert_to_pdf(docx), None
        except office.OfficeError as error:
            _logger.warning("Contract PDF conversion failed: %s", error)
            if error.reason == "missing":
                return None, _(
                    "No PDF: LibreOffice is not installed on the server (Debian package %(package)s). "
                    "The DOCX is ready.",
                    package=office.PACKAGE,
                )
            if error.reason == "timeout":
                return None, _(
                    "No PDF: LibreOffice took longer than %(seconds)s seconds and was stopped. The DOCX is ready.",
                    seconds=error.detail,
                )
            return None, _("No PDF: LibreOffice could not convert the document. The DOCX is ready.")

    def _add_version(self, docx, origin, template=None, file_name=None, note=None):
        """Store ``docx`` and its PDF as the next version of this contract: attachments of the
        opportunity (its chatter shows them) linked to the version. The document is cleaned
        first (:func:`clean_docx`): what could read a file or fetch an address is removed and
        said. Returns the notices for the user (no PDF, what was removed). Called in superuser
        mode by the engine, after the user's rights on the opportunity were checked."""
        self.ensure_one()
        number = max(self.version_ids.mapped("number"), default=0) + 1
        try:
            docx, removed = clean_docx(docx)
        except DocxCleanError:
            removed = []  # not a DOCX document: the conversion says so
        pdf, no_pdf = self._convert_to_pdf(docx)
        base = f"{self.name} v{number}"
        Attachment = self.env["ir.attachment"]
        docx_attachment = Attachment.create(
            {
                "name": file_name or f"{base}.docx",
                "raw": docx,
                "res_model": "crm.lead",
                "res_id": self.lead_id.id,
                "type": "binary",
                "mimetype": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }
        )
        pdf_attachment = Attachment
        if pdf:
            pdf_attachment = Attachment.create(
                {
                    "name": f"{base}.pdf",
                    "raw": pdf,
                    "res_model": "crm.lead",
                    "res_id": self.lead_id.id,
                    "mimetype": "application/pdf",
                    "type": "binary",
                }
            )
        self.env["followup.contract.version"].create(
            {
                "contract_id": self.id,
                "number": number,
                "origin": origin,
                "docx_attachment_id": docx_attachment.id,
                "pdf_attachment_id": pdf_attachment.id,
                "template_id": (template or self.template_id).id,
            }
        )
        self.invalidate_recordset(["version_ids", "docx_attachment_id", "pdf_attachment_id", "version_count"])
        if self.document_kind == "act":
            if origin == "uploaded":
                body = _("Act %(number)s: version %(version)s uploaded.", number=self.name, version=number)
            else:
                body = _("Act %(number)s: version %(version)s prepared.", number=self.name, version=number)
        elif origin == "uploaded":
            body = _("Contract %(number)s: version %(version)s uploaded.", number=self.name, version=number)
        else:
            body = _("Contract %(number)s: version %(version)s prepared.", number=self.name, version=number)
        notices = [notice for notice in (self._describe_removed(removed), no_pdf) if notice]
        for notice in [note, *notices] if note else notices:
            body = Markup("%s<br/>%s") % (body, notice)
        self.lead_id.message_post(body=body, attachment_ids=(docx_attachment | pdf_attachment).ids)
        return notices

    @api.model
    def _describe_removed(self, removed):
        """A translated sentence for what :func:`clean_docx` removed, or None."""
        if not removed:
            return None
        counts = {}
        for kind, detail, count in removed:
            key = (kind, detail) if kind == "field" else (kind, "")
            counts[key] = counts.get(key, 0) + count
        labels = {
            "external": _("linked files or web addresses"),
            "altchunk": _("embedded parts in another format (altChunk)"),
            "subdocument": _("sub-documents"),
            "mailmerge": _("mail merge data sources"),
            "macros": _("macros"),
        }
        # self.env._: _() finds no language inside a comprehension (its own frame)
        items = [
            self.env._("%(field)s fields: %(count)s", field=detail, count=count)
            if kind == "field"
            else self.env._("%(what)s: %(count)s", what=labels.get(kind, kind), count=count)
            for (kind, detail), count in sorted(counts.items())
        ]
        return _(
            "Removed from the document before its conversion, as they could read files of the server or "
            "fetch web addresses: %(items)s.",
            items="; ".join(items),
        )

    @api.model
    def _next_number(self, company, peek=False, kind="contract"):
        """The next number of a document of ``kind`` (``contract``, ``act``) of ``company``, from
        its own sequence (one per company and kind, created on first use); with ``peek``, the
        number the next document would get, without taking it. The year of the number is the
        company's (its today, not the user's or UTC's)."""
        code, prefix = NUMBERING[kind]
        today = company._get_followup_today()
        # ir.sequence reads %(year)s of ``ir_sequence_date`` when given, else of the user's time zone
        Sequence = self.env["ir.sequence"].with_context(ir_sequence_date=today)
        sequence = Sequence.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if peek:
            if not sequence:
                return f"{prefix}{today.year}-0001"
            return sequence.get_next_char(sequence.number_next_actual)
        if not sequence:
            if kind == "act":
                name = _("Acts of %(company)s", company=company.name)
            else:
                name = _("Contracts of %(company)s", company=company.name)
            sequence = Sequence.create(
                {"name": name, "code": code, "company_id": company.id, "prefix": f"{prefix}%(year)s-", "padding": 4}
            )
        return sequence._next()

    def _check_lead_access(self):
        """The user acting on a contract must be allowed to edit its opportunity."""
        self.ensure_one()
        self.check_access("read")
        self.lead_id.check_access("write")

    def _upload_version(self, data, file_name=None):
        """An edited DOCX uploaded back: the next version, with its PDF regenerated."""
        self._check_lead_access()
        if self.state in ("signed", "cancelled") and self.document_kind == "act":
            raise UserError(
                _(
                    "Act %(number)s is %(state)s: no new version can be uploaded.",
                    number=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if self.state in ("signed", "cancelled"):
            raise UserError(
                _(
                    "Contract %(number)s is %(state)s: no new version can be uploaded.",
                    number=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if file_name and not file_name.lower().endswith(".docx") and self.document_kind == "act":
            raise UserError(_('Upload the edited act as a Word document (.docx), not "%(file)s".', file=file_name))
        if file_name and not file_name.lower().endswith(".docx"):
            raise UserError(_('Upload the edited contract as a Word document (.docx), not "%(file)s".', file=file_name))
        self._check_upload_size(data, file_name)
        try:
            template_fields(data)
            clean_docx(data)
        except (TemplateRenderError, DocxCleanError) as error:
            if isinstance(error, DocxCleanError) or error.kind == "invalid":
                raise UserError(
                    _('"%(file)s" is not a valid Word document (.docx).', file=file_name or _("The file"))
                ) from error
        # sudo: versions are the engine's; the user's right to edit the opportunity was checked
        return self.sudo()._add_version(data, "uploaded", file_name=None)

    def _check_upload_size(self, data, file_name=None):
        """Refuse a file larger than the company's *Contract uploads up to* (megabytes)."""
        limit = self.company_id.contract_upload_max_mb or 10
        if len(data) > limit * 1024 * 1024 and self.document_kind == "act":
            raise UserError(
                _(
                    '"%(file)s" is larger than %(limit)s MB, the largest act file this company accepts '
                    "(Settings, Contracts).",
                    file=file_name or _("The file"),
                    limit=limit,
                )
            )
        if len(data) > limit * 1024 * 1024:
            raise UserError(
                _(
                    '"%(file)s" is larger than %(limit)s MB, the largest contract file this company accepts '
                    "(Settings, Contracts).",
                    file=file_name or _("The file"),
                    limit=limit,
                )
            )

    def _mark_signed(self, data, file_name=None, signed_date=None):
        """The customer signed: keep the scanned copy, and meet *Contract signed* (*Act signed*)
        on the opportunity with the date of the signature; then the opportunity's
        :meth:`~crm.lead._on_followup_document_signed` hook."""
        self._check_lead_access()
        is_act = self.document_kind == "act"
        if self.state not in ("prepared", "sent"):
            if is_act:
                raise UserError(_("Act %(number)s cannot be marked signed now.", number=self.name))
            raise UserError(_("Contract %(number)s cannot be marked signed now.", number=self.name))
        self._check_upload_size(data, file_name)
        if is_act:
            default_name = _("Signed act %(number)s", number=self.name)
        else:
            default_name = _("Signed contract %(number)s", number=self.name)
        attachment = self.env["ir.attachment"].create(
            {
                "name": file_name or default_name,
                "raw": data,
                "res_model": "crm.lead",
                "res_id": self.lead_id.id,
                "type": "binary",
            }
        )
        # sudo: the contract's state is the engine's; the user's right to edit the opportunity was checked
        self.sudo().write(
            {
                "state": "signed",
                "signed_date": signed_date or self.company_id._get_followup_today(),
                "signed_attachment_id": attachment.id,
            }
        )
        if is_act:
            body = _("Act %(number)s signed.", number=self.name)
        else:
            body = _("Contract %(number)s signed.", number=self.name)
        self.lead_id.message_post(body=body, attachment_ids=attachment.ids)
        if is_act:
            self.lead_id._meet_act_signed(self, attachment)
        else:
            self.lead_id._meet_contract_signed(self, attachment)
        self.lead_id._on_followup_document_signed(self)

    def action_cancel(self):
        """Cancel the contract: the next preparation numbers a new one."""
        for contract in self:
            contract._check_lead_access()
        # sudo: the contract's state is the engine's; the user's right to edit the opportunity was checked
        self.sudo().write({"state": "cancelled"})
        for contract in self:
            if contract.document_kind == "act":
                body = _("Act %(number)s cancelled.", number=contract.name)
            else:
                body = _("Contract %(number)s cancelled.", number=contract.name)
            contract.lead_id.message_post(body=body)
            contract.lead_id._queue_criteria_updates(document_lead_ids=contract.lead_id.ids)
        return True
