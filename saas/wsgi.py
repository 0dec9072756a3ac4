"""The WSGI entry point for production servers: ``gunicorn saas.wsgi:app``."""

import sys

from flask import Flask

from saas.app import create_app
from saas.config import ConfigurationError


def _create() -> Flask:
    try:
        return create_app()
    except ConfigurationError as error:
        # One clear line in the server's log before the traceback; the server then stops.
        print(f"Trellis cannot start: {error}", file=sys.stderr, flush=True)
        raise


app = _create()
