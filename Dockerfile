# One image per service, built from the repository root so it can hold shared/:
#   docker build --build-arg SERVICE=intake -t digitalwell-intake .
# Each image holds only its own service, shared/ and their dependencies.
# The service must listen on 8000 in the container (<PREFIX>_HTTP_PORT=8000, <PREFIX>_HTTP_HOST=0.0.0.0).

FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
# uv checks the lock against every workspace member's manifest; only the sources it installs are copied.
COPY pyproject.toml uv.lock ./
COPY devstack/pyproject.toml devstack/pyproject.toml
COPY shared shared
COPY services services
ARG SERVICE
RUN test -n "${SERVICE}" && uv sync --frozen --no-dev --no-editable --package "digitalwell-${SERVICE}"

FROM python:3.11-slim
ARG SERVICE
RUN useradd --system --uid 10001 --no-create-home digitalwell
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 DIGITALWELL_SERVICE=${SERVICE}
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["sh", "-c", "exec python -m digitalwell_${DIGITALWELL_SERVICE}"]
