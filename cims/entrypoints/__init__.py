"""Ways into CIMS: the HTTP service, the CLI, the scheduler and consumers."""
