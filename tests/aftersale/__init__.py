from . import test_aftersale
from . import test_aftersale_usability
