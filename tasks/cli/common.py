"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from models.core.runtime import Runtime, runtime
from models.core.settings import Settings

T = TypeVar("T")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def settings_of(ctx: click.Context) -> Settings:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Settings.load()
    return root.obj  # type: ignore[no-any-return]


def run_async(ctx: click.Context, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def _go() -> T:
        async with runtime(settings_of(ctx)) as rt:
            return await work(rt)
    return asyncio.run(_go())


def fail(message: str, code: int = 1) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(code)




def path_arg(exists: bool = True) -> Any:
    return click.Path(exists=exists, dir_okay=False, path_type=Path)
