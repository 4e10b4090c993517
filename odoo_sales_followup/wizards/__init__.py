from . import crm_lead_criteria_override
from . import followup_chain_done_wizard
from . import followup_chain_start_wizard
from . import crm_lead_lost
from . import reactivation_scan_wizard
from . import crm_lead_criterion_confirm
from . import followup_contract_upload_wizard
from . import followup_contract_prepare_wizard
