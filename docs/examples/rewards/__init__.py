"""A team's own service that embeds the CIMS core (the embedding guide's example)."""
