from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged, users

from ..common_chains import FRIDAY, ChainCommon


@tagged("post_install", "-at_install", "sales_followup_chains")
@freeze_time(FRIDAY)
class TestChainAccess(ChainCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.chain = cls._chain(cls, "manual", [{"name": "Call"}, {"name": "Meeting"}])
        cls.other_salesman = cls.env["res.users"].create(
            {
                "name": "Oleg Other",
                "login": "osf_other",
                "groups_id": [(4, cls.env.ref("sales_team.group_sale_salesman").id)],
            }
        )
        cls.own_run = cls.chain._start(cls._opportunity(cls))
        cls.other_run = cls.chain._start(cls._opportunity(cls, name="Not mine", user_id=cls.other_salesman.id))

    @users("osf_salesman")
    def test_salesman_sees_own_chains_and_moves_them(self):
        Run = self.env["followup.chain.run"]
        self.assertEqual(Run.search([("chain_id", "=", self.chain.id)]), self.own_run)
        run = self.own_run.with_user(self.env.user)
        run.activity_id.action_feedback()
        self.assertEqual(run.step_id.name, "Meeting")
        with self.assertRaises(AccessError):
            self.other_run.with_user(self.env.user).read(["state"])
        with self.assertRaises(AccessError):
            self.env["followup.chain"].create({"name": "Mine", "trigger": "manual"})

    def test_new_salesperson_of_the_opportunity_sees_its_chains(self):
        self.other_run.lead_id.user_id = self.salesman
        Run = self.env["followup.chain.run"].with_user(self.salesman)
        self.assertEqual(Run.search([("chain_id", "=", self.chain.id)]), self.own_run | self.other_run)

    @users("osf_manager")
    def test_manager_sees_every_chain(self):
        self.assertEqual(
            self.env["followup.chain.run"].search([("chain_id", "=", self.chain.id)]), self.own_run | self.other_run
        )
        self.other_run.with_user(self.env.user).action_pause()
        self.assertEqual(self.other_run.state, "paused")

    @users("osf_admin")
    def test_admin_configures_chains(self):
        chain = self.env["followup.chain"].create({"name": "Configured", "trigger": "manual"})
        self.assertEqual(chain.res_model, "crm.lead")
