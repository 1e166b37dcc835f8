# KVO platform image: one image for web (gunicorn), worker and beat (celery).
#
# Needs BuildKit (the default builder of Docker Engine 23+, `docker compose`, and `docker-compose`
# 1.28+ through the docker CLI): the runtime stage installs the wheels through a bind mount, so they
# take no space in the final image.

# --- Stage 1: wheels ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt


# --- Stage 2: runtime -----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    KVO_VAR_DIR=/app/var

# Runtime libraries for WeasyPrint (pango, harfbuzz incl. subsetting, fonts, JPEG, MIME database),
# and PostgreSQL's client (pg_dump, pg_restore: `manage.py backup`), Debian 12's 15 like the server.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        libjpeg62-turbo \
        shared-mime-info \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels -r requirements.txt

# Fixed ids: nginx's image joins group 10001 to read the private files (deploy/nginx/Dockerfile).
RUN groupadd --system --gid 10001 kvo \
    && useradd --system --uid 10001 --gid kvo --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin kvo

COPY . .

# Translations are compiled with polib (no GNU gettext in the image); the code stays owned by
# root: the app only reads it. Static files are collected into /app/var/static at build, so the
# image also serves them alone (WhiteNoise); under compose that directory is a volume, which Docker
# fills from the image once and web refreshes with `collectstatic` at every start, so kvo owns it.
RUN python scripts/compile_messages.py \
    && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && python -m compileall -q plumbing merchants incidents certification bans claims bulletins kvo \
    && mkdir -p /app/var/private /app/var/mail \
    && chown kvo:kvo /app/var /app/var/private /app/var/mail \
    && chown -R kvo:kvo /app/var/static

USER kvo

EXPOSE 8000

# Sends a Host header from ALLOWED_HOSTS (Django rejects 127.0.0.1 otherwise) and
# X-Forwarded-Proto: https (so SECURE_SSL_REDIRECT does not redirect the probe). A 503 fails it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it). No access log: Django logs every request as JSON.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "kvo.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "60"]
