import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

const card = ".o_kanban_record:contains('Tour deal')";
const agreementColumn = ".o_opportunity_kanban .o_kanban_group:has(.o_column_title:contains('Agreement'))";
const contractRow = ".o_field_widget[name=criterion_line_ids] .o_data_row:contains('Contract signed')";

registry.category("web_tour.tours").add("odoo_sales_followup_success_criteria", {
    steps: () => [
        {
            content: "Drag the deal into the stage that requires a signed contract",
            trigger: card,
            run: `drag_and_drop (${agreementColumn})`,
        },
        {
            content: "The move is refused and the missing criterion is named",
            trigger: ".modal:contains(Still missing: Contract signed)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The deal stayed where it was",
            trigger: `.o_kanban_group:has(.o_column_title:contains('Prospecting')) ${card}`,
            run: "click",
        },
        {
            content: "Open its success criteria",
            trigger: ".o_notebook .nav-link:contains(Success criteria)",
            run: "click",
        },
        {
            content: "Edit the contract line",
            trigger: `${contractRow} td[name=fact_date]`,
            run: "click",
        },
        {
            content: "Attach the signed contract",
            trigger: `${contractRow}.o_selected_row .o_field_many2many_binary`,
            async run() {
                const file = new File(["signed by both parties"], "signed_contract.txt", { type: "text/plain" });
                await inputFiles(".o_selected_row .o_field_many2many_binary .o_input_file", [file]);
            },
        },
        {
            content: "The document is uploaded",
            trigger: `${contractRow} .o_field_many2many_binary:contains(signed_contract)`,
        },
        {
            content: "Tick the criterion",
            trigger: `${contractRow}.o_selected_row .o_field_boolean_toggle input`,
            run: "click",
        },
        {
            content: "Save the deal",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "One criterion met",
            trigger: ".o_form_saved .o_field_widget[name=criteria_met_count]:contains(1)",
        },
        {
            content: "Back to the pipeline",
            trigger: ".o_breadcrumb .o_back_button a, .breadcrumb-item a:contains(Pipeline)",
            run: "click",
        },
        {
            content: "Drag the deal into the gated stage again",
            trigger: card,
            run: `drag_and_drop (${agreementColumn})`,
        },
        {
            content: "This time it enters the stage",
            trigger: `${agreementColumn} ${card}`,
        },
    ],
});
