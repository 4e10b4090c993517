from . import odoo_sales_followup
from .odoo_sales_followup.hooks import post_init_hook
