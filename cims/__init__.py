"""CIMS: customer information management for banks.

The public surface, for teams embedding the core in their own services:

- `build_core`, `Core`: the use cases wired to adapters you choose
  (`cims.entrypoints.embedded`).
- `cims.domain`: customers, KYC, screening, matching and cleansing rules.
- `cims.ports`: the use cases (inbound) and the Protocols adapters implement
  (outbound).
- `cims.adapters`: the memory, SQL and MongoDB adapters.
- `cims.testing`: the storage contract suite, Hypothesis strategies and
  pytest fixtures.

Anything whose name starts with an underscore, and any name a package does
not list in its `__all__`, is private and may change without notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cims.entrypoints.embedded import Core, build_core, screening_against

__all__ = ["Core", "build_core", "screening_against"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: importing one domain module should not pull in the
    # ports and the memory adapters behind it.
    if name in __all__:
        from cims.entrypoints import embedded

        return getattr(embedded, name)
    raise AttributeError(f"module 'cims' has no attribute {name!r}")
