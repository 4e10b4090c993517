from odoo import fields, models
from odoo.tools import format_amount, format_date

from ..crm_followup_digest import DigestLine


class CrmFollowupDigest(models.Model):
    """The plans' sections of the sales digests: plan against actual, what to do today,
    what waits per salesperson, deals won and lost."""

    _inherit = "crm.followup.digest"

    def _get_digest_sections(self, group):
        sections = super()._get_digest_sections(group)
        group.add(sections, "plan", "crm.sales.plan", self._get_digest_plan_section)
        group.add(sections, "todo", "crm.followup.my.day", self._get_digest_todo_section)
        if group.role != "salesperson":
            group.add(sections, "control", "crm.followup.my.day", self._get_digest_control_section)
        group.add(sections, "deals", "crm.lead", self._get_digest_deals_section)
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

        note = env._("As of %(date)s.", date=format_date(env, fields.Date.today()))
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
            note=env._("What waits as of %(date)s.", date=format_date(env, fields.Date.today())),
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
        show_salesperson = group.role != "salesperson"

        def deal(lead):
            details = [
                lead.partner_id.display_name or "",
                format_amount(env, lead.expected_revenue, lead.company_currency),
            ]
            if show_salesperson and lead.user_id:
                details.append(lead.user_id.name)
            if lead.lost_reason_id:
                details.append(env._("reason: %(reason)s", reason=lead.lost_reason_id.name))
            return DigestLine(
                label=env._(
                    "%(outcome)s: %(deal)s", outcome=env._("Won") if lead.active else env._("Lost"), deal=lead.name
                ),
                url=group.link(lead),
                detail=", ".join(detail for detail in details if detail),
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
