"""The `flask --app app` and gunicorn entry point: `app = create_app()`."""
import sys

from voting import create_app
from voting.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(f"podium: {exc}")
