from . import company_days
from .business_days import (
    DEFAULT_WORKDAYS,
    MAX_DELAY_DAYS,
    BusinessDays,
    add_business_days,
    add_delay,
    is_business_day,
    next_business_day,
)
from .production_calendar import day_runs, official_days
from .reactivation import ASSIGNMENT_RULES, ReactivationAssigner, reactivation_priority
from .relationship_level import LEVEL_SELECTION, LEVELS, level_change_cause, relationship_level, typical_interval
from .plans import DIGEST_PERIODICITIES, PERIOD_KIND_SELECTION, digest_period, forecast, period_bounds, period_kind
from .working_hours import working_hours_before
