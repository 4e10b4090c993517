from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from ...tools import office
from ...tools.docx_render import TemplateRenderError, template_fields
from .followup_contract import STATES


class CrmLead(models.Model):
    _inherit = "crm.lead"

    contract_ids = fields.One2many(
        "followup.contract", "lead_id", string="Contracts", readonly=True, domain=[("document_kind", "=", "contract")]
    )
    contract_id = fields.Many2one(
        "followup.contract", compute="_compute_contract_id", string="Contract", help="The current contract."
    )
    contract_state = fields.Selection(
        selection=STATES,
        compute="_compute_contract_id",
        string="Contract status",
    )
    contract_count = fields.Integer(compute="_compute_contract_id", string="Contracts count")
    act_ids = fields.One2many(
        "followup.contract",
        "lead_id",
        string="Acts",
        readonly=True,
        domain=[("document_kind", "=", "act")],
    )
    act_id = fields.Many2one(
        "followup.contract", compute="_compute_act_id", string="Act", help="The current act of completed work."
    )
    act_state = fields.Selection(selection=STATES, compute="_compute_act_id", string="Act status")
    act_count = fields.Integer(compute="_compute_act_id", string="Acts count")
    act_invoiced = fields.Boolean(
        compute="_compute_act_invoiced", string="Invoiced", help="A customer invoice of its orders is posted."
    )
    act_sign_overdue = fields.Boolean(
        string="Act not signed after payment",
        compute="_compute_act_sign_overdue",
        search="_search_act_sign_overdue",
        help="Paid in full, and its act of completed work is still not signed after the company's "
        "days to sign the act.",
    )

    @api.depends("contract_ids.state")
    def _compute_contract_id(self):
        for lead in self:
            lead.contract_id = lead._get_current_followup_document(lead.contract_ids)
            lead.contract_state = lead.contract_id.state
            lead.contract_count = len(lead.contract_ids)

    @api.depends("act_ids.state")
    def _compute_act_id(self):
        for lead in self:
            lead.act_id = lead._get_current_followup_document(lead.act_ids)
            lead.act_state = lead.act_id.state
            lead.act_count = len(lead.act_ids)

    def _compute_act_invoiced(self):
        for lead in self:
            lead.act_invoiced = bool(lead.id and lead._get_act_invoice())

    def _compute_act_sign_overdue(self):
        overdue = self._get_act_sign_overdue_dates(self.ids)
        for lead in self:
            lead.act_sign_overdue = lead.id in overdue

    def _search_act_sign_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search the deals whose act is not signed after payment with Yes or No."))
        ids = list(self._get_act_sign_overdue_dates())
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    # ---- ACTIONS ----

    def action_prepare_contract(self):
        """Prepare (or prepare again) the contract of this opportunity from its quotation."""
        self.ensure_one()
        # the form's defaults (default_type...) are not the contract's nor its files'
        return self.with_env(self.env(context=clean_context(self.env.context)))._action_prepare_contract()

    def action_open_contract_prepare_wizard(self):
        """*Prepare contract*: the window that shows the template the contract will use, in which
        language and why, and lets the user choose another."""
        self.ensure_one()
        return self._get_followup_prepare_wizard_action("contract", _("Prepare contract"))

    def action_send_contract(self):
        """Odoo's mail composer with the template *Contract and invoice*, the contract's PDF and
        the invoice (the deal's posted customer invoice, else the quotation's pro-forma) attached."""
        self.ensure_one()
        contract = self._check_followup_document_sendable("contract")
        invoice_attachment = self._get_contract_invoice_attachment(contract)
        return self._get_followup_composer_action(
            _("Send contract"),
            "odoo_sales_followup.mail_template_contract_invoice",
            contract.pdf_attachment_id | invoice_attachment,
        )

    def action_open_contracts(self):
        return self._get_followup_documents_action("contract", _("Contracts"))

    def action_open_contract_wizard(self):
        """The window to upload an edited version of the contract, or its signed copy
        (``contract_wizard_mode`` ``sign`` in the context)."""
        self.ensure_one()
        return self._get_followup_upload_wizard_action("contract")

    def action_prepare_act(self):
        """*Prepare act*: prepare (or prepare again) the act of completed work of this
        opportunity from its latest posted customer invoice."""
        self.ensure_one()
        # the form's defaults (default_type...) are not the act's nor its files'
        return self.with_env(self.env(context=clean_context(self.env.context)))._action_prepare_act()

    def action_open_act_prepare_wizard(self):
        """The window that shows the act template that will be used, in which language and why."""
        self.ensure_one()
        return self._get_followup_prepare_wizard_action("act", _("Prepare act"))

    def action_send_act(self):
        """Odoo's mail composer with the template *Act of completed work* and the act's PDF."""
        self.ensure_one()
        act = self._check_followup_document_sendable("act")
        return self._get_followup_composer_action(
            _("Send act"), "odoo_sales_followup.mail_template_act", act.pdf_attachment_id
        )

    def action_open_act_wizard(self):
        """The window to upload an edited version of the act, or its signed copy
        (``contract_wizard_mode`` ``sign`` in the context)."""
        self.ensure_one()
        return self._get_followup_upload_wizard_action("act")

    def action_open_acts(self):
        return self._get_followup_documents_action("act", _("Acts"))

    def _get_followup_documents_action(self, kind, name):
        """The list of this opportunity's documents of ``kind`` (``contract`` or ``act``)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "followup.contract",
            "view_mode": "list,form",
            "domain": [("lead_id", "=", self.id), ("document_kind", "=", kind)],
            "context": {"create": False},
        }

    def _get_followup_document(self, kind):
        """The current document of ``kind`` (``contract`` or ``act``) of this opportunity."""
        self.ensure_one()
        return self.act_id if kind == "act" else self.contract_id

    @api.model
    def _get_current_followup_document(self, documents):
        """The current one of ``documents`` (contracts, or acts): the latest not cancelled."""
        return documents.sorted("id", reverse=True).filtered(lambda document: document.state != "cancelled")[:1]

    def _get_followup_prepare_wizard_action(self, kind, name):
        """The window *Prepare contract* (*Prepare act*, as ``name`` says) of ``kind``."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "followup.contract.prepare.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lead_id": self.id, "default_document_kind": kind},
        }

    def _get_followup_upload_wizard_action(self, kind):
        """The window to upload an edited version of the current document of ``kind``, or its
        signed copy (``contract_wizard_mode`` ``sign`` in the context); refused before it is
        prepared."""
        document = self._get_followup_document(kind)
        if not document:
            if kind == "act":
                raise UserError(_('Prepare the act of "%(lead)s" first.', lead=self.name))
            raise UserError(_('Prepare the contract of "%(lead)s" first.', lead=self.name))
        mode = self.env.context.get("contract_wizard_mode") == "sign" and "sign" or "upload"
        return document._get_upload_wizard_action(mode)

    def _check_followup_document_sendable(self, kind):
        """The current document of ``kind``, checked before it is sent: the user may edit the
        opportunity, the document exists, is not signed, has a PDF, and the customer has an
        email address; refused (named) otherwise."""
        self.check_access("write")
        document = self._get_followup_document(kind)
        is_act = kind == "act"
        if not document:
            if is_act:
                raise UserError(_('Prepare the act of "%(lead)s" before sending it.', lead=self.name))
            raise UserError(_('Prepare the contract of "%(lead)s" before sending it.', lead=self.name))
        if document.state == "signed":
            if is_act:
                raise UserError(_("Act %(number)s is already signed.", number=document.name))
            raise UserError(_("Contract %(number)s is already signed.", number=document.name))
        if not document.pdf_attachment_id:
            if is_act:
                raise UserError(
                    _(
                        "Act %(number)s has no PDF to send: install LibreOffice (Debian package %(package)s) "
                        "and prepare it again.",
                        number=document.name,
                        package=office.PACKAGE,
                    )
                )
            raise UserError(
                _(
                    "Contract %(number)s has no PDF to send: install LibreOffice (Debian package %(package)s) "
                    "and prepare it again.",
                    number=document.name,
                    package=office.PACKAGE,
                )
            )
        if not self.partner_id.email:
            partner = self.partner_id.display_name or _("none")
            if is_act:
                raise UserError(
                    _(
                        'The customer of "%(lead)s" (%(partner)s) has no email address: add it before sending '
                        "the act.",
                        lead=self.name,
                        partner=partner,
                    )
                )
            raise UserError(
                _(
                    'The customer of "%(lead)s" (%(partner)s) has no email address: add it before sending the '
                    "contract.",
                    lead=self.name,
                    partner=partner,
                )
            )
        return document

    def _get_followup_composer_action(self, name, template_xmlid, attachments):
        """Odoo's mail composer on this opportunity, titled ``name``, with the mail template
        ``template_xmlid`` and ``attachments`` (a contract's or an act's PDF...) attached."""
        self.ensure_one()
        template = self.env.ref(template_xmlid)
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "crm.lead",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_attachment_ids": [(6, 0, attachments.ids)],
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    # ---- HOOKS ----

    def _on_criteria_met(self, lines):
        result = super()._on_criteria_met(lines)
        paid = lines.filtered(lambda line: line.rule in ("prepayment", "full_payment")).lead_id
        if paid:
            paid._on_contract_paid()
        return result

    def _get_criteria_facts(self):
        facts = super()._get_criteria_facts()
        # sudo: the facts are the contracts' states, whoever's action queued the update
        signed = (
            self.env["followup.contract"]
            .sudo()
            .search([("lead_id", "in", self.ids), ("state", "=", "signed")], order="id")
        )
        for document in signed:
            rule = "act_signed" if document.document_kind == "act" else "contract_signed"
            facts[document.lead_id.id][rule] = document
        return facts

    def _on_followup_document_signed(self, documents):
        """Hook: ``documents`` (``followup.contract`` records: contracts or acts, see their
        ``document_kind``) of this opportunity were marked signed with their scanned copy, and
        their criteria met. Called once per *Mark signed*, with the user's rights on the
        opportunity checked. Does nothing here; override to act on a signature (a chain
        waiting for it, say), calling ``super()``."""
        return None

    # ---- BUSINESS METHODS ----

    def _get_contract_order(self):
        """The quotation a contract is prepared from: the latest confirmed order, else the latest quotation."""
        self.ensure_one()
        orders = self.order_ids.filtered(lambda order: order.state != "cancel").sorted("id", reverse=True)
        return orders.filtered(lambda order: order.state == "sale")[:1] or orders[:1]

    def _action_prepare_contract(self, order=None, template=None):
        """Check the legal data the template uses, number the contract (a sequence per company),
        render its DOCX and PDF and store them as its next version. Preparing again adds a version.

        :param order: the quotation to prepare from (default: :meth:`_get_contract_order`)
        :param template: the template to use (default: the one
            :meth:`~followup.contract.template._find_for_lead_with_reason` chooses)
        """
        self.ensure_one()
        self.check_access("write")
        self._check_followup_document_lead()
        order = order or self._get_contract_order()
        if order and order.opportunity_id != self:
            raise UserError(_('Quotation %(order)s is not one of "%(lead)s".', order=order.name, lead=self.name))
        company = self.company_id or self.env.company
        if order and order.company_id != company:
            raise UserError(
                _(
                    "Quotation %(order)s belongs to %(company)s, not to the opportunity's company.",
                    order=order.name,
                    company=order.company_id.name,
                )
            )
        return self._prepare_followup_document("contract", order, template)

    def _action_prepare_act(self, move=None, template=None):
        """Prepare (or prepare again) the act of completed work of this opportunity from its
        invoice, as a contract is prepared: legal data checked, numbered (a sequence per
        company for acts), rendered to DOCX and PDF, stored as its next version.

        :param move: the posted customer invoice to prepare from (default: :meth:`_get_act_invoice`)
        :param template: the act template to use (default: the one the lead's team and the
            customer's language choose)
        """
        self.ensure_one()
        self.check_access("write")
        self._check_followup_document_lead()
        move = move or self._get_act_invoice()
        if not move:
            raise UserError(
                _(
                    '"%(lead)s" has no posted customer invoice: post the invoice of its order before preparing '
                    "its act of completed work.",
                    lead=self.name,
                )
            )
        # sudo: which deal an invoice is of, whatever the user may read of its orders
        if move.move_type != "out_invoice" or move.state != "posted" or move not in self._get_act_invoices():
            raise UserError(
                _(
                    'Invoice %(invoice)s is not a posted customer invoice of "%(lead)s".',
                    invoice=move.name,
                    lead=self.name,
                )
            )
        try:
            move.check_access("read")
        except AccessError as error:
            raise UserError(
                _(
                    'Invoice %(invoice)s of "%(lead)s" is not one you may read: ask an accountant to give you '
                    "access to it.",
                    invoice=move.sudo().name,
                    lead=self.name,
                )
            ) from error
        return self._prepare_followup_document("act", move, template)

    def _check_followup_document_lead(self):
        self.ensure_one()
        if self.type != "opportunity":
            raise UserError(_('"%(lead)s" is a lead: convert it to an opportunity first.', lead=self.name))

    def _prepare_followup_document(self, kind, source, template=None):
        """The preparation shared by contracts and acts: the template (chosen, or the one the
        team and language choose), the placeholders and the legal data it uses checked before
        a number is taken, the document created or prepared again, its new version rendered.

        :param kind: ``contract`` (``source`` is the quotation) or ``act`` (the invoice)
        """
        is_act = kind == "act"
        company = self.company_id or self.env.company
        Contract = self.env["followup.contract"]
        Template = self.env["followup.contract.template"].with_company(company)
        if template:
            reason = _("chosen by %(user)s", user=self.env.user.name)
            if template not in Template._get_templates_for_lead(self, kind):
                if is_act:
                    raise UserError(
                        _(
                            'Act template "%(template)s" is not one of the company and sales team of "%(lead)s".',
                            template=template.name,
                            lead=self.name,
                        )
                    )
                raise UserError(
                    _(
                        'Contract template "%(template)s" is not one of the company and sales team of "%(lead)s".',
                        template=template.name,
                        lead=self.name,
                    )
                )
        else:
            template, reason = Template._find_for_lead_with_reason(self, kind)
        if not template and is_act:
            raise UserError(
                _(
                    'There is no act template for "%(lead)s" (company %(company)s, team %(team)s): '
                    "a Sales administrator adds one in CRM > Follow-up > Configuration > Contract templates.",
                    lead=self.name,
                    company=company.name,
                    team=self.team_id.name or _("none"),
                )
            )
        if not template:
            raise UserError(
                _(
                    'There is no contract template for "%(lead)s" (company %(company)s, team %(team)s): '
                    "a Sales administrator adds one in CRM > Follow-up > Configuration > Contract templates.",
                    lead=self.name,
                    company=company.name,
                    team=self.team_id.name or _("none"),
                )
            )
        current = self._get_followup_document(kind)
        if current.state == "signed":
            if is_act:
                raise UserError(
                    _("Act %(number)s of this opportunity is signed: it is not prepared again.", number=current.name)
                )
            raise UserError(
                _("Contract %(number)s of this opportunity is signed: it is not prepared again.", number=current.name)
            )
        try:
            names, attributes = template_fields(template._get_template_data())
        except TemplateRenderError as error:
            raise UserError(template._describe_render_error(error)) from error
        Contract._check_placeholders(template, attributes)
        Contract._check_legal_data(self, source if not is_act else self.env["sale.order"], template, attributes, names)

        def render_context(number):
            if is_act:
                return Contract._get_act_render_context(self, source, template, number)
            return Contract._get_render_context(self, source, template, number)

        source_values = {"move_id": source.id} if is_act else {"order_id": source.id}
        # sudo: contracts, their numbers and versions are the engine's; the user's right to edit
        # the opportunity was checked above, and only the user's own records are returned
        document = current.sudo()
        if not document:
            # rendered once before a number is taken, so that a template that fails takes none
            # (the sequence is not transactional: a number taken is gone even when refused)
            number = Contract.sudo()._next_number(company, peek=True, kind=kind)
            Contract._render(template, render_context(number))
            document = Contract.sudo().create(
                {
                    "name": Contract.sudo()._next_number(company, kind=kind),
                    "document_kind": kind,
                    "lead_id": self.id,
                    "company_id": company.id,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "template_id": template.id,
                    **source_values,
                }
            )
        else:
            document.write(
                {
                    "template_id": template.id,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "state": "prepared",
                    **source_values,
                }
            )
        docx = Contract._render(template, render_context(document.name))
        used = _(
            'Template "%(template)s", in %(lang)s: %(reason)s.',
            template=template.name,
            lang=Template._get_lang_name(template._get_contract_lang(self)),
            reason=reason,
        )
        notices = document._add_version(docx, "prepared", template, note=used)
        self.invalidate_recordset(
            ["contract_ids", "contract_id", "contract_count", "contract_state", "act_ids", "act_id", "act_count"]
        )
        if notices:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": "\n".join([used, *notices]),
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        if is_act:
            message = _("Act %(number)s is ready. %(used)s", number=document.name, used=used)
        else:
            message = _("Contract %(number)s is ready. %(used)s", number=document.name, used=used)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _get_act_invoices(self):
        """The posted customer invoices of this opportunity's orders, the latest first, with the
        user's environment (whether they may read them is checked by the caller)."""
        self.ensure_one()
        # sudo: to find the opportunity's invoices (a salesperson's rights may hide them)
        invoices = (
            self.sudo()
            .order_ids.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
            .sorted("id", reverse=True)
        )
        return invoices.with_env(self.env)

    def _get_act_invoice(self):
        """The invoice an act is prepared from (and a contract is sent with): the latest posted
        customer invoice of the deal."""
        return self._get_act_invoices()[:1]

    def _get_contract_invoice_attachment(self, contract):
        """The invoice to send with ``contract``, rendered with the sender's rights: its posted
        customer invoice when there is one, else Odoo's pro-forma invoice of its quotation. The
        PDF is an attachment of the composer (``mail.compose.message``, no record), as Odoo's
        own templates give theirs: it goes on the message once sent, never on the opportunity.

        :raises UserError: the sender may not read the invoice (named)
        """
        self.ensure_one()
        order = contract.order_id or self._get_contract_order()
        # the PDF is rendered below with the sender's rights, after checking they may read the invoice
        invoice = self._get_act_invoice()
        Report = self.env["ir.actions.report"]
        if invoice:
            # sudo: its number, to name it, whatever the sender may read
            invoice_name = invoice.sudo().name
            try:
                invoice.check_access("read")
            except AccessError as error:
                raise UserError(
                    _(
                        'Invoice %(invoice)s of "%(lead)s" is not one you may read: ask an accountant to send it, '
                        "or to give you access to it.",
                        invoice=invoice_name,
                        lead=self.name,
                    )
                ) from error
            content, _type = Report._render_qweb_pdf("account.account_invoices", invoice.ids)
            name = f"{(invoice_name or '').replace('/', '_')}.pdf"
        elif order:
            content, _type = Report.with_context(proforma=True)._render_qweb_pdf(
                "sale.action_report_pro_forma_invoice", order.ids
            )
            name = _("Pro-forma invoice %(order)s.pdf", order=order.name.replace("/", "_"))
        else:
            raise UserError(
                _('"%(lead)s" has neither an invoice nor a quotation to send with the contract.', lead=self.name)
            )
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": "mail.compose.message",
                "res_id": 0,
                "mimetype": "application/pdf",
                "type": "binary",
            }
        )

    def _on_contract_sent(self, contract, partners):
        """Hook: the contract was sent to ``partners`` (called once the composer sent it):
        record it, and move the opportunity to its team's payment stage, as the user who sent
        it. Override to act on a sent contract."""
        self.ensure_one()
        emails = self._mark_followup_document_sent(contract, partners)
        stage = self.team_id._get_contract_payment_stage()
        note = _("Contract %(number)s and the invoice were sent to %(emails)s.", number=contract.name, emails=emails)
        self.message_post(body=note)
        if stage and self.stage_id != stage and not self.stage_id.is_won:
            self._followup_move_or_note("stage", _("Contract %(number)s was sent", number=contract.name), stage=stage)

    def _on_contract_paid(self):
        """Hook: the payment of these opportunities arrived (a payment criterion was met): those
        in their team's payment stage move on to its work stage, and the salesperson is
        notified. Runs in superuser mode, at the end of the transaction that registered it."""
        for lead in self:
            payment_stage = lead.team_id._get_contract_payment_stage()
            work_stage = lead.team_id._get_contract_work_stage()
            if not work_stage or lead.stage_id != payment_stage:
                continue
            if not lead._followup_move_or_note("stage", _("The payment was received"), stage=work_stage):
                # in the salesperson's language; the subject says what happened in their inbox
                notice = lead.with_context(lang=lead.user_id.lang or self.env.lang)
                notice.message_post(
                    body=notice.env._(
                        "Payment received: %(lead)s moved to %(stage)s; the work can start.",
                        lead=lead.name,
                        stage=work_stage.with_env(notice.env).name,
                    ),
                    subject=notice.env._("Payment received: %(lead)s", lead=lead.name),
                    partner_ids=lead.user_id.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )

    def _on_act_sent(self, act, partners):
        """Hook: the act was sent to ``partners`` (called once the composer sent it): recorded
        on the act and in the chatter. Override to act on a sent act."""
        self.ensure_one()
        emails = self._mark_followup_document_sent(act, partners)
        self.message_post(body=_("Act %(number)s was sent to %(emails)s.", number=act.name, emails=emails))

    def _mark_followup_document_sent(self, document, partners):
        """Record ``document`` (a contract or an act) sent now to ``partners`` (else to the
        customer's address); the addresses it went to."""
        self.ensure_one()
        emails = ", ".join(partner.email_formatted for partner in partners if partner.email) or self.partner_id.email
        # sudo: the document's state is the engine's; the user just sent it from the opportunity
        document.sudo().write({"state": "sent", "sent_date": fields.Datetime.now(), "sent_to": emails})
        return emails

    def _meet_act_signed(self, act, attachment):
        """*Act signed* follows the act: the criteria of that rule and the shipped *Acceptance act
        signed* (met by hand until now) are met with the signed copy and the date of the signature."""
        self.ensure_one()
        shipped = self.env.ref("odoo_sales_followup.criterion_act_signed", raise_if_not_found=False)
        lines = self.criterion_line_ids.filtered(
            lambda line: not line.is_met
            and (line.rule == "act_signed" or (line.criterion_id == shipped and line.rule == "manual"))
        )
        if lines:
            # the user's right to edit the opportunity was checked by the act
            lines._meet_by_document(act, attachments=attachment, fact_date=act.signed_date)
        self._queue_criteria_updates(document_lead_ids=self.ids)

    @api.model
    def _get_act_sign_overdue_dates(self, lead_ids=None):
        """{deal id: the day it was paid in full} of the open or won deals paid in full whose act
        is not signed the company's *Days to sign the act after payment* later (company days);
        only among ``lead_ids`` when given. The caller's domain or rights decide who sees them."""
        domain = [("criterion_id.rule", "=", "full_payment"), ("is_met", "=", True), ("lead_active", "=", True)]
        if lead_ids is not None:
            domain.append(("lead_id", "in", list(lead_ids)))
        # sudo: the control reads the criteria and acts of the deals; what a reader sees of them
        # is decided by the deals' own rights (the search domain or the records computed)
        lines = self.env["crm.lead.criterion"].sudo().search(domain, order="met_date")
        if not lines:
            return {}
        signed = (
            self.env["followup.contract"]
            .sudo()
            .search([("lead_id", "in", lines.lead_id.ids), ("document_kind", "=", "act"), ("state", "=", "signed")])
            .lead_id
        )
        today_of = {}
        result = {}
        for line in lines:
            lead = line.lead_id
            if lead in signed or lead.id in result or not line.met_date:
                continue
            company = lead.company_id or self.env.company
            if company not in today_of:
                today_of[company] = company._get_followup_today()
            paid_on = company._get_followup_date(line.met_date)
            if paid_on + timedelta(days=company.act_sign_days or 10) <= today_of[company]:
                result[lead.id] = paid_on
        return result

    def _meet_contract_signed(self, contract, attachment):
        """*Contract signed* follows the contract: an automatic criterion of that rule through the
        criteria's rules, and the shipped criterion met by hand with the signed copy attached."""
        self.ensure_one()
        self._queue_criteria_updates(document_lead_ids=self.ids)
        shipped = self.env.ref("odoo_sales_followup.criterion_contract_signed", raise_if_not_found=False)
        lines = self.criterion_line_ids.filtered(
            lambda line: not line.is_met and line.criterion_id == shipped and line.rule == "manual"
        )
        if lines:
            # the user's right to edit the opportunity was checked by the contract
            lines._meet_by_document(contract, attachments=attachment, fact_date=contract.signed_date)
