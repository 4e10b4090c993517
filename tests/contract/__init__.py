from . import test_contract_act
from . import test_contract_clean
from . import test_contract_demo
from . import test_contract_prepare
from . import test_contract_send
from . import test_contract_tools
from . import test_contract_tour
from . import test_contract_usability
