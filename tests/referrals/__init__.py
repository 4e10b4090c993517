from . import test_referrals
from . import test_sources
from . import test_referrals_tour
