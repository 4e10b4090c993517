import { registry } from "@web/core/registry";

const chainRow = ".o_field_widget[name=followup_run_ids] .o_data_row";
const historyRow = ".modal .o_field_widget[name=line_ids] .o_data_row";

registry.category("web_tour.tours").add("odoo_sales_followup_listening_chain", {
    steps: () => [
        {
            content: "The customer replied: the next step of the chain is planned on the deal",
            trigger: ".o-mail-Activity:contains(Call about the answer)",
        },
        {
            content: "The waiting step is no longer planned",
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity:contains(Wait for the answer)))",
        },
        {
            content: "Open the activity chains of the deal",
            trigger: ".o_notebook .nav-link:contains(Activity chains)",
            run: "click",
        },
        {
            content: "Open the chain",
            trigger: `${chainRow}:contains(Call about the answer) td.o_data_cell:first`,
            run: "click",
        },
        {
            content: "Its history names the reply that ended the waiting step",
            trigger: `${historyRow}:contains(Wait for the answer):contains(Customer replied):contains(Email from Anna Acme: “Re: Our proposal”)`,
        },
    ],
});
