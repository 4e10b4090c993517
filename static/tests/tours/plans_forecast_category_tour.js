import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_forecast_category", {
    steps: () => [
        {
            content: "The salesperson commits to the deal",
            trigger: ".o_form_view .o_field_widget[name=forecast_category] select",
            run: "selectByLabel Commit",
        },
        {
            content: "Save the deal",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The deal is saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Back to the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open CRM",
            trigger: '.o_app[data-menu-xmlid="crm.crm_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Follow-up menu",
            trigger: '.o_menu_sections button[data-menu-xmlid="odoo_sales_followup.menu_followup_root"]',
            run: "click",
        },
        {
            content: "Open My plan",
            trigger: '.o-dropdown--menu [data-menu-xmlid="odoo_sales_followup.menu_plans_my_plan"]',
            run: "click",
        },
        {
            content: "My plan opens on the current period",
            trigger: ".o_form_view .o_field_widget[name=display_name]:contains(Anna Salesman)",
        },
        {
            content: "The committed deal shows in the forecast by category",
            trigger: '.o_form_view .o_field_widget[name=category_commit_revenue]:contains("40,000")',
        },
        {
            content: "Closed and committed against the revenue plan",
            trigger: ".o_form_view .o_field_widget[name=progress_commit]:contains(40)",
        },
    ],
});
