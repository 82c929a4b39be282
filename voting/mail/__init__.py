"""Mail: the outbox (models), the sender (services, smtp), the worker (cli) and admin pages (routes)."""
