import { registry } from "@web/core/registry";

const recommendationRow = ".o_field_widget[name=criterion_line_ids] .o_data_row:contains('Recommendation')";

registry.category("web_tour.tours").add("odoo_sales_followup_referral", {
    steps: () => [
        {
            content: "After the after-sale call: the customer names someone who could use it",
            trigger: ".o_form_view button[name=action_new_referral]",
            run: "click",
        },
        {
            content: "A new lead opens, under the won deal",
            trigger: ".o_breadcrumb .breadcrumb-item:contains(Acme ERP rollout)",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input, .o_field_widget[name=name] textarea",
            run: "edit Globex, referred by Acme",
        },
        {
            content: "Save it",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Back to the won deal",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Acme ERP rollout)",
            run: "click",
        },
        {
            content: "Open its success criteria",
            trigger: ".o_notebook .nav-link:contains(Success criteria)",
            run: "click",
        },
        {
            content: "Recommendation is met by the referral",
            trigger: `${recommendationRow}:contains('Globex, referred by Acme')`,
        },
        {
            content: "It counts among the customer's referrals",
            trigger: "button[name=action_view_referrals] .o_stat_value:contains(1)",
        },
    ],
});

registry.category("web_tour.tours").add("odoo_sales_followup_sources_to_sales", {
    steps: () => [
        {
            content: "Sources to sales opens as a pivot by source",
            trigger: ".o_pivot th:contains(Tour fair)",
        },
        {
            content: "The fair brought one won deal of 4,200",
            trigger: ".o_pivot tr:has(th:contains(Tour fair)) td:contains(4,200)",
        },
        {
            content: "The graph shows it too",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
