import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_chain_outcome", {
    steps: () => [
        {
            content: "The call of the chain is planned on the opportunity",
            trigger: ".o-mail-Activity:contains(Call about the proposal)",
        },
        {
            content: "Open the activity chains of the opportunity",
            trigger: ".o_notebook .nav-link:contains(Activity chains)",
            run: "click",
        },
        {
            content: "Mark the call done from its chain",
            trigger: ".o_field_widget[name=followup_run_ids] .o_data_row button[name=action_open_done_wizard]",
            run: "click",
        },
        {
            content: "Choose the outcome of the call",
            trigger: ".modal .o_field_widget[name=outcome_id] .o_radio_item:contains(Reached) input",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_done]",
            run: "click",
        },
        {
            content: "The chain moved to its next step",
            trigger: ".o_field_widget[name=followup_run_ids] .o_data_row:contains(Send the contract)",
        },
        {
            content: "The next activity is planned on the opportunity",
            trigger: ".o-mail-Activity:contains(Send the contract)",
        },
    ],
});
