from . import crm_success_criterion
from . import crm_lead_criterion
from . import crm_stage
from . import crm_team
from . import crm_lead
from . import sale_order
from . import account_move
from . import crm_followup_digest
