from . import test_plans_actuals
from . import test_plans_controls
from . import test_plans_digest
from . import test_plans_forecast_category
from . import test_plans_team
from . import test_plans_tour
from . import test_plans_usability
from . import test_plans_validation
