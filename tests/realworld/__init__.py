"""Podium on real parts: gunicorn, PostgreSQL, Redis, nginx, an SMTP server; load, faults and scale-out."""
