from . import test_levels
from . import test_levels_access
from . import test_levels_causes
from . import test_levels_contention
from . import test_levels_integrity
from . import test_levels_settings
from . import test_levels_tools
from . import test_levels_tour
