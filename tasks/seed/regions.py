"""Zhejiang's current divisions (GB/T 2260 codes), the geography of generated trees.

Only codes that python-stdnum's address table knows are listed (临平区 330113 and 钱塘区 330114,
created in 2021, are left out), so generated ID numbers never trip the advisory rule A5.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = ("330000", "浙江省")

_CITIES = """
330100 杭州市: 330102 上城区, 330105 拱墅区, 330106 西湖区, 330108 滨江区, 330109 萧山区, 330110 余杭区,
  330111 富阳区, 330112 临安区, 330122 桐庐县, 330127 淳安县, 330182 建德市
330200 宁波市: 330203 海曙区, 330205 江北区, 330206 北仑区, 330211 镇海区, 330212 鄞州区, 330213 奉化区,
  330225 象山县, 330226 宁海县, 330281 余姚市, 330282 慈溪市
330300 温州市: 330302 鹿城区, 330303 龙湾区, 330304 瓯海区, 330305 洞头区, 330324 永嘉县, 330326 平阳县,
  330327 苍南县, 330328 文成县, 330329 泰顺县, 330381 瑞安市, 330382 乐清市, 330383 龙港市
330400 嘉兴市: 330402 南湖区, 330411 秀洲区, 330421 嘉善县, 330424 海盐县, 330481 海宁市, 330482 平湖市,
  330483 桐乡市
330500 湖州市: 330502 吴兴区, 330503 南浔区, 330521 德清县, 330522 长兴县, 330523 安吉县
330600 绍兴市: 330602 越城区, 330603 柯桥区, 330604 上虞区, 330624 新昌县, 330681 诸暨市, 330683 嵊州市
330700 金华市: 330702 婺城区, 330703 金东区, 330723 武义县, 330726 浦江县, 330727 磐安县, 330781 兰溪市,
  330782 义乌市, 330783 东阳市, 330784 永康市
330800 衢州市: 330802 柯城区, 330803 衢江区, 330822 常山县, 330824 开化县, 330825 龙游县, 330881 江山市
330900 舟山市: 330902 定海区, 330903 普陀区, 330921 岱山县, 330922 嵊泗县
331000 台州市: 331002 椒江区, 331003 黄岩区, 331004 路桥区, 331022 三门县, 331023 天台县, 331024 仙居县,
  331081 温岭市, 331082 临海市, 331083 玉环市
331100 丽水市: 331102 莲都区, 331121 青田县, 331122 缙云县, 331123 遂昌县, 331124 松阳县, 331125 云和县,
  331126 庆元县, 331127 景宁畲族自治县, 331181 龙泉市
"""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # models.enums.Level code of the government seated here

    @property
    def abbr(self) -> str:
        """The one-character abbreviation used in document numbers (湖委编, 安委编 …)."""
        return self.name[0]


@dataclass(frozen=True)
class City:
    region: Region
    counties: tuple[Region, ...]


def _parse() -> tuple[City, ...]:
    # One city per line; indented lines continue the county list of the line above.
    text = _CITIES.strip().replace("\n  ", " ")
    cities = []
    for line in text.splitlines():
        head, _, rest = line.partition(":")
        code, name = head.split()
        pairs = (item.split() for item in rest.split(","))
        cities.append(City(Region(code, name, "40"), tuple(Region(c, n, "50") for c, n in pairs)))
    return tuple(cities)


CITIES: tuple[City, ...] = _parse()
ZHEJIANG = Region(*PROVINCE, "20")
