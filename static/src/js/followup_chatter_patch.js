import { Chatter } from "@mail/chatter/web_portal/chatter";
import { patch } from "@web/core/utils/patch";

/**
 * Marking an activity done in the chatter (Mark Done, Done & Schedule Next, Discard) reloads
 * only the chatter in Odoo 18, not the form's record. An activity of a chain moves the chain:
 * on a form that shows the document's chains (tab *Activity chains*), reload the record too, as
 * the chatter itself does after a follower change, so that the tab shows the chain's current
 * step and its Done button acts on the activity now open.
 */
patch(Chatter.prototype, {
    onActivityChanged(thread) {
        super.onActivityChanged(thread);
        if (this.props.webRecord?.activeFields?.followup_run_ids) {
            this.reloadParentView();
        }
    },
});
