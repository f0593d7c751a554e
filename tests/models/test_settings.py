from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from models.core.settings import Settings


def test_it_reads_secrets_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("BZOPS_SECRET_KEY_FILE", str(secret))
    assert Settings.load(var_dir=tmp_path).secret_key.get_secret_value() == "from-a-file"


def test_production_requires_real_keys(tmp_path: Path):
    with pytest.raises(ValidationError, match="BZOPS_SECRET_KEY is required"):
        Settings.load(env="production", var_dir=tmp_path)


def test_development_generates_keys_once_and_keeps_them(tmp_path: Path):
    first = Settings.load(var_dir=tmp_path)
    second = Settings.load(var_dir=tmp_path)
    assert first.data_key_bytes == second.data_key_bytes and len(first.data_key_bytes) == 32
    assert (tmp_path / "data_key.dev").stat().st_mode & 0o777 == 0o600


def test_it_defaults_to_the_embedded_database():
    assert Settings().database_url == "sqlite+aiosqlite:///./var/bzops.db" and Settings().is_sqlite


def test_zzd_defaults_to_the_government_production_host_and_so_does_the_example():
    production = "https://openplatform-pro.ding.zj.gov.cn"
    assert Settings().zzd_api_url == production
    example = (Path(__file__).resolve().parents[2] / "deploy" / "env.example").read_text(encoding="utf-8")
    assert f"\nBZOPS_ZZD_API_URL={production}\n" in example
