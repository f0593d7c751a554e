"""What a government level consists of: its departments (in order of importance) and the 事业单位
that hang under them, with county-scale establishment ranges (tree.py scales them per level).

Name patterns: ``{r}`` is the region (安吉县), ``{o}`` 办公厅/办公室 and ``{b}`` 厅/局 by level,
``{n}`` a Chinese ordinal for numbered institutions (第二中学). The first twenty departments cover
every unit kind, so even a small tree shows 党委, 人大, 政府, 政协, 纪委监委, 法院, 检察院 and 群团.
公安 and 司法行政 are left out: they hold 政法专项编制 in reality, which the unit-kind vocabulary
cannot tell apart from 混编 (rule C4 allows ZF only in 法院/检察院 kinds).
"""

from __future__ import annotations

from dataclasses import dataclass

Range = tuple[int, int]


@dataclass(frozen=True)
class Dept:
    key: str
    kind: str
    name: str  # pattern, or "province|city|county" patterns
    xz: Range
    gq: Range = (1, 2)
    zf: Range = (0, 0)
    chief: str = "局长"
    group: str | None = None

    def pattern(self, level: str) -> str:
        forms = self.name.split("|")
        return forms[0] if len(forms) == 1 else forms[{"20": 0, "40": 1}.get(level, 2)]


@dataclass(frozen=True)
class Inst:
    name: str
    sy: Range
    funding: str = "全额拨款"
    cangong: bool = False
    chief: str = "主任"
    profession: str = "general"  # school / hospital / general: drives post and professional titles
    numbered: bool = False  # an open-ended series (第一中学, 第二中学 …)


DEPARTMENTS: tuple[Dept, ...] = (
    Dept("party_office", "party", "中共{r}委{o}", (12, 20), (2, 4), chief="主任", group="party_office"),
    Dept("organization", "party", "中共{r}委组织部", (15, 25), chief="部长", group="organization"),
    Dept("bianban", "party", "中共{r}委机构编制委员会办公室", (6, 10), (0, 1), chief="主任"),
    Dept("npc", "npc", "{r}人大常委会{o}", (10, 18), (1, 3), chief="主任"),
    Dept("gov_office", "gov", "{r}人民政府{o}", (15, 25), (2, 4), chief="主任", group="gov_office"),
    Dept("cppcc", "cppcc", "政协{r}委员会{o}", (8, 14), chief="主任"),
    Dept("discipline", "discipline", "中共{r}纪委{r}监委", (30, 50), (2, 4), chief="书记"),
    Dept("court", "court", "浙江省高级人民法院|{r}中级人民法院|{r}人民法院", (4, 8), (3, 6), (45, 75),
         chief="院长"),
    Dept("procuratorate", "procuratorate", "{r}人民检察院", (3, 6), (2, 4), (28, 45), chief="检察长"),
    Dept("union", "mass", "{r}总工会", (5, 9), (0, 1), chief="主席"),
    Dept("education", "gov", "{r}教育{b}", (12, 20), chief="局长", group="education"),
    Dept("health", "gov", "浙江省卫生健康委员会|{r}卫生健康委员会|{r}卫生健康局", (12, 20), chief="主任",
         group="health"),
    Dept("finance", "gov", "{r}财政{b}", (18, 28), group="finance"),
    Dept("hrss", "gov", "{r}人力资源和社会保障{b}", (14, 22), group="hrss"),
    Dept("propaganda", "party", "中共{r}委宣传部", (10, 16), chief="部长", group="propaganda"),
    Dept("youth", "mass", "共青团{r}委员会", (4, 7), (0, 1), chief="书记"),
    Dept("women", "mass", "{r}妇女联合会", (4, 7), (0, 1), chief="主席"),
    Dept("commerce_fed", "democratic", "{r}工商业联合会", (4, 7), (0, 1), chief="主席"),
    Dept("united_front", "party", "中共{r}委统战部", (8, 14), chief="部长"),
    Dept("politics_law", "party", "中共{r}委政法委员会", (8, 14), chief="书记"),
    Dept("ndrc", "gov", "浙江省发展和改革委员会|{r}发展和改革委员会|{r}发展和改革局", (14, 22), group="ndrc"),
    Dept("economy", "gov", "{r}经济和信息化{b}", (10, 16)),
    Dept("natural_resources", "gov", "{r}自然资源和规划{b}", (16, 26), group="natural_resources"),
    Dept("housing", "gov", "{r}住房和城乡建设{b}", (12, 20), group="housing"),
    Dept("transport", "gov", "{r}交通运输{b}", (10, 16), group="transport"),
    Dept("agriculture", "gov", "{r}农业农村{b}", (14, 22), group="agriculture"),
    Dept("water", "gov", "{r}水利{b}", (8, 14), group="water"),
    Dept("culture", "gov", "{r}文化广电旅游{b}", (12, 18), group="culture"),
    Dept("civil", "gov", "{r}民政{b}", (10, 16), group="civil"),
    Dept("market", "gov", "{r}市场监督管理局", (30, 50), (2, 3), group="market"),
    Dept("audit", "gov", "{r}审计{b}", (10, 16)),
    Dept("statistics", "gov", "{r}统计局", (8, 12)),
    Dept("emergency", "gov", "{r}应急管理{b}", (10, 16)),
    Dept("veterans", "gov", "{r}退役军人事务{b}", (8, 12), group="veterans"),
    Dept("medical_insurance", "gov", "{r}医疗保障局", (8, 12), group="medical_insurance"),
    Dept("science", "gov", "{r}科学技术{b}", (8, 12)),
    Dept("commerce", "gov", "{r}商务{b}", (8, 14)),
    Dept("data", "gov", "{r}数据局", (6, 10), group="data"),
    Dept("petition", "gov", "{r}信访局", (6, 10)),
    Dept("affairs", "gov", "{r}机关事务管理局", (8, 12), (3, 6), group="affairs"),
    Dept("science_assoc", "mass", "{r}科学技术协会", (4, 6), (0, 1), chief="主席"),
    Dept("disabled", "mass", "{r}残疾人联合会", (4, 6), (0, 1), chief="理事长"),
    Dept("veteran_cadres", "party", "中共{r}委老干部局", (6, 10)),
    Dept("cyberspace", "party", "中共{r}委网络安全和信息化委员会办公室", (5, 8), chief="主任"),
    Dept("social_work", "party", "中共{r}委社会工作部", (6, 10), chief="部长"),
)

