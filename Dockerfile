FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV STATIC_ROOT=/srv/cqpm/static PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/cqpm/app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=False SECRET_KEY=build-only CQPM_VAR_DIR=/tmp/build python manage.py collectstatic --noinput -v0
RUN useradd --system cqpm && mkdir -p /srv/cqpm/media /srv/cqpm/var && chown -R cqpm /srv/cqpm
USER cqpm
EXPOSE 8000
