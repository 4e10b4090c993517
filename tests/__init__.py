from . import test_demo_data
from . import test_level_access
from . import test_level_settings
from . import test_level_tools
from . import test_level_tour
from . import test_relationship_levels
from . import test_translation
from . import test_reactivation