INSTITUTIONS: dict[str, tuple[Inst, ...]] = {
    "party_office": (Inst("{r}档案馆", (10, 18), cangong=True, chief="馆长"),
                     Inst("{r}史志研究中心", (4, 8))),
    "organization": (Inst("中共{r}委党校", (15, 30), cangong=True, chief="常务副校长"),),
    "gov_office": (Inst("{r}政务服务中心", (15, 25)), Inst("{r}人民政府发展研究中心", (6, 10))),
    "education": (Inst("{r}教育发展研究中心", (10, 18)),
                  Inst("{r}职业教育中心学校", (60, 100), chief="校长", profession="school"),
                  Inst("{r}第{n}中学", (50, 110), chief="校长", profession="school", numbered=True),
                  Inst("{r}第{n}小学", (35, 80), chief="校长", profession="school", numbered=True),
                  Inst("{r}第{n}幼儿园", (12, 28), chief="园长", profession="school", numbered=True)),
    "health": (Inst("{r}人民医院", (250, 450), "差额拨款", chief="院长", profession="hospital"),
               Inst("{r}中医院", (120, 250), "差额拨款", chief="院长", profession="hospital"),
               Inst("{r}疾病预防控制中心", (40, 70), profession="hospital"),
               Inst("{r}妇幼保健院", (60, 120), "差额拨款", chief="院长", profession="hospital"),
               Inst("{r}第{n}社区卫生服务中心", (20, 40), "差额拨款", profession="hospital", numbered=True)),
    "finance": (Inst("{r}财政国库支付中心", (8, 14), cangong=True), Inst("{r}政府采购中心", (5, 8))),
    "hrss": (Inst("{r}社会保险事业管理中心", (15, 30), cangong=True),
             Inst("{r}就业管理服务中心", (8, 14)), Inst("{r}劳动人事争议仲裁院", (5, 8), chief="院长")),
    "propaganda": (Inst("{r}融媒体中心", (60, 120), "差额拨款"), Inst("{r}网络舆情研究中心", (4, 8))),
    "ndrc": (Inst("{r}重点建设项目服务中心", (8, 14)), Inst("{r}价格认证中心", (4, 6))),
    "natural_resources": (Inst("{r}不动产登记服务中心", (20, 40), "差额拨款"), Inst("{r}土地储备中心", (6, 12)),
                          Inst("{r}林业技术推广中心", (10, 20))),
    "housing": (Inst("{r}建设工程质量安全管理中心", (15, 25)), Inst("{r}房产管理服务中心", (8, 14))),
    "transport": (Inst("{r}公路与运输管理中心", (40, 80), cangong=True),),
    "agriculture": (Inst("{r}农业技术推广中心", (25, 50)), Inst("{r}畜牧兽医中心", (10, 20)),
                    Inst("{r}农村经营管理站", (5, 10), chief="站长")),
    "water": (Inst("{r}水利水电工程管理中心", (15, 25)), Inst("{r}水文站", (5, 10), chief="站长")),
    "culture": (Inst("{r}图书馆", (15, 25), chief="馆长"), Inst("{r}文化馆", (12, 20), chief="馆长"),
                Inst("{r}博物馆", (10, 18), chief="馆长"), Inst("{r}体育运动中心", (6, 12))),
    "civil": (Inst("{r}社会福利院", (10, 20), "差额拨款", chief="院长"),
              Inst("{r}殡仪馆", (12, 24), "自收自支", chief="馆长")),
    "market": (Inst("{r}检验检测中心", (20, 40), "差额拨款"),),
    "veterans": (Inst("{r}退役军人服务中心", (6, 10)),),
    "medical_insurance": (Inst("{r}医疗保障服务中心", (10, 16), cangong=True),),
    "data": (Inst("{r}大数据发展中心", (8, 14)),),
    "affairs": (Inst("{r}机关后勤服务中心", (10, 20), "自收自支"),),
}

# Weights for sharing out a government's institutions: schools and hospitals dominate real trees.
GROUP_WEIGHTS = {"education": 8.0, "health": 3.0}

TOWNSHIP_OFFICE = Dept("township_office", "party", "{t}党政办公室", (4, 8), (0, 0), chief="主任")
TOWNSHIP_STATIONS: tuple[Inst, ...] = (
    Inst("{t}农业农村服务中心", (4, 10)),
    Inst("{t}社会事务综合服务中心", (5, 12)),
    Inst("{t}便民服务中心", (3, 6)),
    Inst("{t}村镇建设管理服务中心", (3, 8)),
    Inst("{t}文化站", (2, 4), chief="站长"),
)

_DIGITS = "零一二三四五六七八九"


def ordinal(n: int) -> str:
    """Chinese numerals for 1–999 as used in school names: 一, 十二, 二十, 一百零五 (then digits)."""
    if n >= 1000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else ordinal(rest).replace("十", "一十", rest < 20))
    return _DIGITS[n // 100] + "百" + tail
