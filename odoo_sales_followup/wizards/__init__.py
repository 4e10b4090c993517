from . import crm_lead_criteria_override
