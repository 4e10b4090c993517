from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # The documents of the merged partners belong to the destination now (Odoo moved
        # them just before): the level facts are recomputed from them, never copied from
        # the partners about to be deleted, which users may not write.
        former_companies = src_partners._level_commercial_partners() - src_partners
        src_partners._forget_level_facts()
        result = super()._update_values(src_partners, dst_partner)
        (dst_partner | former_companies)._update_relationship_levels("recompute")
        return result
