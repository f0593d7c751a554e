"""The channel interface: the message, the receipt, the one error type and the size splitter.

Channels take a parsed ``Config`` and a ``Message`` (never ORM rows or sessions), so they are
testable without a database. Outcomes are data: a list of ``Receipt`` on success, one
``ChannelError`` on failure; the caller (the outbox job) records either as a delivery row.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.http import ApiClient
    from models.core.settings import Settings

CONTINUED = "（续 {k}/{n}）"
# Size the frame for the longest continuation title we could produce, so the split never
# has to be redone once the number of parts is known.
_WORST_SUFFIX = CONTINUED.format(k=999, n=999)
_WORST_KEY_SUFFIX = "-p999"
_SEPARATORS = ("\n\n", "\n")  # paragraphs first, then lines, then characters
MIN_BUDGET = 64


@dataclass(frozen=True)
class Button:
    """A card button: a label and the URL it opens (a signed action link or a portal page)."""

    label: str
    url: str


@dataclass(frozen=True)
class Message:
    """One notification, platform-neutral.

    ``body`` is Markdown; ``text`` is a plain-text fallback. ``link`` is a portal URL shown as a
    button (``action_label``). ``at_mobiles``/``at_user_ids`` are @-mentions in group chats;
    who receives a work notification or an SMS is the channel config's business, not the
    message's. ``idempotency_key`` becomes DingTalk ``msgUuid`` / 浙政钉 ``bizMsgId`` / SMS
    ``OutId``. ``buttons`` are the card's own buttons (全部确认, 逐条处理); channels with cards show
    them as buttons, the others as link lines, and ``link`` stays the portal fallback. SMS sends
    ``template_params`` with the approved template (``template_code`` overrides the channel's
    default); other channels ignore both.
    """

    title: str
    body: str
    text: str = ""
    link: str | None = None
    action_label: str = "查看详情"
    at_mobiles: tuple[str, ...] = ()
    at_user_ids: tuple[str, ...] = ()
    urgent: bool = False
    idempotency_key: str = ""
    template_params: dict[str, str] = field(default_factory=dict)
    template_code: str | None = None
    buttons: tuple[Button, ...] = ()

    @property
    def headline(self) -> str:
        """The title as shown to people: urgent messages say so first."""
        return f"【紧急】{self.title}" if self.urgent else self.title

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        """The card's buttons, then the portal link (the fallback every card keeps)."""
        portal = (Button(self.action_label, self.link),) if self.link else ()
        return (*self.buttons, *portal)


@dataclass(frozen=True)
class Receipt:
    """What the platform said about one delivered part.

    ``key`` is the part's idempotency key, ``message_id`` the platform's id (SMS ``BizId``),
    ``request_id`` the platform's request id, ``status`` the raw status (``"errcode=0 ok"``).
    """

    key: str
    message_id: str | None
    request_id: str | None
    status: str


class ChannelError(Exception):
    """The one error channels raise.

    ``permanent``: retrying cannot help (bad token, bad signature, removed robot); the caller
    should disable the channel and tell an admin. ``rate_limited``: the target is throttled;
    pause it for ``retry_after`` seconds; with ``hold="recipient"`` only the recipient (an SMS
    number under flow control) waits, not the target. Otherwise the error is transient: retry
    with backoff.
    ``message`` is Chinese text fit for the portal's delivery history and never holds secrets.
    """

    def __init__(self, message: str, *, permanent: bool = False, rate_limited: bool = False,
                 retry_after: float | None = None, code: str | None = None,
                 hold: Literal["target", "recipient"] = "target") -> None:
        super().__init__(message)
        self.hold = hold
        self.message = message
        self.permanent = permanent and not rate_limited
        self.rate_limited = rate_limited
        self.retry_after = retry_after
        self.code = code

    def __repr__(self) -> str:
        flags = "permanent" if self.permanent else "rate_limited" if self.rate_limited else "transient"
        return f"ChannelError({self.message!r}, {flags}, code={self.code!r})"


ConfigT = TypeVar("ConfigT", bound=BaseModel)


