from .reactivation import ASSIGNMENT_RULES, ReactivationAssigner, reactivation_priority
from .relationship_level import LEVELS, relationship_level, typical_interval
