"""Text from data, made inert for chat markdown (DingTalk, 浙政钉, WeCom).

Unit names, USCCs, post titles and free text come from imports and forms: in an official group a
``[点我](http://…)`` link, a ``<@all>`` mention or ``**…**`` emphasis inside them must show as
typed, never render. The platforms' markdown dialects do not honour backslash escapes reliably, so
markup characters become their full-width twins (natural in Chinese text), line breaks become
spaces, and ``://`` loses its power to start a link. Links and mentions come only from the
product's own templates, which never pass through here.
"""

from __future__ import annotations

_FULL_WIDTH = str.maketrans({
    "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊", "_": "＿", "#": "＃", "<": "＜", ">": "＞",
    "`": "｀", "|": "｜", "~": "～", "@": "＠", "!": "！", "\\": "＼", "\r": " ", "\n": " ", "\t": " ",
})


def inert(text: object) -> str:
    """``text`` as plain words in any of the chat platforms' markdown."""
    return str(text).translate(_FULL_WIDTH).replace("://", "：//")
