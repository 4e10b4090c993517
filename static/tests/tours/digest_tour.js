import { registry } from "@web/core/registry";

// A Russian-speaking sales head reads the monthly digest the server sent them.
registry.category("web_tour.tours").add("odoo_sales_followup_digest_ru", {
    steps: () => [
        {
            content: "The digest greets its reader in Russian",
            trigger: ".o_form_view .o_field_widget[name=body_content]:contains(Вот как обстоят ваши продажи)",
        },
        {
            content: "The plan against actual, in Russian",
            trigger: ".o_form_view .o_field_widget[name=body_content] h3:contains(План/факт)",
        },
        {
            content: "The deals won and lost, in Russian",
            trigger: ".o_form_view .o_field_widget[name=body_content] h3:contains(Выигранные и проигранные сделки)",
        },
        {
            content: "The lost deal is listed under its salesperson, with its reason",
            trigger: ".o_form_view .o_field_widget[name=body_content] .o_followup_digest_deals .o_followup_digest_salesperson:contains(Anna Salesman):contains(Too expensive)",
        },
        {
            content: "The unpaid invoices, in Russian",
            trigger: ".o_form_view .o_field_widget[name=body_content] h3:contains(Счета, ожидающие оплаты)",
        },
    ],
});
