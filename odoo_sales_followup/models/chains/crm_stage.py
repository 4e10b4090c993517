from odoo import models
from odoo.models import to_company_ids
from odoo.tools.misc import unquote


class CrmStage(models.Model):
    _inherit = "crm.stage"

    def _check_company_domain(self, companies):
        """A stage has no company of its own: it belongs to its sales team's company, and is
        shared when it has no team or its team none. The stages of the activity chains and of
        their outcomes (``check_company``) are checked, and offered, by that."""
        shared = [("team_id", "=", False)]
        if not companies:
            return ["|", *shared, ("team_id.company_id", "=", False)]
        if isinstance(companies, unquote):
            return ["|", *shared, ("team_id.company_id", "in", unquote(f"{companies} + [False]"))]
        return ["|", *shared, ("team_id.company_id", "in", [*to_company_ids(companies), False])]
