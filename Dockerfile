# syntax=docker/dockerfile:1
#
# Image for the 剡湖街道 reform portal. One image serves every role; docker-compose.yml picks the
# command: gunicorn (default CMD), `celery -A jianzhou_reform worker`, `celery ... beat`, and the
# one-shot `migrate` service. No apt packages are needed: every dependency ships as a wheel
# (psycopg[binary], python-calamine) or is pure Python (xstatic-bootstrap's sdist).

# ---------------------------------------------------------------------------------------------
# builder: resolve and install requirements.txt into a self-contained virtualenv at /opt/venv.
# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

COPY requirements.txt constraints-build.txt ./
# xstatic-bootstrap ships only as an sdist whose setup.py imports pkg_resources, which
# setuptools>=82 removed; the constraint (setuptools<82) must reach pip's isolated build
# environment. PIP_CONSTRAINT does that on pip<25.3; pip>=25.3 uses PIP_BUILD_CONSTRAINT
# (older pip ignores the unknown variable), so both are set.
RUN PIP_CONSTRAINT=/build/constraints-build.txt \
    PIP_BUILD_CONSTRAINT=/build/constraints-build.txt \
    pip install --no-cache-dir -r requirements.txt

# ---------------------------------------------------------------------------------------------
# runtime: the virtualenv, the code, pre-collected static files, a non-root user.
# ---------------------------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

# gunicorn reads WEB_CONCURRENCY (worker processes: 2-4 per free core) and GUNICORN_CMD_ARGS
# itself: two threads a worker (gunicorn's gthread worker), so a page waiting on PostgreSQL
# does not hold a whole process; each thread keeps its own database connection (CONN_MAX_AGE).
# Both can be set at run time (.env.example); the CMD below keeps the limits.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=jianzhou_reform.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3 \
    GUNICORN_CMD_ARGS="--threads 2"

# Fixed uid/gid 10001 so volume ownership is predictable across rebuilds and hosts.
# --no-log-init: a high uid would otherwise bloat /var/log/faillog and lastlog.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --no-log-init --uid 10001 --gid portal \
       --create-home --home-dir /home/portal --shell /usr/sbin/nologin portal

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# The code stays owned by root: the portal user can read it but not modify it.
COPY . .
# Its bytecode is compiled once, here: with PYTHONDONTWRITEBYTECODE and read-only code, every
# process (each gunicorn and Celery worker, each manage.py command) would otherwise compile the
# portal's modules again when it starts.
RUN python -m compileall -q /app

# collectstatic needs settings that import cleanly with DEBUG=false, which requires a
# SECRET_KEY and a PERSONAL_DATA_KEY. The dummy keys below exist only in this RUN's environment:
# they are never an ENV or ARG, so they are neither in the image config nor available at
# runtime (compose supplies the real ones; collectstatic touches no data). Static files are
# hashed and compressed for WhiteNoise's manifest storage.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-dummy-key-not-used-at-runtime \
    PERSONAL_DATA_KEY=build-only-collectstatic-dummy-personal-data-key \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown portal:portal /app/media

# Uploaded spreadsheets live here; declared after the chown so a fresh named volume
# inherits the portal user's ownership.
VOLUME ["/app/media"]

USER 10001:10001

EXPOSE 8000

# python:3.11-slim has no curl/wget: probe with the standard library. urlopen raises (exit 1)
# on connection errors and non-2xx answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4); sys.exit(0 if r.status == 200 else 1)"]

# Request limits at the server: a request line of at most 4 KB (admin filter URLs fit), at most
# 50 header fields of at most 8 KB each. Gunicorn has no body limit: the portal refuses a body
# over MAX_REQUEST_BYTES (413) before reading it, and the reverse proxy should too (README).
# Access log lines carry the path without its query string or referrer: an admin search is a
# GET whose query may hold an ID number (no personal data in logs).
# An idle connection is kept 75 s (gunicorn's default is 2 s): whoever sends the next request
# on it (a proxy keeping upstream connections, nginx's default 60 s, or a browser between
# clicks) must be the side that closes it, or a request sent just as gunicorn closes it gets
# no response. The gthread worker parks idle connections without holding a thread.
CMD ["gunicorn", "jianzhou_reform.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "120", "--keep-alive", "75", "--limit-request-line", "4094", "--limit-request-fields", "50", "--limit-request-field_size", "8190", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(L)s"]
