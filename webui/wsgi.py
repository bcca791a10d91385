"""WSGI and Celery entry points: `gunicorn webui.wsgi:app`, `celery -A webui.wsgi:celery worker`."""

from webui import create_app

app = create_app()
celery = app.extensions["celery"]
