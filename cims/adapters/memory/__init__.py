"""In-memory adapters: for embedding, tests, and `cims serve` without a database."""

from cims.adapters.memory.events import MemoryEventBus
from cims.adapters.memory.store import MemoryStore, MemoryUnitOfWork

__all__ = ["MemoryEventBus", "MemoryStore", "MemoryUnitOfWork"]
