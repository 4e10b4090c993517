from . import plans_digest
