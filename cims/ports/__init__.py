"""The core's boundary: use cases offered (inbound) and services needed (outbound)."""
