from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestDemoUsersOpenTheirRecords(TransactionCase):
    """Every demo user opens their pipeline, their deals and their customers, with
    everything the forms show (the suite installs the addon with its demo data)."""

    DEMO_USERS = (
        "base.user_demo",
        "base.user_admin",
        "odoo_sales_followup.demo_user_reactivation_olga",
        "odoo_sales_followup.demo_user_reactivation_tom",
    )

    def _read_form(self, records):
        """Read what the form of ``records`` shows, and the records its lists show."""
        views = records.get_views([(False, "form")])
        described = {model: spec["fields"] for model, spec in views["models"].items()}
        records.read(list(described[records._name]))
        attachments = records.env["ir.attachment"]
        for fname in described[records._name]:
            field = records._fields[fname]
            if field.type not in ("one2many", "many2many") or field.comodel_name not in described:
                continue
            lines = records[fname]
            lines.read(list(described[field.comodel_name]))
            for line_fname, line_field in lines._fields.items():
                if line_field.type == "many2many" and line_field.comodel_name == "ir.attachment":
                    attachments |= lines[line_fname]
        messages = records.message_ids
        messages.read(["body", "author_id", "attachment_ids", "subtype_id"])
        attachments |= messages.attachment_ids
        attachments |= attachments.search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        attachments.read(["name", "mimetype", "file_size", "datas"])
        return attachments

    def test_demo_users_open_their_pipeline_and_deals(self):
        module = self.env["ir.module.module"].search([("name", "=", "odoo_sales_followup")])
        self.assertTrue(module.demo, "the demo tests need the addon installed with its demo data")
        read_attachments = self.env["ir.attachment"]
        for xmlid in self.DEMO_USERS:
            user = self.env.ref(xmlid)
            Lead = self.env["crm.lead"].with_user(user).with_context(active_test=False)
            pipeline = Lead.search([("type", "=", "opportunity")])
            pipeline.read(["name", "stage_id", "partner_id", "expected_revenue", "activity_ids", "user_id"])
            deals = Lead.search([("user_id", "=", user.id)])
            self.assertTrue(deals, f"{user.name} owns demo deals")
            for deal in deals:
                read_attachments |= self._read_form(deal)
            customers = self.env["res.partner"].with_user(user).search([("user_id", "=", user.id)])
            for customer in customers:
                self._read_form(customer)
        contract = self.env.ref("odoo_sales_followup.demo_attachment_severstroy_contract")
        self.assertIn(contract, read_attachments.sudo(), "the demo salesperson opens his signed contract")