class Channel(ABC, Generic[ConfigT]):
    """A way to reach people. Subclasses set the class attributes and implement ``send_part``.

    ``Config`` is the pydantic model of the per-target settings (secrets as ``SecretStr``);
    ``max_bytes`` is the platform's size limit as measured by ``measure`` (``None``: no limit).
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    Config: ClassVar[type[BaseModel]]
    max_bytes: ClassVar[int | None] = None

    def __init__(self, config: ConfigT, *, http: ApiClient, settings: Settings) -> None:
        if not isinstance(config, self.Config):
            raise TypeError(f"{type(self).__name__} needs {self.Config.__name__}, got {type(config).__name__}")
        self.config = config
        self.http = http
        self.settings = settings

    async def send(self, message: Message) -> list[Receipt]:
        """Deliver ``message``, split into parts if it is over ``max_bytes``; one receipt per part.

        Raises ``ChannelError`` on the first part that fails. Parts sent before it stay sent;
        re-sending the same message re-uses the same part keys, so platforms that de-duplicate
        (DingTalk ``msgUuid``, 浙政钉 ``bizMsgId``) deliver each part once.
        """
        return [await self.send_part(part) for part in self.split(message)]

    @abstractmethod
    async def send_part(self, part: Message) -> Receipt:
        """Deliver one part that fits the limits. Raises ``ChannelError``."""

    def measure(self, part: Message) -> int:
        """The size the platform limit applies to, in bytes (default: title and body as JSON)."""
        return json_cost(part.title) + json_cost(part.body)

    def split(self, message: Message) -> list[Message]:
        """Split ``message`` so that every part measures at most ``max_bytes``.

        The body is cut on paragraph, then line, then character boundaries (never inside a
        UTF-8 sequence). Parts 2..n get a "（续 k/n）" title; with several parts each key is
        ``key-pk``; @-mentions stay on the first part only so nobody is pinged n times.
        Raises a permanent ``ChannelError`` when even an empty body does not fit.
        """
        if self.max_bytes is None or self.measure(message) <= self.max_bytes:
            return [message]
        # Later parts carry no mentions, which can change the layout (DingTalk: card vs markdown).
        frames = (_worst_case_frame(message), _worst_case_frame(replace(message, at_mobiles=(), at_user_ids=())))
        budget = self.max_bytes - max(self.measure(frame) for frame in frames)
        if budget < MIN_BUDGET:
            raise ChannelError(f"{self.label}：标题或附加内容过长，消息无法拆分发送", permanent=True, code="too_large")
        bodies = split_text(message.body, budget)
        parts = [_part(message, body, k, len(bodies)) for k, body in enumerate(bodies, 1)]
        if any(self.measure(part) > self.max_bytes for part in parts):
            raise ChannelError(f"{self.label}：消息拆分后仍超过大小限制", permanent=True, code="too_large")
        return parts


def json_cost(text: str) -> int:
    """UTF-8 bytes of ``text`` escaped inside a JSON string: the unit the platform limits count.

    Escaping is per character, so the cost of a concatenation is the sum of the costs.
    """
    return len(json.dumps(text, ensure_ascii=False).encode()) - 2


def split_text(text: str, budget: int, cost: Callable[[str], int] = json_cost) -> list[str]:
    """Cut ``text`` into chunks of at most ``budget`` (by ``cost``), preferring paragraph breaks."""
    if budget < 8:  # a single escaped character can cost 6 bytes
        raise ValueError("budget too small")
    return [chunk for chunk in _pack(text, budget, cost, 0) if chunk.strip()]


def _pack(text: str, budget: int, cost: Callable[[str], int], level: int) -> list[str]:
    if cost(text) <= budget:
        return [text]
    if level == len(_SEPARATORS):
        return _cut_chars(text, budget, cost)
    sep = _SEPARATORS[level]
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for piece in text.split(sep):
        size = cost(piece)
        if size > budget:
            chunks += [sep.join(current), *_pack(piece, budget, cost, level + 1)]
            current, used = [], 0
            continue
        extra = size + (cost(sep) if current else 0)
        if used + extra > budget:
            chunks.append(sep.join(current))
            current, used, extra = [], 0, size
        current.append(piece)
        used += extra
    return [*chunks, sep.join(current)]


def _cut_chars(text: str, budget: int, cost: Callable[[str], int]) -> list[str]:
    # Iterating a str yields code points, so a cut never lands inside a UTF-8 sequence.
    chunks: list[str] = []
    start = used = 0
    for index, char in enumerate(text):
        size = cost(char)
        if used + size > budget:
            chunks.append(text[start:index])
            start, used = index, 0
        used += size
    chunks.append(text[start:])
    return chunks


def _worst_case_frame(message: Message) -> Message:
    key = message.idempotency_key + _WORST_KEY_SUFFIX if message.idempotency_key else ""
    return replace(message, body="", text="", title=message.title + _WORST_SUFFIX, idempotency_key=key)


def _part(message: Message, body: str, k: int, n: int) -> Message:
    first = k == 1
    key = message.idempotency_key
    return replace(
        message,
        body=body,
        text=body,
        title=message.title if first else message.title + CONTINUED.format(k=k, n=n),
        idempotency_key=f"{key}-p{k}" if key and n > 1 else key,
        at_mobiles=message.at_mobiles if first else (),
        at_user_ids=message.at_user_ids if first else (),
    )
