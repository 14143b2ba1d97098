"""Serve the portal: ``python app.py`` (embedded SQLite, demo seeded on first start).

For production, ``gunicorn 'app:app'`` with ``DATABASE_URL=postgresql://...``.
"""

import sys

from geodata.errors import ConfigError
from webmap import create_app

try:
    app = create_app()
except ConfigError as exc:  # a wrong setting or an unusable database: one sentence, no traceback
    sys.exit(f"门户无法启动：{exc.message}\nThe portal cannot start: {exc.en or exc.message}")

if __name__ == "__main__":
    from webmap.serve import main

    main(app)
