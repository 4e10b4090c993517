from .relationship_level import LEVELS, relationship_level, typical_interval
