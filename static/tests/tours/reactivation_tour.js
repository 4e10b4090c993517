import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_reactivation_member", {
    steps: () => [
        {
            content: "A member opens their own calls",
            trigger: ".o_searchview_facet:contains(My Pipeline)",
        },
        {
            content: "The team's stages only: no shared New or Qualified column",
            trigger: ".o_kanban_renderer:not(:has(.o_column_title:contains(Qualified))) .o_column_title:contains(To call)",
        },
        {
            content: "The call script on the card",
            trigger: ".o_kanban_record:contains(Reactivation: Big Buyer) .o_reactivation_call_script[title*='Greet the customer by name']",
        },
        {
            content: "Open the call-back of Big Buyer",
            trigger: ".o_kanban_record:contains(Reactivation: Big Buyer)",
            run: "click",
        },
        {
            content: "The Reactivation tab comes first",
            trigger: ".o_form_view .o_notebook .nav-link.active:contains(Reactivation)",
        },
        {
            content: "The stage bar shows the team's stages",
            trigger: ".o_statusbar_status:not(:has(button:contains(Qualified))) button:contains(To call)",
        },
        {
            content: "The call script of the planned call",
            trigger: ".o-mail-Activity-note:contains(Call script)",
        },
        {
            content: "Mark the call-back lost",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Lost)",
            run: "click",
        },
        {
            content: "Choose the churn reason",
            trigger: ".modal .o_field_widget[name=lost_reason_id] input",
            run: "edit Moved to a competitor",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Moved to a competitor)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_lost_reason_apply]",
            run: "click",
        },
        {
            content: "The opportunity is lost",
            trigger: ".o_form_view .ribbon:contains(Lost)",
        },
    ],
});

registry.category("web_tour.tours").add("odoo_sales_followup_reactivation_head", {
    steps: () => [
        {
            content: "The head sees the whole team's pipeline, without My Pipeline",
            trigger: ".o_kanban_record:contains(Reactivation: Big Buyer)",
        },
        {
            content: "The other member's call-back too",
            trigger: ".o_kanban_record:contains(Reactivation: Dormant Dairy)",
        },
        {
            content: "No My Pipeline filter",
            trigger: ".o_control_panel:not(:has(.o_searchview_facet:contains(My Pipeline)))",
        },
    ],
});
