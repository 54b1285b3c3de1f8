"""The use cases CIMS offers: what a caller can ask the core to do."""
