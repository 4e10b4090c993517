import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_contract", {
    steps: () => [
        {
            content: "Prepare the contract of the opportunity",
            trigger: ".o_form_view button[name=action_prepare_contract]",
            run: "click",
        },
        {
            content: "The contract is ready",
            trigger: ".o_notification:contains(is ready)",
        },
        {
            content: "The prepared DOCX and PDF are in the chatter",
            trigger: ".o-mail-Message:contains(version 1 prepared) .o-mail-AttachmentList:contains(v1.pdf)",
        },
        {
            content: "Open the contracts of the opportunity",
            trigger: ".o_form_view .oe_stat_button[name=action_open_contracts]",
            run: "click",
        },
        {
            content: "Open the contract",
            trigger: ".o_list_view .o_data_row:first .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The contract can be downloaded as DOCX",
            trigger: ".o_form_view button[name=action_download_docx]",
        },
        {
            content: "Back to the opportunity",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Acme ERP rollout)",
            run: "click",
        },
        {
            content: "Send the contract",
            trigger: ".o_form_view button[name=action_send_contract]",
            run: "click",
        },
        {
            content: "The composer has the contract and invoice template, and the PDFs",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=attachment_ids]:contains(v1.pdf)",
        },
        {
            content: "Send",
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "The chatter records to whom it went",
            trigger: ".o-mail-Message:contains(were sent to)",
        },
    ],
});
