"""The production shape and the settings contract: bad values fail loudly, compose stays true."""

import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS_READ = (ROOT / "cqpm/settings/__init__.py").read_text() + (
    ROOT / "cqpm/settings/production.py"
).read_text()


def _check(env: dict[str, str], module: str = "cqpm.settings") -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": module, **env}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        if name not in env:
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "peut-être"),
        ("DATABASE_URL", "nimporte-quoi"),
        ("CELERY_BROKER_URL", "ftp://broker"),
        ("CQPM_SENSITIVE_IDLE_TIMEOUT", "trente"),
    ],
)
def test_it_refuses_a_bad_environment_value_with_a_clear_message(name, value, tmp_path):
    result = _check({name: value, "CQPM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert f"Variable d'environnement {name} invalide" in result.stderr


def test_it_starts_on_the_embedded_defaults(tmp_path):
    result = _check({"CQPM_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_it_refuses_production_settings_without_a_real_secret_key(tmp_path):
    result = _check(
        {
            "CQPM_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "dev-only-short",
            "MFA_ENCRYPTION_KEY": "k",
            "ALLOWED_HOSTS": "example.org",
        },
        module="cqpm.settings.production",
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être une valeur secrète" in result.stderr


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    from credentials.keys import key_generate

    key_generate(path=tmp_path / "credentials" / "issuer-keys.json")
    from cqpm.core.seal import seal_demo_generate

    seal_demo_generate(path=tmp_path / "seal" / "demo-seal.p12")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cqpm.settings.production",
        "CQPM_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s" * 30 + "-production-secret-for-the-test-only-0123456789",
        "MFA_ENCRYPTION_KEY": "another-key",
        "ALLOWED_HOSTS": "cqpm.example.org",
        "SITE_URL": "https://cqpm.example.org",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION = {
    "SECRET_KEY": "s" * 30 + "-production-secret-for-the-test-only-0123456789",
    "MFA_ENCRYPTION_KEY": "another-key",
    "ALLOWED_HOSTS": "cqpm.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "SITE_URL"),
        ("cqpm.example.org", "SITE_URL doit être une adresse absolue"),
        ("http://cqpm.example.org", "SITE_URL doit commencer par https://"),
        ("https://autre.example.org", "n'est pas dans ALLOWED_HOSTS"),
        ("https://cqpm.example.org/app", "ni chemin ni paramètre"),
    ],
)
def test_production_refuses_to_start_without_a_right_site_url(value, message, tmp_path):
    env = {**PRODUCTION, "CQPM_VAR_DIR": str(tmp_path)}
    if value is not None:
        env["SITE_URL"] = value
    result = _check(env, module="cqpm.settings.production")
    assert result.returncode != 0
    assert message in result.stderr


def _import_production(
    env: dict[str, str], tmp_path, code: str = ""
) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with exactly this environment."""
    full_env = {**os.environ, "CQPM_VAR_DIR": str(tmp_path), "SITE_URL": "https://cqpm.example.org"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "MFA_ENCRYPTION_KEY"):
        full_env.pop(name, None)
    if "CREDENTIALS_KEYS" not in env:  # production refuses to start without a signing key
        from credentials.keys import key_generate

        key_generate(path=tmp_path / "issuer-keys.json")
        full_env["CREDENTIALS_KEYS"] = (tmp_path / "issuer-keys.json").read_text()
    if "PDF_SEAL_PKCS12_FILE" not in env:  # nor without the PDF seal's certificate
        from cqpm.core.seal import seal_demo_generate

        seal_demo_generate(path=tmp_path / "seal.p12", passphrase="x")
        full_env.update(PDF_SEAL_PKCS12_FILE=str(tmp_path / "seal.p12"), PDF_SEAL_PASSPHRASE="x")
    full_env.update(env)
    script = "import cqpm.settings.production as s\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=full_env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"MFA_ENCRYPTION_KEY": ""}, "MFA_ENCRYPTION_KEY doit être défini en production"),
        ({"MFA_ENCRYPTION_KEY": "   "}, "MFA_ENCRYPTION_KEY must be set in production"),
        ({"CACHE_URL": None}, "CACHE_URL doit désigner un cache partagé"),
        ({"CACHE_URL": "locmemcache://cqpm"}, "CACHE_URL must name a shared cache"),
        ({"CACHE_URL": "dummycache://"}, "CACHE_URL doit désigner un cache partagé"),
    ],
)
def test_production_refuses_to_start_without_a_shared_cache_or_an_mfa_key(
    change, message, tmp_path
):
    env = {k: v for k, v in {**PRODUCTION, **change}.items() if v is not None}
    result = _import_production(env, tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_refuses_to_start_without_the_pdf_seal(tmp_path):
    result = _import_production(
        {**PRODUCTION, "PDF_SEAL_PKCS12_FILE": str(tmp_path / "absent.p12")}, tmp_path
    )
    assert result.returncode != 0
    assert "Aucun certificat pour le sceau des PDF" in result.stderr


def test_production_writes_json_log_lines(tmp_path):
    code = "import logging.config, logging\nlogging.config.dictConfig(s.LOGGING)\n"
    code += "logging.getLogger('cqpm.test').warning('bonjour %s', 'prod')\n"
    result = _import_production(PRODUCTION, tmp_path, code)

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "bonjour prod" and line["level"] == "WARNING"
    assert line["logger"] == "cqpm.test" and "time" in line


def test_make_run_fills_the_site_url_from_its_own_host_and_port():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export SITE_URL ?= http://$(HOST):$(PORT)" in makefile
    result = _check({"SITE_URL": "http://127.0.0.1:8123"})
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_describes_the_production_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis", "minio", "bucket"}


@pytest.mark.parametrize("service", ["web", "worker"])
def test_web_and_worker_scale_sharing_only_the_database_redis_and_the_bucket(compose, service):
    definition = compose["services"][service]
    assert "container_name" not in definition
    assert "volumes" not in definition  # nothing of one host's disk
    for port in definition.get("ports", []):
        host = str(port).rsplit(":", 1)[0]
        assert "-" in host, f"{port}: a fixed host port allows one container only"
    environment = definition["environment"]
    assert environment["AWS_STORAGE_BUCKET_NAME"] and environment["AWS_S3_ENDPOINT_URL"]
    assert environment["CACHE_URL"].startswith("rediscache://redis:")


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_it_runs_commands_that_exist(compose, service):
    command = compose["services"][service]["command"].split()
    binary = command[0]
    assert (ROOT / ".venv/bin" / binary).exists() or shutil.which(binary), binary
    if binary == "gunicorn":
        module, attr = command[1].split(":")
        assert module == "cqpm.wsgi" and attr == "application"
        __import__(module)
    else:
        assert command[1:3] == ["-A", "cqpm"]
        assert command[3] == {"worker": "worker", "beat": "beat"}[service]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_it_configures_the_app_only_with_variables_the_settings_read(compose, service):
    environment = compose["services"][service]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "cqpm.settings.production"
    for name in environment:
        if name != "DJANGO_SETTINGS_MODULE":
            assert f'"{name}"' in SETTINGS_READ, f"{name} is not read by the settings"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_it_lists_in_the_example_env_file_every_required_production_secret():
    example = (ROOT / ".env.production.example").read_text()
    for name in (
        "SECRET_KEY",
        "MFA_ENCRYPTION_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
        "CREDENTIALS_KEYS",
        "PDF_SEAL_PKCS12_FILE",
        "PDF_SEAL_PASSPHRASE",
    ):
        assert f"{name}=" in example


def test_every_way_of_serving_takes_gunicorns_settings_from_its_one_file(compose):
    """gunicorn.conf.py (read from the working directory: the image's WORKDIR, where `COPY . .`
    puts it) sets processes, threads and timeout; no command line overrides them."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["timeout"] == 60
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "WORKDIR /srv/cqpm/app" in dockerfile and "COPY . ." in dockerfile
    commands = {
        "docker-compose.yml": compose["services"]["web"]["command"],
        "scripts/run.sh": (ROOT / "scripts/run.sh").read_text(),
    }
    for where, command in commands.items():
        assert "gunicorn cqpm.wsgi:application" in command, where
        for option in ("--workers", "--threads", "--worker-class", "--timeout", "-c "):
            assert option not in command, f"{where} overrides gunicorn.conf.py with {option}"


def test_gunicorns_counts_follow_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "1")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["workers"], config["threads"], config["worker_class"]) == (5, 1, "sync")
