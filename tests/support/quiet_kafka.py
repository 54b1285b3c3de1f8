"""Import kafka-python once with its import-time deprecation warnings silenced.

kafka-python 3.0 reads its protocol schemas with `importlib.resources.read_text`,
which warns from inside importlib, so pyproject's `kafka.*` module filter does
not catch it and warnings-as-errors would fail collection. Importing this
module first (from a conftest) caches kafka in sys.modules quietly.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka  # noqa: F401
