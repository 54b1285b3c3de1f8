"""The pure core of CIMS: customers, their rules, and the events they emit."""
