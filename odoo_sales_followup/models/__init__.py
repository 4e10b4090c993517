# Shared mechanisms first: the capabilities' models inherit them.
from . import engine_fields
from . import company_days
from . import resource_calendar_workday
from . import resource_calendar
from . import production_calendar
from . import res_config_settings
from . import crm_lead

# One package per capability; the order is the order of their extensions of shared
# models (a later capability's override runs around an earlier one's).
from . import bounds
from . import crm_followup_digest
from . import levels
from . import criteria
from . import aftersale
from . import chains
from .levels import followup_chain  # the levels' chain trigger extends the chains' template
from . import reactivation
from . import plans
from . import contract
from . import referrals
from .chains import crm_lead_signature  # the chains hear the contract's signature hook, defined above
