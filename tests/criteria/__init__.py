from . import test_criteria
from . import test_criteria_gates
from . import test_criteria_integrity
from . import test_criteria_tour
from . import test_criteria_usability
