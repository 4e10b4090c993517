import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("odoo_sales_followup_contract", {
    steps: () => [
        {
            content: "Prepare the contract of the opportunity",
            trigger: ".o_form_view button[name=action_open_contract_prepare_wizard]",
            run: "click",
        },
        {
            content: "The window says which template the contract uses, and why",
            trigger: ".modal .o_field_widget[name=reason]:contains(customer's language)",
        },
        {
            content: "Prepare it",
            trigger: ".modal button[name=action_prepare]",
            run: "click",
        },
        {
            content: "The contract is ready, and the notice names its template",
            trigger: ".o_notification:contains(is ready):contains(Sample contract)",
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

// The contract path on a Projects deal, in Russian: prepare (the Russian template), send.
registry.category("web_tour.tours").add("odoo_sales_followup_contract_ru", {
    steps: () => [
        {
            content: "Оформить договор",
            trigger: ".o_form_view button[name=action_open_contract_prepare_wizard]",
            run: "click",
        },
        {
            content: "The Russian template is chosen for the Russian customer",
            trigger: ".modal .o_field_widget[name=lang]:contains(русский)",
        },
        {
            content: "Prepare it",
            trigger: ".modal button[name=action_prepare]",
            run: "click",
        },
        {
            content: "The prepared DOCX and PDF are in the chatter",
            trigger: ".o-mail-Message .o-mail-AttachmentList:contains(v1.pdf)",
        },
        {
            content: "One contract button in the header: the next step, Send contract",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_open_contract_prepare_wizard])) button[name=action_send_contract]",
            run: "click",
        },
        {
            content: "The composer has the contract's PDF",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=attachment_ids]:contains(v1.pdf)",
        },
        {
            content: "Send",
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "Sent: the next step is Mark signed",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_contract_wizard]",
        },
    ],
});

// Once the accountant registered the payment: the deal is In work.
registry.category("web_tour.tours").add("odoo_sales_followup_contract_ru_paid", {
    steps: () => [
        {
            content: "The deal is In work",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(В работе)",
        },
        {
            content: "The salesperson was told the payment arrived",
            trigger: ".o-mail-Message:contains(Payment received), .o-mail-Message:contains(Оплата получена)",
        },
    ],
});
