import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

const chainRow = ".o_field_widget[name=followup_run_ids] .o_data_row";

/** Mark the open activity ``summary`` of the opportunity done over RPC, as another tab would:
 * the form on screen is not told. */
async function markDoneElsewhere(summary) {
    const call = (method, args, kwargs = {}) =>
        rpc(`/web/dataset/call_kw/mail.activity/${method}`, {
            model: "mail.activity",
            method,
            args,
            kwargs,
        });
    const ids = await call("search", [[["summary", "=", summary]]]);
    await call("action_feedback", [ids], { feedback: "Done in another tab" });
}

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
            trigger: `${chainRow} button[name=action_open_done_wizard]`,
            run: "click",
        },
        {
            content: "Choose the outcome of the call",
            trigger: ".modal .o_field_widget[name=outcome_id] .o_radio_item:contains(Reached) input",
            run: "click",
        },
        {
            content: "The window says what the outcome will do",
            trigger: ".modal .o_followup_outcome_effect:contains(The next step is “Send the contract”.)",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_done]",
            run: "click",
        },
        {
            content: "The chain moved to its next step",
            trigger: `${chainRow}:contains(Send the contract)`,
        },
        {
            content: "The next activity is planned on the opportunity",
            trigger: ".o-mail-Activity:contains(Send the contract)",
        },
        {
            content: "Mark the contract done in the chatter",
            trigger: ".o-mail-Activity:contains(Send the contract) .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label=Done]",
            run: "click",
        },
        {
            content: "The chain's tab shows the next step without reloading the page",
            trigger: `${chainRow}:contains(Meeting)`,
        },
        {
            content: "Meanwhile the meeting is marked done in another tab",
            trigger: ".o-mail-Activity:contains(Meeting)",
            run: () => markDoneElsewhere("Meeting"),
        },
        {
            content: "Done on the meeting's line, which is behind the chain now",
            trigger: `${chainRow}:contains(Meeting) button[name=action_open_done_wizard]`,
            run: "click",
        },
        {
            content: "Odoo says who did the meeting, and where the chain is now",
            trigger: ".o_notification:contains(The step “Meeting” was already marked done by Anna Salesman)",
        },
        {
            content: "No window opens for the next step",
            trigger: "body:not(:has(.modal .o_form_view))",
        },
        {
            content: "The tab shows where the chain is now",
            trigger: `${chainRow}:contains(Follow-up call)`,
        },
    ],
});
