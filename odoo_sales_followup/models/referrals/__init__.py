from . import crm_success_criterion
from . import crm_lead_criterion
from . import res_partner_level_change
from . import crm_lead
from . import res_partner
