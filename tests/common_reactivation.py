from datetime import datetime

from odoo import Command

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import RelationshipLevelCommon


class ReactivationCommon(RelationshipLevelCommon):
    """A company of its own with a reactivation team, so that nothing else is a candidate.

    Callback Co (interval 30 days, tolerance 1.5, at least 2 purchases, no capacity limit)
    ├── team "Call-back": To call → Reactivated (won), Not reactivated (folded);
    │   members Carl and Cleo (salesmen); Anna Salesman is not a member
    ├── Dormant Dairy: bought 130, 100, 70 days ago (70 > 45: due, 40 days overdue)
    ├── Big Buyer: 5 days' worth each time, 300, 270, 240 days ago (due, very late)
    ├── Steady Steel: 70, 40, 10 days ago (not due)
    ├── Once Only: one purchase 100 days ago (too few purchases)
    ├── Quiet Quarry: no history
    └── Archived Arch, Blocked Block, Opted-out Otto, Tagged Tess: due but excluded
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.company
        cls.rcompany = cls.env["res.company"].create({"name": "Callback Co"})
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.rcompany, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.rcompany.id]))
        (cls.salesman | cls.manager | cls.admin).write({"company_ids": [Command.link(cls.rcompany.id)]})
        callers = [
            mail_new_test_user(
                cls.env,
                login=login,
                name=name,
                groups="sales_team.group_sale_salesman",
                company_id=cls.rcompany.id,
                company_ids=[Command.set(cls.rcompany.ids)],
            )
            for login, name in (("osf_carl", "Carl Caller"), ("osf_cleo", "Cleo Caller"))
        ]
        cls.carl, cls.cleo = callers
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Call-back",
                "company_id": cls.rcompany.id,
                "use_opportunities": True,
                "crm_team_member_ids": [Command.create({"user_id": user.id}) for user in callers],
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_to_call = Stage.create({"name": "To call", "sequence": 1, "team_id": cls.team.id})
        cls.stage_won = Stage.create({"name": "Reactivated", "sequence": 60, "is_won": True, "team_id": cls.team.id})
        cls.stage_lost = Stage.create({"name": "Not reactivated", "sequence": 65, "fold": True, "team_id": cls.team.id})
        cls.excluded_tag = cls.env["res.partner.category"].create({"name": "Do not call"})
        cls.rcompany.write(
            {
                "level_purchase_interval_days": 30,
                "level_dormant_tolerance": 1.5,
                "reactivation_team_id": cls.team.id,
                "reactivation_min_purchases": 2,
                "reactivation_weekly_capacity": 0,
                "reactivation_assignment": "least_open",
                "reactivation_excluded_category_ids": [Command.set(cls.excluded_tag.ids)],
            }
        )
        cls.dairy = cls._customer("Dormant Dairy", (130, 100, 70))
        cls.big = cls._customer("Big Buyer", (300, 270, 240), quantity=5)
        cls.steady = cls._customer("Steady Steel", (70, 40, 10))
        cls.once = cls._customer("Once Only", (100,))
        cls.quiet = cls._customer("Quiet Quarry", ())
        cls.archived = cls._customer("Archived Arch", (130, 100, 70))
        cls.archived.action_archive()
        cls.blocked = cls._customer("Blocked Block", (130, 100, 70), sale_warn="block", sale_warn_msg="Unpaid")
        cls.opted_out = cls._customer("Opted-out Otto", (130, 100, 70), email="otto@example.com")
        cls.env["mail.blacklist"]._add("otto@example.com")
        cls.tagged = cls._customer("Tagged Tess", (130, 100, 70), category_id=[Command.link(cls.excluded_tag.id)])
        cls.env.cr.flush()
        cls.churn_competitor = cls.env.ref("odoo_sales_followup.crm_lost_reason_competitor")

    @classmethod
    def _customer(cls, name, days_ago, quantity=1, company=None, **values):
        """A company customer of ``company`` (else Callback Co) with confirmed orders
        ``days_ago``, of ``quantity`` consulting days each."""
        company = company or cls.rcompany
        partner = cls.env["res.partner"].create({"name": name, "is_company": True, "company_id": company.id, **values})
        if days_ago:
            cls.env["sale.order"].with_company(company).create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "state": "sale",
                        "date_order": datetime.combine(cls._days_ago(days), datetime.min.time().replace(hour=10)),
                        "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": quantity})],
                    }
                    for days in days_ago
                ]
            )
        return partner

    def _scan(self):
        return self.team._action_reactivation_scan()

    def _reactivation_leads(self, **extra):
        domain = [("is_reactivation", "=", True), ("company_id", "=", self.rcompany.id)]
        domain += [(fname, "=", value) for fname, value in extra.items()]
        return self.env["crm.lead"].with_context(active_test=False).search(domain)

    @classmethod
    def _callback_company(cls, name, caller_login, caller_name):
        """Another company with its reactivation team (one caller, To call and Not
        reactivated stages) and no customer yet."""
        company = cls.env["res.company"].create({"name": name})
        caller = mail_new_test_user(
            cls.env,
            login=caller_login,
            name=caller_name,
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        team = cls.env["crm.team"].create(
            {
                "name": f"{name} call-back",
                "company_id": company.id,
                "use_opportunities": True,
                "crm_team_member_ids": [Command.create({"user_id": caller.id})],
            }
        )
        cls.env["crm.stage"].create(
            [
                {"name": "To call", "sequence": 1, "team_id": team.id},
                {"name": "Not reactivated", "sequence": 65, "fold": True, "team_id": team.id},
            ]
        )
        company.reactivation_team_id = team
        return company, team, caller

    def _reactivation_lead(self, partner, team=None, **values):
        """A reactivation opportunity of ``partner`` as the scan creates it: in superuser
        mode, in the team's first stage."""
        team = team or self.team
        return (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": f"Reactivation: {partner.name}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "company_id": team.company_id.id,
                    "user_id": self.carl.id,
                    "stage_id": team._reactivation_first_stage().id,
                    "is_reactivation": True,
                    **values,
                }
            )
            .sudo(False)
        )
