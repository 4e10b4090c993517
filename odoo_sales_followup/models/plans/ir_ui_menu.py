from odoo import models


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    def _load_menus_blacklist(self):
        # *Team plans* is for who enters plans: the Sales administrators and the teams'
        # leaders, a role no group holds (as Odoo's hr hides *Departments* from who
        # manages none).
        res = super()._load_menus_blacklist()
        if not self.env["crm.sales.plan"]._user_enters_plans():
            menu = self.env.ref("odoo_sales_followup.menu_plans_team_plans", raise_if_not_found=False)
            if menu:
                res.append(menu.id)
        return res
