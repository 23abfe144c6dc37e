"""WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (make run)."""

from capintra import create_app

app = create_app()
