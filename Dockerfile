# callpipe's image: workers, ingest, receiver and the CLI (see docker-compose.kafka.yml).
#
# Two stages. The builder compiles the analysis engine with mypyc into a
# wheel, which needs a C compiler; the runtime installs that wheel and
# nothing else of the build: no compiler, no source tree, a non-root user.
#
#   docker build -t callpipe .

FROM python:3.11-slim AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole context (.dockerignore keeps out the host's virtualenv, builds
# and compiled modules). callpipe/streams, callpipe/connectors, ... are
# symlinks to the top-level folders; COPY keeps them and pip follows them.
COPY . .
# pip fetches the build requirements (setuptools, wheel, mypy, which brings
# mypyc) into an isolated environment; setup.py compiles the engine.
RUN pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=builder /wheels /wheels
COPY constraints.txt /tmp/constraints.txt
# The dependencies come as wheels from PyPI (pinned by constraints.txt), so
# nothing here needs a compiler. build.main fails the build when a module of
# the engine is not compiled or was compiled from another source (called
# with -c: `python -m` would import the module twice and warn about it).
RUN pip install --no-cache-dir -c /tmp/constraints.txt /wheels/*.whl \
 && python -c "import sys; from callpipe.analysis.build import main; sys.exit(main(['--require-compiled']))"
# The working directory holds the default folders (.local/ for Faust's state
# and the LLM cache, data/ for the receiver's SQLite file), so the user must
# own it. data/ exists in the image so that a named volume mounted there
# starts owned by that user too.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin callpipe \
 && mkdir -p /app/.local /app/data \
 && chown -R callpipe:callpipe /app
WORKDIR /app
USER callpipe
# 9464 a worker's /metrics, /healthz, /readyz; 8080 the receiver; 8090 ingest.
EXPOSE 9464 8080 8090
CMD ["callpipe", "worker"]
