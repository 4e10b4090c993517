import { registry } from "@web/core/registry";

/** Give the Binary field of the open window a scanned copy, as choosing a file does. */
function uploadScan() {
    const input = document.querySelector(".modal .o_field_widget[name=file] input[type=file]");
    const transfer = new DataTransfer();
    transfer.items.add(new File(["%PDF-1.4 signed act"], "signed_act.pdf", { type: "application/pdf" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

// The act of completed work on a paid deal: prepare it from the invoice, send it, mark it signed.
registry.category("web_tour.tours").add("odoo_sales_followup_act", {
    steps: () => [
        {
            content: "Prepare the act of the paid deal",
            trigger: ".o_form_view .o_form_statusbar button[name=action_prepare_act]",
            run: "click",
        },
        {
            content: "The act's DOCX and PDF are in the chatter",
            trigger: ".o-mail-Message:contains(version 1 prepared) .o-mail-AttachmentList:contains(v1.pdf)",
        },
        {
            content: "The next step is Send act",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_act]",
            run: "click",
        },
        {
            content: "The composer has the act's PDF",
            trigger: ".modal .o_mail_composer_form_view .o_field_widget[name=attachment_ids]:contains(v1.pdf)",
        },
        {
            content: "Send",
            trigger: ".modal .btn.o_mail_send",
            run: "click",
        },
        {
            content: "Sent: the next step is Mark act signed",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_act_wizard]",
            run: "click",
        },
        {
            content: "Attach the scan of the signed act",
            trigger: ".modal .o_field_widget[name=file]",
            run: uploadScan,
        },
        {
            content: "The scan is chosen",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The chatter says the act is signed, with its scan",
            trigger: ".o-mail-Message:contains(signed.) .o-mail-AttachmentList:contains(signed_act.pdf)",
        },
        {
            content: "No act step left in the header",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_open_act_wizard])):not(:has(button[name=action_send_act]))",
        },
    ],
});

// The same deal read in Russian: a Russian salesperson prepares the act (the Russian template).
registry.category("web_tour.tours").add("odoo_sales_followup_act_ru", {
    steps: () => [
        {
            content: "Оформить акт",
            trigger: ".o_form_view .o_form_statusbar button[name=action_prepare_act]",
            run: "click",
        },
        {
            content: "The act's DOCX and PDF are in the chatter",
            trigger: ".o-mail-Message .o-mail-AttachmentList:contains(v1.pdf)",
        },
        {
            content: "The next step is Send act",
            trigger: ".o_form_view .o_form_statusbar button[name=action_send_act]",
        },
    ],
});
