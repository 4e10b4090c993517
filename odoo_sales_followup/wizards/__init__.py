from . import crm_lead_lost
from . import reactivation_scan_wizard
