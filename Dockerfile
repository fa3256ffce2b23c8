# One image per service, a target each, built from the repository root so it can hold shared/:
#   docker build --target intake -t digitalwell-intake .      (council, forum, notify alike)
# An image holds its service's workspace package, shared/ and their locked dependencies, and
# nothing else: no compiler, no uv, no pip. Configuration comes only from <PREFIX>_* variables.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: install one workspace package and its locked dependencies into /opt/venv ---------
FROM ${PYTHON_IMAGE} AS builder
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.11 UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
# uv reads every workspace member's manifest to resolve the lock; only manifests come first, so
# the dependency layer below is rebuilt only when the lock or a manifest changes.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY services/intake/pyproject.toml services/intake/
COPY services/council/pyproject.toml services/council/
COPY services/forum/pyproject.toml services/forum/
COPY services/notify/pyproject.toml services/notify/
COPY devstack/pyproject.toml devstack/
COPY ops/pyproject.toml ops/

FROM builder AS build-intake
RUN uv sync --frozen --no-dev --no-editable --no-install-workspace --package digitalwell-intake
COPY shared/src shared/src
COPY services/intake/src services/intake/src
RUN uv sync --frozen --no-dev --no-editable --package digitalwell-intake

FROM builder AS build-council
RUN uv sync --frozen --no-dev --no-editable --no-install-workspace --package digitalwell-council
COPY shared/src shared/src
COPY services/council/src services/council/src
RUN uv sync --frozen --no-dev --no-editable --package digitalwell-council

FROM builder AS build-forum
RUN uv sync --frozen --no-dev --no-editable --no-install-workspace --package digitalwell-forum
COPY shared/src shared/src
COPY services/forum/src services/forum/src
RUN uv sync --frozen --no-dev --no-editable --package digitalwell-forum

FROM builder AS build-notify
RUN uv sync --frozen --no-dev --no-editable --no-install-workspace --package digitalwell-notify
COPY shared/src shared/src
COPY services/notify/src services/notify/src
RUN uv sync --frozen --no-dev --no-editable --package digitalwell-notify

# --- runtime: the slim base without its packaging tools, a non-root user ---------------------
FROM ${PYTHON_IMAGE} AS runtime
RUN python -m pip uninstall --yes pip setuptools wheel \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin digitalwell
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /tmp
USER 10001:10001

FROM runtime AS intake
COPY --from=build-intake /opt/venv /opt/venv
ENV INTAKE_HTTP_HOST=0.0.0.0 INTAKE_HTTP_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['INTAKE_HTTP_PORT'], timeout=2)"]
CMD ["python", "-m", "digitalwell_intake"]

FROM runtime AS council
COPY --from=build-council /opt/venv /opt/venv
ENV COUNCIL_HTTP_HOST=0.0.0.0 COUNCIL_HTTP_PORT=8001
EXPOSE 8001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['COUNCIL_HTTP_PORT'], timeout=2)"]
CMD ["python", "-m", "digitalwell_council"]

FROM runtime AS forum
COPY --from=build-forum /opt/venv /opt/venv
ENV FORUM_HTTP_HOST=0.0.0.0 FORUM_HTTP_PORT=8002
EXPOSE 8002
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['FORUM_HTTP_PORT'], timeout=2)"]
CMD ["python", "-m", "digitalwell_forum"]

FROM runtime AS notify
COPY --from=build-notify /opt/venv /opt/venv
ENV NOTIFY_HTTP_HOST=0.0.0.0 NOTIFY_HTTP_PORT=8003
EXPOSE 8003
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['NOTIFY_HTTP_PORT'], timeout=2)"]
CMD ["python", "-m", "digitalwell_notify"]
