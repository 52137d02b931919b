# Production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PANEL_ENV=production
WORKDIR /app

RUN useradd --create-home --uid 1000 panel
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings, not secrets: a throwaway key (strong enough for production's
# check) for this one step.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    JUSTSEND_APP_KEY=build JUSTSEND_WEBHOOK_SECRET=build \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media && chown -R panel /app/var
USER panel

EXPOSE 8000
CMD ["gunicorn", "justsend_panel.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--config", "gunicorn.conf.py", \
     "--worker-class", "gthread", "--workers", "2", "--threads", "8"]
