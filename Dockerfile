# callpipe worker / receiver / sources image (see docker-compose.kafka.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml setup.py constraints.txt README.md ./
COPY callpipe ./callpipe
COPY streams ./streams
COPY connectors ./connectors
COPY bench ./bench
COPY schemas ./schemas
# The install compiles the analysis engine with mypyc (setup.py): a C
# compiler is needed for that step only, and removed with it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && pip install --no-cache-dir -c constraints.txt -e . \
 && python callpipe/analysis/build.py --require-compiled \
 && apt-get purge -y --auto-remove gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/* build
RUN useradd --create-home callpipe && mkdir -p /app/.local && chown callpipe /app/.local
USER callpipe
EXPOSE 9464
CMD ["callpipe", "worker"]
