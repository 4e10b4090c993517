from . import test_reactivation
from . import test_reactivation_integrity
from . import test_reactivation_tour
from . import test_reactivation_usability
