"""The WSGI entry point for production servers: ``gunicorn saas.wsgi:app``."""

from saas.app import create_app

app = create_app()
