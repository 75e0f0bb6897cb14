# Image for docker-compose: the web app, the Celery worker and beat all run from it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN mkdir -p static/build \
 && node_modules/.bin/sass --no-source-map --quiet-deps --style=compressed --load-path=node_modules static/scss/app.scss static/build/app.css \
 && cp -R node_modules/govuk-frontend/dist/govuk/assets static/build/assets \
 && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js node_modules/plotly.js-dist-min/plotly.min.js static/build/

FROM python:3.11-slim-bookworm
# Production unless told otherwise: the settings then demand a real secret key and host names.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=false
WORKDIR /app
COPY pyproject.toml ./
COPY riia ./riia
COPY rates ./rates
COPY breaches ./breaches
COPY casestudies ./casestudies
COPY datareturns ./datareturns
COPY governance ./governance
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/static/build ./static/build
# collectstatic with the production storage (hashed names); the key exists only for this step.
RUN DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
    RIIA_REGISTRATION_HMAC_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(40))')" \
    python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/var && chown app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "riia.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
