"""Mail: the outbox (models), the sender (services, smtp), its worker command (cli) and admin pages (routes)."""
