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
    selfcheck_min_per_month: int = 2  # 自查: counting checks a unit owes per calendar month
    selfcheck_min_days_apart: int = 0  # 自查: a check counts only this many days after the previous counting one
    selfcheck_retire_months: int = 6  # 自查: the section lists persons reaching retirement within this many months
    lock_enabled: bool = True  # 锁定: the month-end job locks units short of selfcheck_min_per_month
    # 月度评分 (models/scores/weights.py): points taken from 100 per deduction, the preview window for
    # appeals, the size of the red and black lists and the fewest persons a ranked unit holds.
    score_weight_s1: float = 5.0           # an S1 warning open at month end
    score_weight_s2: float = 2.0           # an S2 warning open at month end
    score_weight_overdue: float = 3.0      # a warning past its deadline at month end (on top of S1/S2)
    score_weight_late: float = 1.0         # a warning fixed during the month after its deadline
    score_weight_selfcheck: float = 5.0    # each self-check missing from selfcheck_min_per_month
    score_weight_read: float = 1.0         # 已读未办: opened from a chat link, still open at month end
    score_weight_item: float = 2.0         # an approval item returned to the unit, unanswered too long
    score_weight_task: float = 3.0         # a task to units not fed back by its deadline
    score_item_answer_days: int = 10       # days a returned item may wait for the unit's answer
    score_preview_days: int = 5            # appeals are open this many days after the draft
    score_min_persons: int = 3             # units with fewer persons are listed apart, not ranked
    list_size: int = 10                    # red list (top N) and black list (bottom N) per ranking scope
    # 三色管理 (models/colours/rules.py): red > yellow > green, each rule a setting, shown with the colour.
    colour_red_overdue_s1: int = 1  # red: at least this many 严重预警 overdue at month end
    colour_red_rules: tuple[str, ...] = ("C1_OVER_QUOTA", "C5_OVER_POSTS", "C5_BODY_OVER_POSTS")  # 超编/超职 open
    colour_red_score_below: int = 60  # red: a monthly score below this (once scores exist)
    colour_yellow_open_s1: int = 1  # yellow: at least this many open 严重预警
    colour_use_low: float = 0.8  # yellow: 编制使用率 (实有/核定) below this (空编闲置)
    colour_use_high: float = 1.0  # yellow: above this (red when the 超编 rule has fired)
    colour_red_hold_days: int = 30  # red holds new 用编/用职 items this many days after the month ends
    tip_appoint_doc_days: int = 30  # 首页提示: a leader appointed this long ago without 任免文号 is a tip
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
