from odoo import models
from odoo.tools import format_amount, format_date

from ..crm_followup_digest import DigestLine
from .crm_sales_plan import TARGET_FIELDS

#: Won deals and gaps of a plan that the monthly review names.
REVIEW_TOP = 3


class CrmFollowupDigest(models.Model):
    """The plans' sections of the sales digests: plan against actual, what to do today,
    what waits per salesperson, deals won and lost; what was missed (activities overdue,
    deals without a next step); and, in the monthly digest, the review of the plans that
    ended: what drove them, and the biggest gaps of those not met."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "plan", "crm.sales.plan", self._get_digest_plan_section)
        group.add(sections, "todo", "crm.followup.my.day", self._get_digest_todo_section)
        if group.role != "salesperson":
            group.add(sections, "control", "crm.followup.my.day", self._get_digest_control_section)
        group.add(sections, "deals", "crm.lead", self._get_digest_deals_section)
        group.add(sections, "overdue_activities", "crm.followup.my.day", self._get_digest_overdue_activities_section)
        group.add(sections, "no_next_step", "crm.lead", self._get_digest_no_next_step_section)
        if group.periodicity == "monthly":
            group.add(sections, "plan_review", "crm.sales.plan", self._get_digest_plan_review_section)
        return sections

    def _get_digest_plan_section(self, group):
        """Plans that hold the period's last day, with their figures up to that day
        (computed, not written: a digest never rewrites the plans), the biggest revenue
        gap first; each line says its salesperson and its period."""
        env = self.env
        plans_of = group.search(
            "crm.sales.plan", [("date_from", "<=", group.date_to), ("date_to", ">=", group.date_to)]
        )
        plans = env["crm.sales.plan"].browse({plan.id for records in plans_of.values() for plan in records})
        # sudo: the figures count documents the reader may not read (a team's orders);
        # only figures of the plans the reader may read are shown.
        figures = plans.sudo()._get_current_figures(today=group.date_to, until=group.date_to)
        kinds = dict(plans._fields["period_kind"]._description_selection(env))

        def line(plan):
            figure = figures[plan.id]
            currency = plan.currency_id
            return DigestLine(
                label=env._(
                    "%(salesperson)s – %(kind)s %(date_from)s – %(date_to)s",
                    salesperson=plan.user_id.name,
                    kind=kinds[plan.period_kind],
                    date_from=format_date(env, plan.date_from),
                    date_to=format_date(env, plan.date_to),
                ),
                url=group.link(plan),
                detail=env._(
                    "revenue %(revenue)s of %(target)s (%(progress)s%%), forecast %(forecast)s, gap %(gap)s; "
                    "new customers %(new)s of %(new_target)s; activities done %(activities)s of %(activities_target)s",
                    revenue=format_amount(env, figure["actual_revenue"], currency),
                    target=format_amount(env, plan.target_revenue, currency),
                    progress=round(figure["progress_revenue"]),
                    forecast=format_amount(env, figure["forecast_revenue"], currency),
                    gap=format_amount(env, figure["revenue_gap"], currency),
                    new=figure["actual_new_customers"],
                    new_target=plan.target_new_customers,
                    activities=figure["actual_activities"],
                    activities_target=plan.target_activities,
                )
                + "; "
                + self._get_digest_plan_category_detail(plan, figure),
            )

        note = env._("Figures of the plans' periods up to %(date)s included.", date=format_date(env, group.date_to))
        return {
            reader_id: group.section(
                "plan",
                env._("Plan against actual"),
                lines=[line(plan) for plan in records.sorted(lambda plan: -figures[plan.id]["revenue_gap"])],
                note=note,
                empty=env._("No sales plan for this period."),
            )
            for reader_id, records in plans_of.items()
        }

    def _get_digest_plan_category_detail(self, plan, figure):
        """The forecast by category of a plan's digest line, from its ``figure`` (as
        ``crm.sales.plan._get_current_figures`` computes them): closed, committed, best case
        and pipeline against the revenue target."""
        env = self.env
        currency = plan.currency_id
        return env._(
            "by forecast category: closed %(closed)s, commit %(commit)s, best case %(best_case)s, "
            "pipeline %(pipeline)s of %(target)s (closed and committed %(progress)s%%)",
            closed=format_amount(env, figure["category_closed_revenue"], currency),
            commit=format_amount(env, figure["category_commit_revenue"], currency),
            best_case=format_amount(env, figure["category_best_case_revenue"], currency),
            pipeline=format_amount(env, figure["category_pipeline_revenue"], currency),
            target=format_amount(env, plan.target_revenue, currency),
            progress=round(figure["progress_commit"]),
        )

    def _get_digest_todo_section(self, group):
        """The reader's own *My day* of today: each line names its task (the activity's
        type and summary, the record it is on) or what waits (an opportunity without a
        next step, an expected purchase, an overdue invoice)."""
        env = self.env
        lines_of = group.search("crm.followup.my.day", [], own=True)
        kinds = dict(env["crm.followup.my.day"]._fields["kind"]._description_selection(env))
        model_names = {}

        def document(line):
            if line.res_model not in model_names:
                model_names[line.res_model] = env["ir.model"]._get(line.res_model).name
            return model_names[line.res_model]

        def todo(line):
            activity = line.activity_id
            if activity:
                label = env._(
                    "%(type)s: %(summary)s",
                    type=activity.activity_type_id.name or kinds[line.kind],
                    summary=activity.summary or activity.activity_type_id.name or "",
                )
                detail = env._(
                    "%(kind)s, on %(document)s %(record)s, due %(date)s",
                    kind=kinds[line.kind],
                    document=document(line),
                    record=activity.res_name or "",
                    date=format_date(env, line.date),
                )
            else:
                label = env._("%(kind)s: %(name)s", kind=kinds[line.kind], name=line.name or "")
                detail = format_date(env, line.date) if line.date else ""
            return DigestLine(label=label, url=f"{group.base_url}/odoo/{line.res_model}/{line.res_id}", detail=detail)

        note = env._("As of %(date)s.", date=format_date(env, env.company._get_followup_today()))
        return {
            reader_id: group.section(
                "todo",
                env._("To do today"),
                lines=[todo(line) for line in records],
                note=note,
                empty=env._("Nothing overdue, nothing without a next step."),
            )
            for reader_id, records in lines_of.items()
        }

    def _get_digest_control_section(self, group):
        """For a team leader or the sales head: what waits today, per salesperson."""
        env = self.env
        MyDay = env["crm.followup.my.day"]
        kinds = dict(MyDay._fields["kind"]._description_selection(env))
        rows = {}
        for salesperson, kind, count in MyDay._read_group(group.scope(), ["user_id", "kind"], ["__count"]):
            rows.setdefault(salesperson, {})[kind] = count
        lines = [
            DigestLine(
                label=salesperson.name or env._("Unassigned"),
                detail=", ".join(f"{kinds[kind]}: {count}" for kind, count in counts.items()),
            )
            for salesperson, counts in sorted(rows.items(), key=lambda item: -sum(item[1].values()))
        ]
        return group.section(
            "control",
            env._("Per salesperson"),
            lines=lines,
            note=env._("What waits as of %(date)s.", date=format_date(env, env.company._get_followup_today())),
            empty=env._("Nothing waits: every record has its next step."),
        )

    def _get_digest_deals_section(self, group):
        """Deals won and lost in the period, with the customer, the amount and the reason."""
        env = self.env
        deals_of = group.search(
            "crm.lead",
            [
                *group.period("date_closed"),
                "|",
                "&",
                ("active", "=", True),
                ("stage_id.is_won", "=", True),
                "&",
                ("active", "=", False),
                ("probability", "=", 0),
            ],
            order="date_closed, id",
        )

        def deal(lead):
            details = [
                lead.partner_id.display_name or "",
                format_amount(env, lead.expected_revenue, lead.company_currency),
            ]
            if lead.lost_reason_id:
                details.append(env._("reason: %(reason)s", reason=lead.lost_reason_id.name))
            return DigestLine(
                label=env._(
                    "%(outcome)s: %(deal)s", outcome=env._("Won") if lead.active else env._("Lost"), deal=lead.name
                ),
                url=group.link(lead),
                detail=", ".join(detail for detail in details if detail),
                salesperson=lead.user_id.name or "",
            )

        sections = {}
        for reader_id, leads in deals_of.items():
            won = leads.filtered("active")
            sections[reader_id] = group.section(
                "deals",
                env._("Deals won and lost"),
                figures=[(env._("Won"), len(won)), (env._("Lost"), len(leads - won))] if leads else [],
                lines=[deal(lead) for lead in won] + [deal(lead) for lead in leads - won],
                empty=env._("No deal won or lost in this period."),
            )
        return sections

    # ---- WHAT WAS MISSED ----

    def _get_digest_overdue_activities_section(self, group):
        """Activities past their due date and not done, as of today, the oldest first;
        a head's or team leader's per salesperson."""
        env = self.env
        lines_of = group.search("crm.followup.my.day", [("kind", "=", "overdue")], order="date, id")
        today = group.today

        def overdue(line):
            # The line's own fields, not its activity's: an activity is readable only with
            # its document, and the line is what the reader may see of it.
            return DigestLine(
                label=env._("%(type)s: %(summary)s", type=line.activity_type_id.name or "", summary=line.name or ""),
                url=f"{group.base_url}/odoo/{line.res_model}/{line.res_id}",
                detail=env._(
                    "%(customer)s, due %(date)s, %(days)s days overdue",
                    customer=line.partner_id.display_name or env._("no customer"),
                    date=format_date(env, line.date),
                    days=(today - line.date).days,
                ),
                salesperson=line.user_id.name or "",
            )

        note = env._("As of %(date)s.", date=format_date(env, today))
        return {
            reader_id: group.section(
                "overdue_activities",
                env._("Activities overdue"),
                figures=[(env._("Activities"), len(records))] if records else [],
                lines=[overdue(line) for line in records],
                note=note,
                empty=env._("No activity is overdue."),
            )
            for reader_id, records in lines_of.items()
        }

    def _get_digest_no_next_step_section(self, group):
        """Open opportunities with no activity planned, as of today, the largest first."""
        env = self.env
        leads_of = group.search(
            "crm.lead",
            [("type", "=", "opportunity"), ("followup_no_next_step", "=", True)],
            order="expected_revenue desc, id",
        )

        def lead_line(lead):
            return DigestLine(
                label=lead.name,
                url=group.link(lead),
                detail=env._(
                    "%(customer)s, %(amount)s, at stage %(stage)s",
                    customer=lead.partner_id.display_name or env._("no customer"),
                    amount=format_amount(env, lead.expected_revenue, lead.company_currency),
                    stage=lead.stage_id.name or "",
                ),
                salesperson=lead.user_id.name or "",
            )

        note = env._("As of %(date)s.", date=format_date(env, group.today))
        return {
            reader_id: group.section(
                "no_next_step",
                env._("Deals without a next step"),
                figures=[
                    (env._("Deals"), len(leads)),
                    (
                        env._("Expected revenue"),
                        format_amount(env, sum(leads.mapped("expected_revenue")), env.company.currency_id),
                    ),
                ]
                if leads
                else [],
                lines=[lead_line(lead) for lead in leads],
                note=note,
                empty=env._("Every open deal has its next step."),
            )
            for reader_id, leads in leads_of.items()
        }

    # ---- THE MONTHLY REVIEW OF THE PLANS ----

    def _get_digest_plan_review_section(self, group):
        """The plans that ended in the period, against their actual figures, and what drove
        them: the largest deals won and the customers' level moves of their salesperson in
        the period; for a plan not met, its biggest gaps (which target, how far)."""
        env = self.env
        plans_of = group.search(
            "crm.sales.plan", [("date_to", ">=", group.date_from), ("date_to", "<=", group.date_to)], order="id"
        )
        plans = env["crm.sales.plan"].browse({plan.id for records in plans_of.values() for plan in records})
        # sudo: the figures count documents the reader may not read (a team's orders);
        # only figures of the plans the reader may read are shown.
        figures = plans.sudo()._get_current_figures(today=group.date_to, until=group.date_to)
        won_of = self._get_digest_review_won_deals(group)
        moves_of = self._get_digest_review_level_moves(group)
        sections = {}
        for reader_id, records in plans_of.items():
            won, moves = won_of.get(reader_id, env["crm.lead"]), moves_of.get(reader_id, {})
            lines = []
            for plan in records.sorted(lambda plan: (plan.user_id.name or "", plan.date_from, plan.id)):
                lines += self._get_digest_plan_review_lines(group, plan, figures[plan.id], won, moves)
            sections[reader_id] = group.section(
                "plan_review",
                env._("Plan review: what drove the month"),
                lines=lines,
                note=env._("Plans that ended in this period, with their figures up to their last day."),
                empty=env._("No sales plan ended in this period."),
            )
        return sections

    def _get_digest_review_won_deals(self, group):
        """The deals won in the period in each reader's scope, the largest first, as
        {reader id: crm.lead}, in one query."""
        return group.search(
            "crm.lead",
            [("stage_id.is_won", "=", True), *group.period("date_closed")],
            order="expected_revenue desc, id",
        )

    def _get_digest_review_level_moves(self, group):
        """The customers' level moves of the period in each reader's scope, as {reader id:
        {salesperson id: {level reached: count}}}, in one query."""
        changes_of = group.search("res.partner.level.change", group.period("date"), user_field="salesperson_id")
        moves_of = {}
        for reader_id, changes in changes_of.items():
            moves = moves_of[reader_id] = {}
            for change in changes:
                counts = moves.setdefault(change.salesperson_id.id, {})
                counts[change.level_to] = counts.get(change.level_to, 0) + 1
        return moves_of

    def _get_digest_plan_review_lines(self, group, plan, figure, won, moves):
        """The review's lines of ``plan``: its result, its largest won deals, its level
        moves and, if not met, its biggest gaps (``_get_digest_plan_gaps``)."""
        env = self.env
        currency = plan.currency_id
        salesperson = plan.user_id.name or ""
        gaps = self._get_digest_plan_gaps(plan, figure)
        kinds = dict(plan._fields["period_kind"]._description_selection(env))
        lines = [
            DigestLine(
                label=env._(
                    "%(kind)s %(date_from)s – %(date_to)s",
                    kind=kinds[plan.period_kind],
                    date_from=format_date(env, plan.date_from),
                    date_to=format_date(env, plan.date_to),
                ),
                url=group.link(plan),
                detail=env._(
                    "%(result)s: revenue %(revenue)s of %(target)s (%(progress)s%%)",
                    result=env._("plan not met") if gaps else env._("plan met"),
                    revenue=format_amount(env, figure["actual_revenue"], currency),
                    target=format_amount(env, plan.target_revenue, currency),
                    progress=round(figure["progress_revenue"]),
                ),
                salesperson=salesperson,
            )
        ]
        deals = won.filtered(lambda lead: lead.user_id == plan.user_id)[:REVIEW_TOP]
        if deals:
            lines.append(
                DigestLine(
                    label=env._("Largest deals won"),
                    detail="; ".join(
                        env._(
                            "%(deal)s (%(amount)s)",
                            deal=lead.name,
                            amount=format_amount(env, lead.expected_revenue, lead.company_currency),
                        )
                        for lead in deals
                    ),
                    salesperson=salesperson,
                )
            )
        counts = moves.get(plan.user_id.id)
        if counts:
            levels = dict(env["res.partner.level.change"]._fields["level_to"]._description_selection(env))
            lines.append(
                DigestLine(
                    label=env._("Customers' level moves"),
                    detail=", ".join(
                        f"{levels.get(level, level)}: {count}"
                        for level, count in sorted(counts.items(), key=lambda item: -item[1])
                    ),
                    salesperson=salesperson,
                )
            )
        if gaps:
            lines.append(
                DigestLine(label=env._("Biggest gaps"), detail="; ".join(gaps[:REVIEW_TOP]), salesperson=salesperson)
            )
        return lines

    def _get_digest_plan_gaps(self, plan, figure):
        """The targets of ``plan`` its actual figures ``figure`` fall short of, the furthest
        (in share of the target) first, each as a sentence: which target, how far."""
        env = self.env
        gaps = []
        for target_name in TARGET_FIELDS:
            target = plan[target_name]
            actual_name = target_name.replace("target_", "actual_")
            actual = figure.get(actual_name, 0)
            if not target or actual >= target:
                continue
            if target_name == "target_revenue":
                missing, target_text = (
                    format_amount(env, target - actual, plan.currency_id),
                    format_amount(env, target, plan.currency_id),
                )
            else:
                missing, target_text = target - actual, target
            sentence = env._(
                "%(figure)s: %(missing)s short of %(target)s (%(progress)s%%)",
                figure=plan._fields[actual_name]._description_string(env),
                missing=missing,
                target=target_text,
                progress=round(100.0 * actual / target),
            )
            gaps.append(((target - actual) / target, sentence))
        return [sentence for _share, sentence in sorted(gaps, key=lambda gap: -gap[0])]
