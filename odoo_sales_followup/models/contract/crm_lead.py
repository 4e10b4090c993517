from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from ...tools import office
from ...tools.docx_render import TemplateRenderError, template_fields
from .followup_contract import STATES


class CrmLead(models.Model):
    _inherit = "crm.lead"

    contract_ids = fields.One2many("followup.contract", "lead_id", string="Contracts", readonly=True)
    contract_id = fields.Many2one(
        "followup.contract", compute="_compute_contract_id", string="Contract", help="The current contract."
    )
    contract_state = fields.Selection(
        selection=STATES,
        compute="_compute_contract_id",
        string="Contract status",
    )
    contract_count = fields.Integer(compute="_compute_contract_id", string="Contracts count")

    @api.depends("contract_ids.state")
    def _compute_contract_id(self):
        for lead in self:
            contracts = lead.contract_ids.sorted("id", reverse=True)
            lead.contract_id = contracts.filtered(lambda contract: contract.state != "cancelled")[:1]
            lead.contract_state = lead.contract_id.state
            lead.contract_count = len(contracts)

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
        return {
            "type": "ir.actions.act_window",
            "name": _("Prepare contract"),
            "res_model": "followup.contract.prepare.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def action_send_contract(self):
        """Odoo's mail composer with the template *Contract and invoice*, the contract's PDF and
        the invoice (the deal's posted customer invoice, else the quotation's pro-forma) attached."""
        self.ensure_one()
        self.check_access("write")
        contract = self.contract_id
        if not contract:
            raise UserError(_('Prepare the contract of "%(lead)s" before sending it.', lead=self.name))
        if contract.state == "signed":
            raise UserError(_("Contract %(number)s is already signed.", number=contract.name))
        if not contract.pdf_attachment_id:
            raise UserError(
                _(
                    "Contract %(number)s has no PDF to send: install LibreOffice (Debian package %(package)s) "
                    "and prepare it again.",
                    number=contract.name,
                    package=office.PACKAGE,
                )
            )
        if not self.partner_id.email:
            raise UserError(
                _(
                    'The customer of "%(lead)s" (%(partner)s) has no email address: add it before sending the '
                    "contract.",
                    lead=self.name,
                    partner=self.partner_id.display_name or _("none"),
                )
            )
        invoice_attachment = self._get_contract_invoice_attachment(contract)
        template = self.env.ref("odoo_sales_followup.mail_template_contract_invoice")
        return {
            "type": "ir.actions.act_window",
            "name": _("Send contract"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "crm.lead",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_attachment_ids": [(6, 0, (contract.pdf_attachment_id | invoice_attachment).ids)],
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    def action_open_contracts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Contracts"),
            "res_model": "followup.contract",
            "view_mode": "list,form",
            "domain": [("lead_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_open_contract_wizard(self):
        """The window to upload an edited version of the contract, or its signed copy."""
        self.ensure_one()
        if not self.contract_id:
            raise UserError(_('Prepare the contract of "%(lead)s" first.', lead=self.name))
        mode = self.env.context.get("contract_wizard_mode") == "sign" and "sign" or "upload"
        return {
            "type": "ir.actions.act_window",
            "name": _("Mark signed") if mode == "sign" else _("Upload a version"),
            "res_model": "followup.contract.upload.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.contract_id.id, "default_mode": mode},
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
        for contract in signed:
            facts[contract.lead_id.id]["contract_signed"] = contract
        return facts

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
        if self.type != "opportunity":
            raise UserError(_('"%(lead)s" is a lead: convert it to an opportunity first.', lead=self.name))
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
        Contract = self.env["followup.contract"]
        Template = self.env["followup.contract.template"].with_company(company)
        if template:
            reason = _("chosen by %(user)s", user=self.env.user.name)
            if template not in Template._get_templates_for_lead(self):
                raise UserError(
                    _(
                        'Contract template "%(template)s" is not one of the company and sales team of "%(lead)s".',
                        template=template.name,
                        lead=self.name,
                    )
                )
        else:
            template, reason = Template._find_for_lead_with_reason(self)
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
        current = self.contract_id
        if current.state == "signed":
            raise UserError(
                _("Contract %(number)s of this opportunity is signed: it is not prepared again.", number=current.name)
            )
        try:
            names, attributes = template_fields(template._get_template_data())
        except TemplateRenderError as error:
            raise UserError(template._describe_render_error(error)) from error
        Contract._check_placeholders(template, attributes)
        Contract._check_legal_data(self, order, template, attributes, names)
        # sudo: contracts, their numbers and versions are the engine's; the user's right to edit
        # the opportunity was checked above, and only the user's own records are returned
        contract = current.sudo()
        if not contract:
            # rendered once before a number is taken, so that a template that fails takes none
            # (the sequence is not transactional: a number taken is gone even when refused)
            number = Contract.sudo()._next_number(company, peek=True)
            Contract._render(template, Contract._get_render_context(self, order, template, number))
            contract = Contract.sudo().create(
                {
                    "name": Contract.sudo()._next_number(company),
                    "lead_id": self.id,
                    "company_id": company.id,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "order_id": order.id,
                    "template_id": template.id,
                }
            )
        else:
            contract.write(
                {
                    "order_id": order.id,
                    "template_id": template.id,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "state": "prepared",
                }
            )
        context = Contract._get_render_context(self, order, template, contract.name)
        docx = Contract._render(template, context)
        used = _(
            'Template "%(template)s", in %(lang)s: %(reason)s.',
            template=template.name,
            lang=Template._get_lang_name(template._get_contract_lang(self)),
            reason=reason,
        )
        notices = contract._add_version(docx, "prepared", template, note=used)
        self.invalidate_recordset(["contract_ids", "contract_id", "contract_count", "contract_state"])
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
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Contract %(number)s is ready. %(used)s", number=contract.name, used=used),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _get_contract_invoice_attachment(self, contract):
        """The invoice to send with ``contract``, rendered with the sender's rights: its posted
        customer invoice when there is one, else Odoo's pro-forma invoice of its quotation. The
        PDF is an attachment of the composer (``mail.compose.message``, no record), as Odoo's
        own templates give theirs: it goes on the message once sent, never on the opportunity.

        :raises UserError: the sender may not read the invoice (named)
        """
        self.ensure_one()
        order = contract.order_id or self._get_contract_order()
        # sudo: to find the opportunity's invoices (a salesperson's rights may hide them); the PDF
        # is rendered below with the sender's rights, after checking they may read the invoice
        invoices = (
            self.sudo()
            .order_ids.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
            .sorted("id", reverse=True)
        )
        Report = self.env["ir.actions.report"]
        if invoices:
            invoice = invoices[0].with_env(self.env)
            try:
                invoice.check_access("read")
            except AccessError as error:
                raise UserError(
                    _(
                        'Invoice %(invoice)s of "%(lead)s" is not one you may read: ask an accountant to send it, '
                        "or to give you access to it.",
                        invoice=invoices[0].name,
                        lead=self.name,
                    )
                ) from error
            content, _type = Report._render_qweb_pdf("account.account_invoices", invoice.ids)
            name = f"{(invoices[0].name or '').replace('/', '_')}.pdf"
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
        emails = ", ".join(partner.email_formatted for partner in partners if partner.email) or self.partner_id.email
        # sudo: the contract's state is the engine's; the user just sent it from the opportunity
        contract.sudo().write({"state": "sent", "sent_date": fields.Datetime.now(), "sent_to": emails})
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

    def _on_followup_document_signed(self, documents):
        """Hook: ``documents`` of these opportunities (a contract, an act) were marked signed by
        the customer. Called once the signature is recorded, with the rights of the user who
        recorded it. Does nothing here; the activity chains override it to end the steps that
        wait for the signature."""
        return None

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
