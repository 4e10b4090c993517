from . import test_demo_data
from . import test_translation
from . import test_demo_data_access
from . import test_digest_sections
from . import test_digest_review
from . import test_jobs
from . import test_engine_guards
from . import test_upgrade
from . import test_production_calendar
from . import test_company_days
from . import test_working_hours
from .levels import *  # noqa: F403
from .criteria import *  # noqa: F403
from .aftersale import *  # noqa: F403
from .chains import *  # noqa: F403
from .reactivation import *  # noqa: F403
from .plans import *  # noqa: F403
from .contract import *  # noqa: F403
from .referrals import *  # noqa: F403
