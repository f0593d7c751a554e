"""Name pools for generated persons and townships.

Surname weights are per-mille population shares rounded from the published 2020 census surname
ranking (top 100, plus a few surnames common in Zhejiang and some compound ones); they are
approximate on purpose: only the shape of the distribution matters for test data. Given names are
drawn from character pools by sex, with older cohorts favouring the characters of their era.
"""

from __future__ import annotations

from bisect import bisect
from itertools import accumulate
from random import Random

_SURNAME_TABLE = """
王71 李70 张67 刘51 陈46 杨32 黄25 赵22 吴21 周19 徐15 孙14 马13 朱13 胡12 郭11 何11 林10
高10 罗10 郑9 梁8 谢7 宋7 唐7 许6 韩6 邓6 冯6 曹6 彭6 曾5 肖5 田5 董5 潘5 袁5 蔡5 蒋5 余5
于5 杜5 叶5 程4 魏4 苏4 吕4 丁4 任4 卢4 姚4 沈4 钟4 姜4 崔4 谭3 陆3 范3 汪3 廖3 石3 金3
韦3 贾3 夏3 付3 方3 邹3 熊3 白3 孟3 秦3 邱3 侯2 江2 尹2 薛2 闫2 段2 雷2 龙2 黎2 史2 陶2
贺2 毛2 郝2 顾2 龚2 邵2 万2 钱2 严2 戴2 俞1 章1 应1 楼1 倪1 童1 鲍1 舒1 柴1 孔1 汤1 常1
"""
# Compound surnames are rare (well under 0.1 per mille each) but real users have them.
_COMPOUND = {"欧阳": 0.4, "上官": 0.1, "司马": 0.1, "诸葛": 0.05}


def _parse_surnames() -> list[tuple[str, float]]:
    pairs = [(entry[0], float(entry[1:])) for entry in _SURNAME_TABLE.split()]
    return pairs + list(_COMPOUND.items())


SURNAMES: tuple[tuple[str, float], ...] = tuple(_parse_surnames())

MALE_CHARS = "伟强磊军勇杰涛斌浩鹏超明刚辉俊峰建志海东宇博彬鑫凯健毅翔晨飞龙锋亮波成林坤昊宁哲睿航"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪琳颖慧洁倩佳怡欣悦梅萍蕾瑶璐莉娇琴丹妍媛露岚婕薇晶"
SHARED_CHARS = "文晓思雨子嘉亚春秋一诗宏立永金小新天晨安宁逸清"
# Characters typical of names given before the mid-1970s (建国, 红英, 卫东 …).
OLD_MALE_CHARS = "建国华军平明卫东忠德福荣红兵"
OLD_FEMALE_CHARS = "红英芳玲秀兰凤珍华萍梅霞桂"

TOWN_FIRST = "梅竹溪石桥龙凤云青白金银东西南新古长高横灵天双清安和杏桃柳枫松鹤仙塘湖泉杭良孝"
TOWN_SECOND = "溪山桥塘坪岭口湾港浦埠头坞田川洋河林庄峰岙渡墅里"


class NamePicker:
    """Draws surnames by weight and given names by sex and birth year; all draws from ``rng``."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = list(accumulate(w for _, w in SURNAMES))
        self._total = self._cum[-1]

    def surname(self) -> str:
        return self._surnames[bisect(self._cum, self.rng.random() * self._total)]

    def given(self, male: bool, birth_year: int) -> str:
        # Always four draws, whatever the branch: the same number of draws per person keeps the
        # persons after a defect the same in file and database output.
        draw = self.rng.random
        era, last_at, single, first_at = draw(), draw(), draw(), draw()
        pool = MALE_CHARS if male else FEMALE_CHARS
        if birth_year < 1975 and era < 0.5:
            pool = OLD_MALE_CHARS if male else OLD_FEMALE_CHARS
        last = pool[int(last_at * len(pool))]
        if single < 0.2:  # one-character given names are common among older people
            return last
        first_pool = pool + SHARED_CHARS
        return first_pool[int(first_at * len(first_pool))] + last

    def full(self, male: bool, birth_year: int) -> str:
        return self.surname() + self.given(male, birth_year)


def town_names(rng: Random, count: int) -> list[str]:
    """``count`` distinct two-character place names (without the 镇/乡/街道 suffix)."""
    if count > len(TOWN_FIRST) * (len(TOWN_SECOND) - 1):
        raise ValueError("too many townships for the name pool")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND)
        if name not in seen and name[0] != name[1]:
            seen.add(name)
            names.append(name)
    return names
