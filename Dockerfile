FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_MEDIA_ROOT=/var/lib/waypoint/media

# Pango and fonts for WeasyPrint (report PDFs); xmlsec1 checks SAML 2.0 signatures (sso/saml.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core \
        xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 999 waypoint \
    && useradd --system --uid 999 --gid waypoint --home-dir /app --shell /usr/sbin/nologin waypoint \
    && mkdir -p /var/lib/waypoint/media /var/lib/waypoint/beat \
    && chown -R waypoint:waypoint /var/lib/waypoint

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=waypoint:waypoint . .

# Production storage (hashed, compressed files) is chosen when DEBUG is off; this key
# exists only for this build step and is never used by a running container.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-build-step-only-0123456789-abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput

USER waypoint
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
