from odoo import api, fields, models

#: The chains' triggers of opportunities (``followup.chain.trigger``).
LEAD_TRIGGERS = [
    ("stage", "Opportunity enters a stage"),
    ("opportunity_created", "Opportunity created"),
    ("quotation_confirmed", "Quotation confirmed"),
    ("won", "Opportunity won"),
    ("lost", "Opportunity lost"),
]


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "followup.chain.record"]
    _followup_record_sequence = 10

    # the runs on the opportunity and on its documents (quotations, invoices)
    followup_run_ids = fields.One2many("followup.chain.run", "lead_id", string="Activity chains")
    followup_running_count = fields.Integer(compute="_compute_followup_running_count", string="Running chains")

    @api.depends("followup_run_ids.state")
    def _compute_followup_running_count(self):
        for lead in self:
            lead.followup_running_count = len(
                lead.followup_run_ids.filtered(lambda run: run.state in ("running", "paused"))
            )

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        opportunities = leads.filtered(lambda lead: lead.type == "opportunity" and lead.active)
        if opportunities:
            Chain = self.env["followup.chain"]
            Chain._start_chains("opportunity_created", opportunities)
            Chain._start_chains("stage", opportunities)
        return leads

    def write(self, vals):
        # Compare cheaply: read what a trigger needs before super only when it may change.
        old_stages = {lead.id: lead.stage_id for lead in self} if "stage_id" in vals else {}
        new_opportunities = (
            self.filtered(lambda lead: lead.type != "opportunity") if vals.get("type") == "opportunity" else None
        )
        if "active" in vals and not vals["active"]:
            self._followup_detach_activities()
        result = super().write(vals)
        if old_stages or new_opportunities or "active" in vals:
            self._followup_after_write(vals, old_stages, new_opportunities)
        return result

    def toggle_active(self):
        self._followup_detach_activities()
        return super().toggle_active()

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        lead = super().message_new(msg_dict, custom_values)
        lead._followup_opened_by_email()
        return lead

    # ---- mail.thread ----

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self._followup_on_message_posted(message)
        return result

    # ---- followup.chain.record ----

    @api.model
    def _get_followup_record_label(self):
        return self.env._("Opportunity")

    @api.model
    def _get_followup_triggers(self):
        return tuple(trigger for trigger, _label in LEAD_TRIGGERS)

    def _get_followup_lead(self):
        return self

    def _get_followup_salesperson(self):
        return self.user_id

    def _get_followup_amount(self):
        return self.expected_revenue

    def _get_followup_stop_reason(self, chain):
        trigger = chain.trigger
        if not self.active and trigger != "lost":
            return "lost"
        if self.stage_id.is_won and trigger != "won":
            return "won"
        if trigger == "stage" and self.stage_id != chain.trigger_stage_id:
            return "stage"
        return False

    # ---- PRIVATE ----

    def _followup_detach_activities(self):
        # Odoo removes the activities of the opportunities it archives (lost), in write and in
        # toggle_active: their chains let go of them first, and stop by the opportunities' new
        # state once written (_followup_after_write), not as activities cancelled by hand.
        self.env["followup.chain.run"]._detach_from_records(self.filtered("active"))

    def _followup_after_write(self, vals, old_stages, new_opportunities):
        Chain = self.env["followup.chain"]
        Run = self.env["followup.chain.run"]
        moved = self.filtered(lambda lead: lead.id in old_stages and lead.stage_id != old_stages[lead.id])
        if "active" in vals:
            Run._stop_on_records(self)
            if not vals["active"]:
                # a chain that goes on when its opportunity is lost (a "lost" one) lost its activity
                Run._stop_on_records(self, orphans=True)
        elif moved:
            Run._stop_on_records(moved)
        opportunities = self.filtered(lambda lead: lead.type == "opportunity")
        if new_opportunities:
            Chain._start_chains("opportunity_created", new_opportunities.filtered("active"))
            Chain._start_chains("stage", new_opportunities.filtered("active"))
        if moved:
            active = (moved & opportunities).filtered("active")
            Chain._start_chains("stage", active)
            Chain._start_chains("won", active.filtered(lambda lead: lead.stage_id.is_won))
        if "active" in vals and not vals["active"]:
            Chain._start_chains("lost", opportunities)


class FollowupChain(models.Model):
    _inherit = "followup.chain"

    trigger = fields.Selection(
        selection_add=[*LEAD_TRIGGERS, ("manual",)],
        ondelete=dict.fromkeys((trigger for trigger, _label in LEAD_TRIGGERS), "set default"),
    )


class FollowupChainRun(models.Model):
    _inherit = "followup.chain.run"

    stop_reason = fields.Selection(
        selection_add=[
            ("won", "Opportunity won"),
            ("lost", "Opportunity lost"),
            ("stage", "Opportunity left the stage"),
        ]
    )
