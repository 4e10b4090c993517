from . import crm_reactivation_report
