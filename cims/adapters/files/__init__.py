"""File adapters: feed inboxes and configuration files."""
