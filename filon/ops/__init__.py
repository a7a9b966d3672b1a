"""Running Filon: background tasks and periodic jobs, backups, health, logs."""
