from odoo.tests import TransactionCase, tagged

from .common import load_russian


@tagged("post_install", "-at_install", "sales_followup_levels")
class TestRussianTranslation(TransactionCase):
    def test_russian_users_read_their_terms(self):
        load_russian(self.env)
        Partner = self.env["res.partner"].with_context(lang="ru_RU")
        labels = dict(Partner._fields["relationship_level"]._description_selection(Partner.env))
        self.assertEqual(labels["active"], "Действующий клиент")
        self.assertEqual(labels["dormant"], "Спящий клиент")
        self.assertEqual(
            Partner._fields["relationship_level"]._description_string(Partner.env), "Уровень взаимоотношений"
        )
        criterion = self.env.ref("odoo_sales_followup.criterion_full_payment").with_context(lang="ru_RU")
        self.assertEqual(criterion.name, "Поступили платежи в полном объёме договора")
        Lead = self.env["crm.lead"].with_context(lang="ru_RU")
        self.assertEqual(Lead._fields["criterion_line_ids"]._description_string(Lead.env), "Критерии успешности")

    def test_russian_users_read_their_chains(self):
        load_russian(self.env)
        Chain = self.env["followup.chain"].with_context(lang="ru_RU", active_test=False)
        self.assertEqual(Chain.env.ref("odoo_sales_followup.chain_payment_followup").name, "Дожим до оплаты")
        self.assertEqual(Chain._fields["step_ids"]._description_string(Chain.env), "Шаги")
        triggers = dict(Chain._fields["trigger"]._description_selection(Chain.env))
        self.assertEqual(triggers["quotation_sent"], "Коммерческое предложение отправлено")
        self.assertEqual(
            Chain.env.ref("odoo_sales_followup.chain_proposal_followup_outcome_no_answer").name, "Не дозвонились"
        )
