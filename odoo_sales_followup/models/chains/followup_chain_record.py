from odoo import api, models

#: Key of the documents created from an email in the current transaction (``message_new``).
NEW_BY_EMAIL = "odoo_sales_followup.chain_opened_by_email"


class FollowupChainRecord(models.AbstractModel):
    """What an activity chain needs of the documents it runs on (opportunities, quotations,
    customer invoices). A model that chains may run on inherits it and overrides the hooks;
    ``followup.chain`` and ``followup.chain.run`` only call these, and name no model.

    A kind of document adds, in its own files: the triggers it starts (a ``selection_add`` on
    ``followup.chain.trigger`` and ``_get_followup_triggers``), the stop reasons it gives (a
    ``selection_add`` on ``followup.chain.run.stop_reason`` and ``_get_followup_stop_reason``),
    and a call of ``followup.chain._start_chains(trigger, documents)`` when the event happens
    (and of ``followup.chain.run._stop_on_records(documents)`` when a chain may have lost its
    purpose). The defaults below read the fields most documents share (``partner_id``,
    ``team_id``, ``company_id``): a model whose fields are named otherwise overrides them."""

    _name = "followup.chain.record"
    _description = "Document an activity chain runs on"

    #: Order of the kind of document in the chains' *Runs on* list.
    _followup_record_sequence = 100

    # ---- CRUD ----

    def unlink(self):
        # sudo: the runs of the documents removed, whoever may remove them
        runs = (
            self.env["followup.chain.run"].sudo().search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        result = super().unlink()
        # the runs on these documents go with them (those on documents linked to them stay)
        runs.exists().unlink()
        return result

    # ---- ACTIONS ----

    def action_start_followup_chain(self):
        return self.env["followup.chain.start.wizard"]._action_open(self)

    # ---- COMPUTE ----

    def _compute_followup_run_ids(self):
        """The runs on these documents, for a model's ``followup_run_ids`` tab (one search)."""
        runs = self.env["followup.chain.run"].search(
            [("res_model", "=", self._name), ("res_id", "in", [res_id for res_id in self.ids if res_id])]
        )
        for record in self:
            record.followup_run_ids = runs.filtered(lambda run, record=record: run.res_id == record.id)

    # ---- LISTENING TO THE CUSTOMER ----

    def _followup_on_message_posted(self, message):
        """A message was posted on this document: its chains hear it when it is an email of the
        customer (``followup.chain.run._on_customer_message``). Each kind of document calls it from
        its ``_message_post_after_hook`` (mail.thread's comes before this class in their order)."""
        if message.message_type != "email" or not self:
            return  # what users post and Odoo logs costs no query
        if self.env.cr.precommit.data.get(NEW_BY_EMAIL, {}).get(self._name, set()) & set(self.ids):
            return  # the email that opened the document answers nothing
        self.env["followup.chain.run"]._on_customer_message(self, message)

    def _followup_opened_by_email(self):
        """These documents were just created from an email (``message_new``): their chains do not
        hear that first email as a reply."""
        opened = self.env.cr.precommit.data.setdefault(NEW_BY_EMAIL, {})
        opened.setdefault(self._name, set()).update(self.ids)

    # ---- HOOKS ----

    @api.model
    def _get_followup_record_label(self):
        """Hook: what the chains' *Runs on* calls this kind of document."""
        return self._description

    @api.model
    def _get_followup_triggers(self):
        """Hook: the triggers (``followup.chain.trigger`` values) whose chains run on this kind
        of document. A trigger no kind claims lets the chain's author choose (like *by hand*)."""
        return ()

    def _get_followup_lead(self):
        """Hook: the opportunity of this document (an opportunity is its own): the chain's
        outcomes move it, and its *Activity chains* tab lists the run."""
        self.ensure_one()
        return self.env["crm.lead"]

    def _get_followup_partner(self):
        """Hook: the customer (commercial entity) of this document."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id

    def _get_followup_salesperson(self):
        """Hook: the salesperson of this document, who gets the steps by default."""
        self.ensure_one()
        return self.env["res.users"]

    def _get_followup_team(self):
        """Hook: the sales team of this document (the chains' team condition, the team leader)."""
        self.ensure_one()
        return self.team_id

    def _get_followup_company(self):
        """Hook: the company of this document (the chains' company, the working calendar)."""
        self.ensure_one()
        return self.company_id

    def _get_followup_amount(self):
        """Hook: the amount a chain's minimum amount is compared with."""
        self.ensure_one()
        return 0.0

    def _get_followup_due_date(self):
        """Hook: the date a step *counted from the due date* counts from (an invoice's due date,
        a quotation's expiry), or False: the step then counts from the start of the chain."""
        self.ensure_one()
        return False

    def _get_followup_stop_reason(self, chain):
        """Hook: why a run of ``chain`` on this document has no purpose any more (a
        ``followup.chain.run.stop_reason`` value), or False. Read in superuser mode."""
        self.ensure_one()
        return False
