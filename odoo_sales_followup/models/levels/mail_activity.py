from collections import defaultdict

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        documents = defaultdict(set)
        for activity in self:
            documents[activity.res_model].add(activity.res_id)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        partners = self.env["res.partner"]
        origins = {}
        for model, res_ids in documents.items():
            if model not in self.env:
                continue
            # sudo: Odoo lets users mark done the activities assigned to them on
            # documents they may not read; the partner's level must follow anyway.
            records = self.env[model].sudo().browse(res_ids).exists()
            if model == "res.partner":
                partners |= records
                # The done activity is a message of the partner: the partner is its document.
                origins.update({partner.id: ("res.partner", partner.id) for partner in records})
            elif getattr(records._fields.get("partner_id"), "comodel_name", None) == "res.partner":
                partners |= records.partner_id
                if model == "crm.lead":
                    # The opportunity (or lead) that put them in contact.
                    origins.update(self.env["res.partner"]._origins_of(records))
        partners._update_relationship_levels("activity_done", origins=origins)
        return result
