# callpipe worker / receiver / sources image (see docker-compose.kafka.yml).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml constraints.txt README.md ./
COPY callpipe ./callpipe
COPY streams ./streams
COPY connectors ./connectors
COPY bench ./bench
COPY schemas ./schemas
RUN pip install --no-cache-dir -c constraints.txt -e .
RUN useradd --create-home callpipe && mkdir -p /app/.local && chown callpipe /app/.local
USER callpipe
EXPOSE 9464
CMD ["callpipe", "worker"]
