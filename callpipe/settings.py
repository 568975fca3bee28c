"""One typed settings object, read from environment variables.

Every knob of callpipe lives here so that the README's configuration table,
the docker-compose file and the code name the same variables. Secrets are
``SecretStr`` so they never appear when settings are printed or logged.
Settings are passed in explicitly; nothing reads the environment elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callpipe.eventloop import EventLoopKind

if TYPE_CHECKING:
    from callpipe.connectors.webhook.schedule import RetrySchedule

# Working folders default to places under the working directory (like git's
# .git or a virtualenv's .venv), never to where the package is installed:
# site-packages is no place for data. They are made absolute when settings
# are read, so a child process started elsewhere sees the same folder.
LOCAL_DIR = Path(".local")

Stage = Literal["extraction", "analysis", "delivery", "retry"]
STAGES: tuple[Stage, ...] = ("extraction", "analysis", "delivery", "retry")

# RFC 6750's b64token: what an "Authorization: Bearer <token>" header can carry.
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class Settings(BaseSettings):
    """All of callpipe's configuration; field names map to UPPER_CASE env vars."""

    # hide_input_in_errors: a validation error must not print the secret it refuses.
    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", hide_input_in_errors=True
    )

    # --- analysis -----------------------------------------------------------
    output_timezone: str = Field(
        "Asia/Kolkata", description="Time zone of every time in the payload."
    )
    analysis_config_dir: Path | None = Field(
        None,
        description="Folder whose JSON files override the packaged cue words, "
        "catalogue and word lists (same file names).",
    )
    extractor: Literal["rules", "llm"] = Field("rules", description="Value extractor.")

    # --- LLM (EXTRACTOR=llm) --------------------------------------------------
    openai_base_url: str | None = Field(None, description="OpenAI-compatible endpoint.")
    openai_api_key: SecretStr = Field(SecretStr("not-needed"), description="LLM API key.")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint.")
    llm_timeout_ms: int = Field(15000, ge=100, description="Per-request LLM timeout.")
    llm_max_concurrency: int = Field(16, ge=1, description="LLM requests in flight.")
    llm_cache_dir: Path = Field(LOCAL_DIR / "llm-cache", description="On-disk LLM answer cache.")
    llm_cache_max_entries: int = Field(100_000, ge=0, description="Cache bound (entries).")

    # --- Kafka and the schema registry ---------------------------------------
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka brokers.")
    schema_registry_url: str = Field(
        "http://127.0.0.1:8081/apis/ccompat/v7",
        description="Confluent-compatible schema registry API (Apicurio's ccompat).",
    )
    topic_partitions: int = Field(6, ge=1, description="Partitions of topics callpipe creates.")
    topic_replication: int = Field(1, ge=1, description="Replication of topics callpipe creates.")
    topic_prefix: str = Field("", description="Prefix for every topic name (tests, tenants).")
    topic_names: dict[str, str] = Field(
        default_factory=dict,
        description='Renames topics, JSON: {"calls.analyzed": "prod.calls.analyzed"}.',
    )
    dead_letter_retention_days: int = Field(
        30, ge=1, description="Retention of the dead-letter topics callpipe creates."
    )
    consumer_group_prefix: str = Field("callpipe", description="Consumer groups: <prefix>-<stage>.")

    # --- worker ---------------------------------------------------------------
    consumer_session_timeout_s: float = Field(
        10.0, gt=0, description="A dead worker's partitions move to the others after this."
    )
    consumer_max_poll_interval_s: float = Field(
        1000.0,
        gt=0,
        description="A worker that takes no records for this long leaves its group "
        "(a stuck agent); partitions paused on purpose (an open circuit) do not count.",
    )
    shutdown_grace_s: float = Field(
        20.0,
        gt=0,
        description="SIGTERM: in-flight work may finish for this long, then "
        "the worker exits without committing what did not finish.",
    )
    metrics_port: int = Field(9464, ge=0, le=65535, description="Prometheus /metrics port.")
    metrics_host: str = Field("127.0.0.1", description="Bind address of /metrics.")
    lag_probe_interval_s: float = Field(
        5.0,
        ge=0.5,
        le=300,
        description="How often a worker reads every stage's consumer lag and checks its readiness.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "text"] = "json"
    faust_data_dir: Path = Field(
        LOCAL_DIR / "faust", description="Faust's per-worker state folder."
    )
    event_loop: EventLoopKind = Field(
        "uvloop", description="Event loop of workers, ingest and receiver: uvloop or asyncio."
    )

    # --- delivery (the spec's names) -----------------------------------------
    webhooks_enabled: bool = Field(True, description="false: analyse but do not POST.")
    webhook_base_url: str = Field(
        "https://singleinterfacews.pragyaa.ai",
        description="POST goes to <base>/api/webhooks/singleinterface.",
    )
    singleinterface_webhook_url: str | None = Field(
        None, description="Optional second URL that gets a forwarding copy."
    )
    singleinterface_api_key: SecretStr | None = Field(
        None, description="Sent as Authorization: Bearer and X-API-Key."
    )
    webhook_retry_attempts: int = Field(3, ge=0, description="Retries after the first try.")
    webhook_timeout_ms: int = Field(10000, ge=1, description="Per-request timeout.")
    webhook_backoff_initial_ms: int = Field(500, ge=0, description="First backoff ceiling.")
    webhook_backoff_max_ms: int = Field(30000, ge=0, description="Largest backoff.")
    webhook_concurrency: int = Field(32, ge=1, description="Deliveries in flight per worker.")
    webhook_circuit_failures: int = Field(
        5,
        ge=1,
        description="Consecutive retryable failures, of as many different calls, that "
        "open the circuit of a destination.",
    )
    webhook_circuit_probe_s: float = Field(
        10.0, gt=0, description="While the circuit is open, one waiting call is tried this often."
    )
    webhook_retry_schedule: str = Field(
        "30s,2m,10m,30m,1h,2h,4h,8h,8h",
        description="Delays of the delayed retries (retry stage), comma-separated; "
        "empty: none, exhausted calls are dead-lettered.",
    )
    webhook_retry_hold_s: float = Field(
        60.0,
        gt=0,
        description="The retry stage keeps a record due within this long in memory; a later "
        "one goes back to the end of webhooks.retry, at most once per this long.",
    )
    webhook_signing_secret: SecretStr | None = Field(
        None,
        description="Standard Webhooks signing secret, whsec_<base64>; several, "
        "space-separated, sign with each (rotation).",
    )

    # --- connectors -----------------------------------------------------------
    ingest_host: str = Field("127.0.0.1", description="HTTP ingest bind address.")
    ingest_port: int = Field(8090, ge=0, le=65535, description="HTTP ingest port.")
    ingest_api_keys: SecretStr | None = Field(
        None,
        description="Bearer tokens the HTTP ingest accepts (comma- or space-separated); "
        "needed to listen on a non-loopback address.",
    )
    transcripts_dir: Path = Field(
        Path("data/transcripts"), description="Legacy folder the watcher reads."
    )

    # --- local infrastructure (callpipe local ...) ----------------------------
    local_home: Path = Field(LOCAL_DIR, description="Cache, data and logs of `callpipe local`.")
    local_cache_dir: Path = Field(
        LOCAL_DIR / "cache", description="Where Maven's downloads are unpacked."
    )
    local_kafka_version: str = "4.4.0"
    local_kafka_port: int = 9092
    local_kafka_controller_port: int = 9093
    local_registry_version: str = "3.3.3"
    local_registry_port: int = 8081
    local_registry_management_port: int = 9001
    local_registry_storage: Literal["kafkasql", "mem"] = Field(
        "kafkasql", description="kafkasql keeps schemas (and their ids) across restarts."
    )
    local_registry_java: Path | None = Field(
        None, description="A Java 21+ binary for Apicurio (found automatically if unset)."
    )

    @field_validator(
        "llm_cache_dir", "faust_data_dir", "transcripts_dir", "local_home", "local_cache_dir"
    )
    @classmethod
    def _absolute_folder(cls, folder: Path) -> Path:
        """A relative folder is taken from the working directory at start-up."""
        return folder.absolute()

    @field_validator("output_timezone")
    @classmethod
    def _output_timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"OUTPUT_TIMEZONE: no time zone {value!r} (an IANA name such as Asia/Kolkata)"
            ) from exc
        return value

    @field_validator("webhook_signing_secret")
    @classmethod
    def _signing_secrets_are_well_formed(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # unset, or set to "" (as docker compose passes an unset variable)
        # Imported here, not at the top: callpipe.connectors.webhook imports this module.
        from callpipe.connectors.webhook.errors import SigningSecretError
        from callpipe.connectors.webhook.signing import parse_secrets

        try:
            parse_secrets(value.get_secret_value())
        except SigningSecretError as exc:
            raise ValueError(f"WEBHOOK_SIGNING_SECRET: {exc}") from exc
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _retry_schedule_parses(cls, value: str) -> str:
        # Imported here, not at the top: callpipe.connectors.webhook imports this module.
        from callpipe.connectors.webhook.schedule import RetrySchedule

        RetrySchedule.parse(value)  # ScheduleError is a ValueError: pydantic reports it
        return value

    @field_validator("ingest_api_keys")
    @classmethod
    def _ingest_keys_are_bearer_tokens(cls, value: SecretStr | None) -> SecretStr | None:
        keys = api_keys(value)
        if not keys:
            return None
        for number, key in enumerate(keys, start=1):
            if not _BEARER_TOKEN.fullmatch(key):
                raise ValueError(
                    f"INGEST_API_KEYS: key {number} of {len(keys)} has a character a bearer "
                    "token cannot hold (letters, digits, - . _ ~ + / and a trailing =)"
                )
        return value

    def topic(self, name: str) -> str:
        """The real topic name for a logical one (applies TOPIC_NAMES, then TOPIC_PREFIX)."""
        return f"{self.topic_prefix}{self.topic_names.get(name, name)}"

    @property
    def webhook_url(self) -> str:
        return self.webhook_base_url.rstrip("/") + "/api/webhooks/singleinterface"

    @property
    def retry_schedule(self) -> RetrySchedule:
        """WEBHOOK_RETRY_SCHEDULE, parsed (it was checked when the settings were read)."""
        from callpipe.connectors.webhook.schedule import RetrySchedule

        return RetrySchedule.parse(self.webhook_retry_schedule)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]


def api_keys(value: SecretStr | None) -> tuple[str, ...]:
    """The keys of a comma- or space-separated list (INGEST_API_KEYS); () when unset."""
    if value is None:
        return ()
    return tuple(key for key in re.split(r"[,\s]+", value.get_secret_value()) if key)


def is_settings_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a refusal of the Settings (bad environment variables)."""
    return isinstance(exc, ValidationError) and exc.title == Settings.__name__


def describe_settings_error(exc: ValidationError) -> str:
    """One line naming each refused variable and why, never the value given."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        variable = ".".join(str(part) for part in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        problems.append(message if variable in message else f"{variable}: {message}")
    return "; ".join(problems)
