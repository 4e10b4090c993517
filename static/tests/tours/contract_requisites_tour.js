import { registry } from "@web/core/registry";

// A customer saved with a wrong INN before the checks existed: preparing its contract is
// refused, the warning says what is wrong, and its button opens the customer's legal data.
registry.category("web_tour.tours").add("odoo_sales_followup_contract_wrong_inn", {
    steps: () => [
        {
            content: "Prepare the contract of the opportunity",
            trigger: ".o_form_view button[name=action_open_contract_prepare_wizard]",
            run: "click",
        },
        {
            content: "Prepare it",
            trigger: ".modal button[name=action_prepare]",
            run: "click",
        },
        {
            content: "The warning names the customer, the INN and what is wrong",
            trigger: '.modal .o_error_dialog:contains(Acme Corp):contains("INN 7707083894: the check digit is wrong")',
        },
        {
            content: "Open the customer's legal data",
            trigger: ".modal footer button.btn-primary:contains(Open the legal data)",
            run: "click",
        },
        {
            content: "The customer's form shows the INN to correct",
            trigger: ".o_form_view .o_field_widget[name=vat] input:value(7707083894)",
        },
    ],
});
