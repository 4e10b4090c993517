import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_production_calendar", {
    steps: () => [
        {
            content: "The production calendar in the CRM settings",
            trigger: "#production_calendar:contains(Load the production calendar of):contains(Russian Federation)",
        },
        {
            content: "Choose the year",
            trigger: "div[name=followup_calendar_year] input",
            run: "edit 2026",
        },
        {
            content: "Load it",
            trigger: "#production_calendar button[name=action_load_production_calendar]",
            run: "click",
        },
        {
            content: "What was loaded",
            trigger: ".o_notification:contains(non-working days and 0 moved working days of 2026)",
        },
    ],
});
