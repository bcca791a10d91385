# syntax=docker/dockerfile:1
#
# One image for every ContractFlow process (web, worker, beat, migrate); the
# command differs per service in docker-compose.yml.

# --- stage 1: front-end assets (htmx, later bpmn-js/dmn-js) from npm ----------
FROM node:20-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY webui/frontend ./webui/frontend
RUN npm run build

# --- stage 2: the Python application ------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 contractflow \
    && useradd --system --uid 10001 --gid contractflow --home-dir /app --shell /usr/sbin/nologin contractflow

WORKDIR /app

# Dependencies first, in their own layer: only pyproject.toml changes bust it.
# The package folders are created empty so setuptools can build the project.
COPY pyproject.toml README.md ./
RUN mkdir -p engine contracts connectors webui \
    && pip install . \
    && rm -rf build *.egg-info

# Then the application itself, with its data folders (processes/, forms/,
# migrations/) beside the packages.
COPY . .
COPY --from=frontend /src/webui/static/vendor ./webui/static/vendor
RUN pip install --no-deps . \
    && rm -rf build *.egg-info \
    && mkdir -p /app/instance \
    && chown -R contractflow:contractflow /app/instance

# Import the packages from /app rather than site-packages, so code that finds
# processes/, forms/ and migrations/ relative to the source tree sees them.
ENV PYTHONPATH=/app

USER contractflow
EXPOSE 8000

# Health checks are per service (web, worker, beat) in docker-compose.yml.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "webui.wsgi:app"]
