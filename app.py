"""Serve the portal: ``python app.py`` (embedded SQLite, demo seeded on first start).

For production, ``gunicorn 'app:app'`` with ``DATABASE_URL=postgresql://...``.
"""

from webmap import create_app

app = create_app()

if __name__ == "__main__":
    from webmap.serve import main

    main(app)
