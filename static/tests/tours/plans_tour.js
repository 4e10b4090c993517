import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_plans_team_entry", {
    steps: () => [
        {
            content: "The team's period lists a line for each member",
            trigger: ".o_form_view .o_field_one2many .o_data_row:contains(Carl Colleague)",
        },
        {
            content: "Enter Anna's revenue target, as in a spreadsheet",
            trigger: ".o_field_one2many .o_data_row:contains(Anna Salesman) td[name=target_revenue]",
            run: "click",
        },
        {
            content: "Type the target",
            trigger: ".o_field_one2many .o_selected_row td[name=target_revenue] input",
            run: "edit 5000",
        },
        {
            content: "Save the team's plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The team's plan is saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "The team's total follows",
            trigger: '.o_form_view .o_group .o_field_widget[name=target_revenue]:contains("5,000")',
        },
        {
            content: "Back to the team plans",
            trigger: ".breadcrumb-item:contains(Team plans)",
            run: "click",
        },
        {
            content: "The team's period is listed with its total",
            trigger: '.o_list_view .o_data_row:contains("5,000")',
        },
    ],
});

registry.category("web_tour.tours").add("odoo_sales_followup_plans_my_plan", {
    steps: () => [
        {
            content: "My plan opens on the current period",
            trigger: ".o_form_view .o_field_widget[name=display_name]:contains(Anna Salesman)",
        },
        {
            content: "What is behind, and what would close the gap",
            trigger: ".o_form_view .o_field_widget[name=gap_summary]:contains(To close the revenue gap)",
        },
        {
            content: "The revenue achievement shows",
            trigger: ".o_form_view .o_field_widget[name=progress_revenue]",
        },
    ],
});
