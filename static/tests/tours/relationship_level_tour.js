import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_relationship_level", {
    steps: () => [
        {
            content: "The customer's relationship level shows on its form",
            trigger: ".o_form_view .o_field_widget[name=relationship_level]:contains(Active customer)",
        },
        {
            content: "Open the sales tab",
            trigger: ".o_notebook .nav-link:contains(Sales & Purchase)",
            run: "click",
        },
        {
            content: "Purchases explain the level",
            trigger: ".o_form_view .o_field_widget[name=purchase_count]:contains(2)",
        },
        {
            content: "Open the history of level changes",
            trigger: "button[name=action_view_level_changes]",
            run: "click",
        },
        {
            content: "The move from new to active customer is recorded",
            trigger: ".o_list_view .o_data_row:contains(Active customer):contains(New customer)",
        },
    ],
});
