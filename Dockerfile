# The Trellis image the Helm chart runs (web: gunicorn, worker, scheduler, migrations).
# Build: docker build -t trellis:0.1.0 .   See docs/deployment.md.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY saas saas
COPY tenants tenants
COPY core core
COPY admin admin
COPY plugins plugins
# The translation catalogues are compiled (.po -> .mo) before the package is built: the .mo
# files are not in the repository.
RUN python -m venv /opt/trellis && /opt/trellis/bin/pip install Babel \
    && /opt/trellis/bin/pybabel compile -d saas/translations \
    && /opt/trellis/bin/pip install .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/trellis/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRELLIS_INSTANCE_DIR=/var/lib/trellis \
    TRELLIS_ENV=production
COPY --from=build /opt/trellis /opt/trellis
# A non-root user with a fixed id, as the chart's securityContext expects (runAsNonRoot).
RUN useradd --system --uid 10001 --home-dir /var/lib/trellis --create-home trellis
# Production: the app refuses to start without a SECRET_KEY of 32+ characters (run
# `trellis doctor` in the container to check the rest of the configuration).
USER 10001
WORKDIR /var/lib/trellis
EXPOSE 8000
CMD ["gunicorn", "saas.wsgi:app", "--bind=0.0.0.0:8000", "--workers=2", "--threads=4"]
