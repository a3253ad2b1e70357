# Wraparound production image: gunicorn serving config.wsgi; the same image runs the Celery
# worker and beat (see docker-compose.yml).

# --- front-end build: GOV.UK Frontend + MOJ Frontend compiled into static/dist -------------
FROM node:22-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
COPY static/ static/
RUN npm run build

# --- application --------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
RUN groupadd --system wraparound && useradd --system --gid wraparound --home /app wraparound

COPY pyproject.toml ./
COPY apps/ apps/
COPY config/ config/
RUN pip install .

COPY manage.py ./
COPY templates/ templates/
COPY --from=frontend /src/static/ static/
# collectstatic imports the production settings, which insist on a secret key: a throwaway one
# is used for this step only and is not kept in the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgres://unused@localhost/unused REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/.data/documents \
 && chown -R wraparound:wraparound /app

USER wraparound
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
