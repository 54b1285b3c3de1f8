"""Tools for testing code built on CIMS (needs the `test` extra: pytest, hypothesis).

- `cims.testing.strategies`: customer documents CIMS accepts (names from many
  scripts, emails, phones from many regions, addresses, dates of birth) and
  documents it refuses.
- `cims.testing.near_duplicates`: the same person written down again (typos,
  swapped names, nicknames, a day/month swap, an email tag, a move...).
- `cims.testing.kyc_sequences`: KYC commands and status events in random order.
- `cims.testing.domain_strategies`: customers as the domain holds them.
- `cims.testing.fixtures`: a pytest plugin with `cims_core` on memory adapters.
- `cims.testing.doubles`: `FixedClock` and `SequentialIds`.
- `cims.testing.storage_contract`: `StorageContract`, the tests every storage
  adapter must pass; subclass it to check your own.
"""
