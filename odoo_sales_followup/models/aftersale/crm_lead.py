from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

from .res_company import MAX_AFTER_SALE_DELAY_DAYS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    origin_lead_id = fields.Many2one(
        "crm.lead",
        string="Original deal",
        index="btree_not_null",
        copy=False,
        help="The won deal whose after-sale care opened this repeat sale.",
    )
    repeat_lead_ids = fields.One2many("crm.lead", "origin_lead_id", string="Repeat sales")
    repeat_sale_count = fields.Integer(compute="_compute_repeat_sale_count")
    after_sale_call_date = fields.Date(
        string="After-sale call planned on", readonly=True, copy=False, help="Set once the after-sale call is planned."
    )
    after_sale_call_due = fields.Date(
        compute="_compute_after_sale_call_due",
        string="After-sale call due on",
        help="The due date of the open after-sale call.",
    )

    def _compute_repeat_sale_count(self):
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("origin_lead_id", "in", self.ids)], ["origin_lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.repeat_sale_count = counts.get(lead, 0)

    @api.depends("activity_ids.date_deadline", "activity_ids.activity_type_id")
    def _compute_after_sale_call_due(self):
        call_type = self._get_after_sale_call_type() if self.activity_ids else None
        for lead in self:
            deadlines = lead.activity_ids.filtered(lambda activity: activity.activity_type_id == call_type).mapped(
                "date_deadline"
            )
            lead.after_sale_call_due = min(deadlines) if deadlines else False

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered(lambda lead: lead.type == "opportunity" and lead.stage_id.is_won)._plan_after_sale_calls("won")
        return leads

    def write(self, vals):
        # Compared after the write, once the new stage is known to exist.
        not_won = self.filtered(lambda lead: not lead.stage_id.is_won) if "stage_id" in vals else self.browse()
        result = super().write(vals)
        not_won.filtered(lambda lead: lead.stage_id.is_won)._plan_after_sale_calls("won")
        return result

    # ---- ACTIONS ----

    def action_new_repeat_sale(self):
        """Open the repeat sale that an after-sale call found, and close that call."""
        self.ensure_one()
        if not (self.type == "opportunity" and self.active and self.stage_id.is_won):
            raise UserError(
                _(
                    'A repeat sale opens from a won deal: "%(deal)s" is not won.',
                    deal=self.name,
                )
            )
        if open_repeat := self._get_open_repeat_sale():
            return open_repeat
        # without the caller's defaults (a stage, a type...): the repeat sale is prepared from the deal
        without_defaults = self.with_env(self.env(context=clean_context(self.env.context)))
        repeat = without_defaults.create(self._prepare_repeat_sale_values())
        call_type = self._get_after_sale_call_type()
        calls = self.activity_ids.filtered(lambda activity: activity.activity_type_id == call_type)
        calls.action_feedback(feedback=_("Repeat sale opened: %(name)s", name=repeat.name))
        self.message_post(
            body=Markup("%s %s") % (_("Repeat sale opened:"), repeat._get_html_link()),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return self._get_repeat_sale_form(repeat)

    def action_view_repeat_sales(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(domain=[("origin_lead_id", "=", self.id)], context={"default_origin_lead_id": self.id})
        return action

    # ---- HOOKS ----

    def _on_criteria_met(self, lines):
        result = super()._on_criteria_met(lines)
        lines.filtered(lambda line: line.rule == "full_payment").lead_id._plan_after_sale_calls("full_payment")
        return result

    # ---- AFTER-SALE CARE ----

    def _get_open_repeat_sale(self):
        """When this deal already has an open repeat sale (active, neither won nor lost): the
        action that opens it, with a notification saying so; else None. One that the user may
        not read is refused with a message naming it and its salesperson."""
        self.ensure_one()
        # sudo: a repeat sale of another salesperson must be found too, not duplicated
        repeat = self.sudo().search(
            [
                ("origin_lead_id", "=", self.id),
                ("type", "=", "opportunity"),
                ("active", "=", True),
                ("stage_id.is_won", "=", False),
            ],
            order="id",
            limit=1,
        )
        if not repeat:
            return None
        values = {"deal": self.name, "repeat": repeat.name, "user": repeat.user_id.name or _("nobody")}
        if not repeat.with_env(self.env).has_access("read"):
            raise UserError(
                _(
                    '"%(deal)s" already has an open repeat sale, "%(repeat)s" (salesperson: %(user)s): ask them '
                    "rather than opening another one.",
                    **values,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Repeat sale already open"),
                "message": _(
                    '"%(deal)s" already has an open repeat sale, "%(repeat)s" (salesperson: %(user)s): it is '
                    "opened instead of a new one.",
                    **values,
                ),
                "sticky": False,
                "next": self._get_repeat_sale_form(repeat.with_env(self.env)),
            },
        }

    def _get_repeat_sale_form(self, repeat):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": repeat.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _get_after_sale_call_type(self):
        return self.env.ref("odoo_sales_followup.mail_activity_type_after_sale_call", raise_if_not_found=False)

    def _prepare_repeat_sale_values(self):
        return {
            "name": _("Repeat sale: %(deal)s", deal=self.name),
            "type": "opportunity",
            "partner_id": self.partner_id.id,
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "tag_ids": [fields.Command.set(self.tag_ids.ids)],
            "origin_lead_id": self.id,
        }

    def _plan_after_sale_calls(self, trigger):
        """Plan the after-sale call of these deals when their company plans it on ``trigger``."""
        leads = self.filtered(
            lambda lead: not lead.after_sale_call_date
            and ((lead.company_id or self.env.company).after_sale_trigger or "won") == trigger
        )
        if not leads:
            return
        # looked up only when a call is due: env.ref costs a query, and every write of a lead comes here
        call_type = self._get_after_sale_call_type()
        if not call_type:
            return
        # today is the day of the deal's company
        today_of = {company: company._get_followup_today() for company in leads.company_id | self.env.company}
        model_id = self.env["ir.model"]._get_id("crm.lead")
        vals_list = []
        business_days = {}
        for lead in leads:
            company = lead.company_id or self.env.company
            today = today_of[company]
            # the settings refuse a delay out of bounds; a value stored before that cannot overflow the date
            delay = min(max(company.after_sale_delay_days, 0), MAX_AFTER_SALE_DELAY_DAYS)
            due = today + timedelta(days=delay)
            if company not in business_days:
                business_days[company] = company._get_followup_business_days(first=due)
            # due on a business day of the company's calendar: the next one after a holiday
            due = company._get_followup_business_date(due, business_days[company])
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": call_type.id,
                    "summary": call_type.summary or call_type.name,
                    "note": call_type.default_note,
                    "date_deadline": due,
                    "user_id": lead.user_id.id or self.env.uid,
                }
            )
        # sudo: the call is planned for the deal's salesperson, whoever marked it won or registered the
        # payment; without the caller's defaults, which are meant for their own records
        self.env["mail.activity"].sudo().with_env(self.env(context=clean_context(self.env.context), su=True)).create(
            vals_list
        )
        for today, planned in leads.grouped(lambda lead: today_of[lead.company_id or self.env.company]).items():
            planned.sudo().after_sale_call_date = today
