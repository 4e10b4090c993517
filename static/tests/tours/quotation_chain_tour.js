import { registry } from "@web/core/registry";

const chainRow = ".o_field_widget[name=followup_run_ids] .o_data_row";

registry.category("web_tour.tours").add("odoo_sales_followup_quotation_chain", {
    steps: () => [
        {
            content: "Send the quotation by email",
            trigger: "button[name=action_quotation_send]",
            run: "click",
        },
        {
            content: "Send the email",
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            content: "The quotation is sent",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Quotation Sent)",
        },
        {
            content: "The call of the chain is planned on the quotation",
            trigger: ".o-mail-Activity:contains(Call about the proposal)",
        },
        {
            content: "Open the activity chains of the quotation",
            trigger: ".o_notebook .nav-link:contains(Activity chains)",
            run: "click",
        },
        {
            content: "Mark the call done from its chain",
            trigger: `${chainRow}:contains(Call about the proposal) button[name=action_open_done_wizard]`,
            run: "click",
        },
        {
            content: "The customer was reached",
            trigger: ".modal .o_field_widget[name=outcome_id] .o_radio_item:contains(Reached) input",
            run: "click",
        },
        {
            content: "Confirm the step",
            trigger: ".modal button[name=action_done]",
            run: "click",
        },
        {
            content: "The chain moved to the reminder email",
            trigger: `${chainRow}:contains(Reminder email about the quotation)`,
        },
        {
            content: "The customer accepts: confirm the quotation",
            trigger: "button[name=action_confirm]:not(:disabled)",
            run: "click",
        },
        {
            content: "The chain stopped, and says why",
            trigger: `${chainRow}:contains(Stopped):contains(Quotation confirmed)`,
        },
    ],
});
