from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ...odoo_sales_followup.models import jobs
from ...odoo_sales_followup.models.levels.res_partner import LEVEL_FACTS, ResPartner
from ..common import RelationshipLevelCommon

ENGINE_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.levels.res_partner"
JOBS_LOGGER = "odoo.addons.odoo_sales_followup.odoo_sales_followup.models.jobs"


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelFactsGuard(RelationshipLevelCommon):
    """Only the engine writes the level facts: a salesperson's RPC client cannot forge them."""

    FORGED = {
        "relationship_level": "dormant",
        "first_purchase_date": "2019-01-10",
        "last_purchase_date": "2020-03-01",
        "purchase_count": 12,
        "purchase_interval_days": 14,
        "next_purchase_date": "2020-03-15",
    }
    LABELS = {
        "relationship_level": "Relationship level",
        "first_purchase_date": "First purchase date",
        "last_purchase_date": "Last purchase date",
        "purchase_count": "Purchases",
        "purchase_interval_days": r"Purchase interval \(days\)",
        "next_purchase_date": "Next expected purchase",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As Odoo gives every new internal user: contact creation.
        (cls.salesman | cls.admin).groups_id = [Command.link(cls.env.ref("base.group_partner_manager").id)]

    def setUp(self):
        super().setUp()
        self._order(self.acme, self._days_ago(20))
        self._order(self.acme, self._days_ago(5))
        self.facts = self.acme.read(list(LEVEL_FACTS))[0]

    def test_salesman_cannot_write_a_fact(self):
        for fname, value in self.FORGED.items():
            with self.subTest(field=fname):
                with self._refused(UserError, rf"Acme Corp: {self.LABELS[fname]} cannot be set by hand"):
                    self.acme.with_user(self.salesman).write({fname: value})
                with self._refused(UserError, rf"Anna Acme: {self.LABELS[fname]} cannot be set by hand"):
                    self.anna.with_user(self.salesman).write({"name": "Anna A.", fname: value})
        self.assertEqual(self.acme.read(list(LEVEL_FACTS))[0], self.facts)
        self.assertEqual(self.anna.name, "Anna Acme", "nothing of the refused write is written")
        self.assertEqual((self.acme.relationship_level, self.acme.purchase_count), ("active", 2))

    def test_salesman_cannot_create_with_a_fact(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self._refused(UserError, r"Forged Ltd: Last purchase date, Purchases cannot be set by hand"):
            Partner.create({"name": "Forged Ltd", "last_purchase_date": "2020-01-01", "purchase_count": 3})
        with self._refused(UserError, r"Forged Ltd: Relationship level cannot be set by hand"):
            Partner.with_context(default_relationship_level="active").create({"name": "Forged Ltd"})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Forged Ltd")]))

    def test_the_default_facts_are_accepted(self):
        """Odoo creates the partner of a new user with every default, the level among them."""
        user = self.env["res.users"].with_user(self.admin).create({"name": "Nina New", "login": "osf_nina"})
        self.assertRecordValues(user.partner_id, [{"relationship_level": "potential", "purchase_count": 0}])
        partner = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Plain Ltd", "relationship_level": "potential", "purchase_count": 0})
        )
        self.assertEqual(partner.relationship_level, "potential")

    def test_a_user_default_does_not_seed_a_fact(self):
        self.env["ir.default"].with_user(self.salesman).set("res.partner", "relationship_level", "active", user_id=True)
        self.env["ir.default"].with_user(self.salesman).set("res.partner", "purchase_count", 7, user_id=True)
        partner = self.env["res.partner"].with_user(self.salesman).create({"name": "Fresh Ltd", "is_company": True})
        self.assertRecordValues(partner, [{"relationship_level": "potential", "purchase_count": 0}])

    def test_writing_a_fact_unchanged_is_accepted(self):
        """An export re-imported writes the facts as they are: that changes nothing."""
        self.acme.with_user(self.salesman).write(
            {"name": "Acme Corporation", "relationship_level": "active", "purchase_count": 2}
        )
        self.assertEqual(self.acme.name, "Acme Corporation")
        self.assertEqual(self.acme.read(list(LEVEL_FACTS))[0], self.facts)

    def test_superuser_mode_writes_facts(self):
        self.acme.with_user(self.salesman).sudo().write({"purchase_count": 9})
        self.assertEqual(self.acme.purchase_count, 9)

    def test_odoo_flows_keep_working_for_a_salesman(self):
        """Odoo copies the commercial fields (the facts among them) from a company to its
        contacts: creating, moving, copying and importing contacts work for a salesman."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        self._order(self.globex, self._days_ago(3))
        self.assertEqual(self.globex.relationship_level, "new")
        carl = Partner.create({"name": "Carl Acme", "parent_id": self.acme.id})
        self.assertEqual(carl.relationship_level, "active", "a new contact shows its company's level at once")
        self.boris.with_user(self.salesman).write({"parent_id": self.globex.id})
        self.assertRecordValues(
            self.boris, [{"relationship_level": "new", "purchase_count": 1, "last_purchase_date": self._days_ago(3)}]
        )
        self.acme.with_user(self.salesman).write({"vat": "BE0477472701"})
        self.assertEqual(self.anna.vat, "BE0477472701", "Odoo's sync of commercial fields to contacts")
        copy = self.anna.with_user(self.salesman).copy()
        self.assertEqual((copy.parent_id, copy.relationship_level), (self.acme, "active"))
        result = Partner.load(["name", "parent_id/.id"], [["Dora Acme", str(self.globex.id)]])
        self.assertEqual(result["messages"], [])
        dora = self.env["res.partner"].browse(result["ids"])
        self._end_transaction()
        self.assertRecordValues(
            carl | self.boris | dora | self.acme | self.globex,
            [
                {"relationship_level": "active", "purchase_count": 2},
                {"relationship_level": "new", "purchase_count": 1},
                {"relationship_level": "new", "purchase_count": 1},
                {"relationship_level": "active", "purchase_count": 2},
                {"relationship_level": "new", "purchase_count": 1},
            ],
        )

    def test_merging_contacts_recomputes_the_facts(self):
        """Odoo's merge writes every field of the merged partners onto the one kept: the
        facts are recomputed from the documents it now holds instead."""
        initech_order = self._order(self.initech, self._days_ago(60))
        self.assertEqual(self.initech.relationship_level, "dormant")
        self.assertEqual(self.globex.relationship_level, "potential")
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.admin)
        wizard._merge((self.initech | self.globex).ids, self.globex.with_user(self.admin))
        self._end_transaction()
        self.assertFalse(self.initech.exists())
        self.assertEqual(initech_order.partner_id, self.globex)
        self.assertRecordValues(
            self.globex,
            [{"relationship_level": "dormant", "purchase_count": 1, "last_purchase_date": self._days_ago(60)}],
        )


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelEngineCache(RelationshipLevelCommon):
    def test_opportunity_shows_the_level_of_the_same_transaction(self):
        lead = self.env["crm.lead"].create(
            {"name": "Globex consulting", "type": "opportunity", "partner_id": self.globex.id}
        )
        self._end_transaction()
        self.assertEqual(lead.partner_relationship_level, "prospect")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.globex.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        self.env.cr.flush()  # what runs before the commit: the levels of the transaction
        self.assertEqual(lead.partner_relationship_level, "new", "no invalidation by hand")
        self.assertEqual(self.globex.purchase_count, 1)

    def test_contacts_show_the_facts_of_their_company_at_once(self):
        self._order(self.anna, self._days_ago(2))
        self.assertRecordValues(
            self.acme | self.anna | self.boris,
            [{"relationship_level": "new", "purchase_count": 1, "last_purchase_date": self._days_ago(2)}] * 3,
        )


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelBadInput(RelationshipLevelCommon):
    def _settings(self, **values):
        return self.env["res.config.settings"].with_user(self.admin).create(values)

    def test_settings_have_upper_bounds(self):
        for values, message in (
            (
                {"level_purchase_interval_days": 10_000_000},
                r"“Default purchase interval \(days\)” of .* is 10000000: it must be from 1 to 3650",
            ),
            (
                {"level_purchase_interval_days": 3651},
                r"“Default purchase interval \(days\)” of .* is 3651: it must be from 1 to 3650",
            ),
            ({"level_dormant_tolerance": 101}, "“Dormancy tolerance” of .* is 101.0: it must be from 1 to 100"),
            (
                {"level_purchase_threshold": 1001},
                "“Regular purchase threshold” of .* is 1001: it must be from 1 to 1000",
            ),
        ):
            with self.subTest(values=values), self._refused(ValidationError, message):
                self._settings(**values).execute()
        self.assertRecordValues(
            self.company,
            [{"level_purchase_threshold": 2, "level_purchase_interval_days": 30, "level_dormant_tolerance": 1.5}],
        )
        Tag = self.env["res.partner.category"]
        with self._refused(
            ValidationError, r"“Purchase interval \(days\)” of Plants is 10000000: it must be from 0 to 3650"
        ):
            Tag.create({"name": "Plants", "purchase_interval_days": 10_000_000})
        self.assertFalse(self.env["res.partner.category"].search([("name", "=", "Plants")]))

    def test_the_largest_settings_still_work(self):
        self._settings(
            level_purchase_interval_days=3650, level_dormant_tolerance=100, level_purchase_threshold=1000
        ).execute()
        self.acme.category_id = self.env["res.partner.category"].create(
            {"name": "Slow", "purchase_interval_days": 3650}
        )
        self._order(self.acme, self._days_ago(10))
        self.assertRecordValues(
            self.acme,
            [
                {
                    "relationship_level": "new",
                    "purchase_interval_days": 3650,
                    "next_purchase_date": self._days_ago(10) + timedelta(days=3650),
                }
            ],
        )

    def test_bad_batch_sizes_fall_back_to_the_default(self):
        customers = self.env["res.partner"].create([{"name": f"Batch {value}", "is_company": True} for value in "123"])
        for value, customer in zip(("0", "-1", "abc"), customers, strict=True):
            with self.subTest(value=value):
                self.env["ir.config_parameter"].set_param("odoo_sales_followup.level_batch_size", value)
                with patch.object(jobs, "_logged_invalid", set()), self.assertLogs(JOBS_LOGGER, "WARNING") as logs:
                    self._order(customer, self._days_ago(3))
                    self.env["res.partner"]._cron_update_relationship_levels()
                self.assertEqual(
                    logs.output,
                    [
                        f"WARNING:{JOBS_LOGGER}:System parameter odoo_sales_followup.level_batch_size={value!r} "
                        "is not a batch size from 1 to 100000: using 5000"
                    ],
                    "logged once, however often it is read",
                )
                self.assertRecordValues(customer, [{"relationship_level": "new", "purchase_count": 1}])
        self.env["ir.config_parameter"].set_param("odoo_sales_followup.level_batch_size", False)
        self.env.cr.execute("SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id")
        commercial_count = self.env.cr.fetchone()[0]
        self.assertEqual(
            self.env["res.partner"].with_user(self.manager).action_recompute_relationship_levels(), commercial_count
        )

    def test_purchases_dated_in_the_future_or_before_1970_are_ignored(self):
        for name, day in (
            ("Year 2999", date(2999, 12, 31)),
            ("Year 9999", date(9999, 12, 31)),
            ("Year 0001", date(1, 1, 1)),
            ("Year 1969", date(1969, 12, 31)),
            ("Next week", self._days_ago(-7)),
        ):
            with self.subTest(name=name):
                customer = self.env["res.partner"].create({"name": name, "is_company": True})
                self._order(customer, day)
                self.assertRecordValues(
                    customer,
                    [
                        {
                            "relationship_level": "prospect",
                            "purchase_count": 0,
                            "first_purchase_date": False,
                            "last_purchase_date": False,
                            "purchase_interval_days": 30,
                            "next_purchase_date": False,
                        }
                    ],
                )
        self._order(self.acme, self._days_ago(10))
        self._order(self.acme, date(2999, 12, 31))
        self._order(self.acme, date(1, 1, 1))
        self._invoice(self.acme, date(2999, 12, 31))
        self.assertRecordValues(
            self.acme,
            [
                {
                    "relationship_level": "new",
                    "purchase_count": 1,
                    "first_purchase_date": self._days_ago(10),
                    "last_purchase_date": self._days_ago(10),
                    "purchase_interval_days": 30,
                    "next_purchase_date": self._days_ago(-20),
                }
            ],
        )

    def test_a_purchase_dated_tomorrow_counts(self):
        """A day of margin: in time zones ahead of UTC, today's invoices are dated tomorrow."""
        self._invoice(self.globex, self._days_ago(-1))
        self.assertRecordValues(self.globex, [{"relationship_level": "new", "purchase_count": 1}])

    def test_a_future_purchase_counts_once_its_day_has_come(self):
        order = self._order(self.globex, self._days_ago(-5))
        self.assertEqual(self.globex.purchase_count, 0)
        with freeze_time(self._days_ago(-4)):
            self.env["res.partner"]._cron_update_relationship_levels()
            self.assertRecordValues(
                self.globex,
                [{"relationship_level": "new", "purchase_count": 1, "last_purchase_date": order.date_order.date()}],
            )
            self.assertEqual(self._changes(self.globex)[-1].event, "scheduled")

    def test_partner_without_commercial_partner_counts_its_purchases(self):
        """SQL imports leave the commercial partner empty: the partner is its own."""
        self._store(self.globex, commercial_partner_id=None)
        self.assertFalse(self.globex.commercial_partner_id)
        self._order(self.globex, self._days_ago(20))
        self.assertRecordValues(self.globex, [{"relationship_level": "new", "purchase_count": 1}])
        self._invoice(self.globex, self._days_ago(2))
        self.assertRecordValues(self.globex, [{"relationship_level": "active", "purchase_count": 2}])
        self.assertEqual(self.globex.level_change_count, 2)
        self.assertEqual(self.globex.action_view_level_changes()["domain"], [("partner_id", "=", self.globex.id)])
        self._store(self.globex, relationship_level="potential", purchase_count=0)
        self.assertEqual(self.globex.with_user(self.manager).action_recompute_relationship_levels(), 1)
        self.assertRecordValues(self.globex, [{"relationship_level": "active", "purchase_count": 2}])
        self._store(self.globex, relationship_level="potential", purchase_count=0)
        self.env["res.partner"].with_user(self.manager).action_recompute_relationship_levels()
        self.assertRecordValues(self.globex, [{"relationship_level": "active", "purchase_count": 2}])

    def test_empty_level_means_potential_until_the_daily_job(self):
        self._order(self.acme, self._days_ago(10))
        self._store(self.acme | self.anna | self.boris | self.initech, relationship_level=None)
        self.assertEqual(self.initech.relationship_level, False)
        Partner = self.env["res.partner"]
        potential = ["|", ("relationship_level", "=", "potential"), ("relationship_level", "=", False)]
        self.assertIn(self.initech, Partner.search(potential), "the Potential customers filter")
        self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(
            (self.acme | self.anna | self.boris | self.initech).mapped("relationship_level"),
            ["new", "new", "new", "potential"],
        )
        self.assertFalse(self._changes(self.initech), "empty was potential already: no move")
        self.assertEqual(self._changes(self.acme).mapped("level_to"), ["new", "new"], "potential to new, again")

    def test_empty_company_settings_mean_their_defaults(self):
        self._store(
            self.company, level_purchase_threshold=None, level_purchase_interval_days=None, level_dormant_tolerance=None
        )
        self._order(self.acme, self._days_ago(40))
        self.assertRecordValues(self.acme, [{"relationship_level": "new", "purchase_interval_days": 30}])
        self._order(self.acme, self._days_ago(30))
        self.assertEqual(self.acme.relationship_level, "active", "2 purchases, 30 days within 30 x 1.5")


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestLevelScheduledJob(RelationshipLevelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_manager = mail_new_test_user(
            cls.env,
            login="osf_other_manager",
            name="Olga Other",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.foreign = cls.env["res.partner"].create(
            {"name": "Foreign Ltd", "is_company": True, "company_id": cls.other_company.id}
        )

    def test_a_failing_company_is_reported_and_the_others_updated(self):
        self._order(self.acme, self._days_ago(20))
        # A customer of the other company the daily job must look at: its level is empty.
        self._store(self.foreign, relationship_level=None)
        original = ResPartner._apply_level_facts

        def failing_in_other_co(partners, partner_ids, event, origins):
            if partners.env.company == self.other_company:
                raise RuntimeError("disk quota exceeded")
            return original(partners, partner_ids, event, origins)

        with (
            freeze_time(self._days_ago(-30)),
            patch.object(ResPartner, "_apply_level_facts", failing_in_other_co),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(len(logs.records), 1)
        self.assertIn(f"Relationship levels in Other Co failed for res.partner({self.foreign.id},)", logs.output[0])
        self.assertEqual(self.acme.relationship_level, "dormant", "the main company is updated")
        self.assertFalse(self.foreign.relationship_level, "the failed batch wrote nothing")
        notices = self.env["mail.message"].search([("subject", "=", "Relationship levels not updated")])
        self.assertEqual(len(notices), 1)
        self.assertEqual(notices.partner_ids, self.other_manager.partner_id, "Other Co's Sales administrators")
        self.assertIn("Other Co failed: disk quota exceeded. Partners not updated: 1.", notices.body)

    def test_a_failing_partner_is_left_out_and_the_others_of_its_batch_updated(self):
        self._order(self.acme, self._days_ago(20))
        self._order(self.globex, self._days_ago(20))
        original = ResPartner._apply_level_facts

        def failing_for_acme(partners, partner_ids, event, origins):
            if self.acme.id in partner_ids:
                raise RuntimeError("Acme's facts are broken")
            return original(partners, partner_ids, event, origins)

        with (
            freeze_time(self._days_ago(-30)),
            patch.object(ResPartner, "_apply_level_facts", failing_for_acme),
            self.assertLogs(JOBS_LOGGER, "ERROR") as logs,
        ):
            self.env["res.partner"]._cron_update_relationship_levels()
        self.assertEqual(len(logs.records), 1)
        self.assertIn(f"failed for res.partner({self.acme.id},)", logs.output[0])
        self.assertEqual((self.acme | self.globex).mapped("relationship_level"), ["new", "dormant"])
        notice = self.env["mail.message"].search([("subject", "=", "Relationship levels not updated")])
        self.assertIn("broken. Partners not updated: 1.", notice.body)
