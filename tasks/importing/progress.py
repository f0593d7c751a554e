"""Progress reporting for long commands: a bar on a terminal, silence elsewhere (tests, pipes, CI)."""

from __future__ import annotations

import sys
from typing import Protocol


class Progress(Protocol):
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...


class Silent:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def bar(total: int | None, description: str, unit: str = "行") -> Progress:
    """A tqdm bar on stderr when stderr is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return Silent()
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, unit_scale=True,  # type: ignore[no-any-return]
                dynamic_ncols=True, file=sys.stderr)
