"""Settings: one pydantic-settings class, env prefix ``BZOPS_``, built once and passed down.

Nothing here is read at import time: call :meth:`Settings.load` in the process entry point.
Secrets may also come from ``BZOPS_<NAME>_FILE`` (Docker/systemd credentials).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("secret_key", "data_key", "database_url", "redis_url", "dingtalk_app_secret", "zzd_app_secret")
DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./var/bzops.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BZOPS_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    var_dir: Path = Path("var")
    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str = "redis://127.0.0.1:6379/0"
    secret_key: SecretStr = SecretStr("")
    data_key: SecretStr = SecretStr("")
    public_url: str = "http://127.0.0.1:8080"
    tz: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8080
    session_hours: int = 12  # absolute session lifetime, however active
    session_idle_minutes: int = 30  # a session unused this long ends
    login_max_failures: int = 5  # wrong passwords per login name before a temporary block
    login_ip_max_failures: int = 20  # per client address (higher: one office behind NAT shares one)
    web_parallel_workers: int = 0  # PostgreSQL parallel workers per query in web processes (see db.create_engine)
    web_random_page_cost: float = 1.1  # PostgreSQL planner's random-read cost in web processes (db.create_engine)
    sqlite_busy_ms: int = 10000  # SQLite: how long a write waits for another writer before "busy"
    # Outside platforms: every base URL is a setting so tests can point them at local fakes.
    dingtalk_api_url: str = "https://oapi.dingtalk.com"
    dingtalk_new_api_url: str = "https://api.dingtalk.com"
    # 浙政钉 production (reached from the 政务外网); the SaaS/test host is openplatform.dg-work.cn.
    zzd_api_url: str = "https://openplatform-pro.ding.zj.gov.cn"
    wecom_api_url: str = "https://qyapi.weixin.qq.com"
    aliyun_sms_url: str = "https://dysmsapi.aliyuncs.com"
    allow_private_urls: bool = False
    import_chunk_rows: int = 5000
    snooze_max_days: int = 90  # a warning is muted for at most this long
    task_remind_workdays: int = 2  # 任务流转: units are reminded daily from this many working days before a deadline
    item_escalate_workdays: int = 2  # 事项: a step this many working days overdue is told to the leaders daily
    attachment_quota_mb: int = 200  # per uploader, all 情况说明 attachments together
    # Acting from chat: card buttons (action links), the app robot and 免登 (see bot/ and portal/views/links.py).
    action_link_hours: int = 72  # a card button works this long (a Friday digest still works on Monday)
    dingtalk_corp_id: str = ""  # pinned: getuserinfo does not return it
    dingtalk_app_key: str = ""  # the enterprise internal app (robot callbacks, Stream mode, 免登)
    dingtalk_app_secret: SecretStr = SecretStr("")
    zzd_app_key: str = ""  # the 浙政钉 app (免登 through /rpc/oauth2/dingtalk_app_user.json)
    zzd_app_secret: SecretStr = SecretStr("")
    zzd_tenant_id: str = ""
    # Scans: incremental every few minutes, full nightly (cron fields of the arq worker).
    scan_every_minutes: int = 5
    full_scan_hour: int = 2
    full_scan_minute: int = 15

    @model_validator(mode="after")
    def _require_keys_in_production(self) -> Settings:
        if self.env == "production":
            for name in ("secret_key", "data_key"):
                if not getattr(self, name).get_secret_value():
                    raise ValueError(f"BZOPS_{name.upper()} is required when BZOPS_ENV=production")
        return self

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Build settings from the environment, ``*_FILE`` secrets, then ``overrides``."""
        from_files = {name: _read_secret_file(name) for name in SECRET_FIELDS}
        values = {k: v for k, v in from_files.items() if v is not None}
        settings = cls(**{**values, **overrides})
        return settings.with_dev_keys()

    def with_dev_keys(self) -> Settings:
        """In development, generate missing keys once into ``var/`` (loudly), never in production."""
        if self.env == "production":
            return self
        updates: dict[str, SecretStr] = {}
        for name in ("secret_key", "data_key"):
            if not getattr(self, name).get_secret_value():
                updates[name] = SecretStr(_dev_key(self.var_dir / f"{name}.dev", name))
        return self.model_copy(update=updates) if updates else self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def data_key_bytes(self) -> bytes:
        raw = self.data_key.get_secret_value()
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        if len(key) != 32:
            raise ValueError("BZOPS_DATA_KEY must be 32 bytes, urlsafe-base64 encoded")
        return key


def _read_secret_file(name: str) -> str | None:
    path = os.environ.get(f"BZOPS_{name.upper()}_FILE")
    return Path(path).read_text(encoding="utf-8").strip() if path else None


def _dev_key(path: Path, name: str) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    path.write_text(key, encoding="ascii")
    path.chmod(0o600)
    logger.warning(
        "!!! BZOPS_%s not set: generated a development key into %s. "
        "Back it up; production requires BZOPS_%s. !!!", name.upper(), path, name.upper(),
    )
    return key
