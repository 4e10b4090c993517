from . import crm_reactivation_report
from . import crm_followup_referral_report
from . import crm_followup_source_analysis
