"""Traffic simulator: other agencies' events, as they would publish them (CONTRACTS.md section 1).

For demos, tests and benchmarks. `generate` yields (exchange, routing key, CloudEvent) in time order:
12345 work orders, 110 alerts (some transferred to people's mediation as non-police disputes), court
filings (some referred to pre-litigation mediation) and, only when real mediation ids are given,
judicial confirmations. `publish` puts them on RabbitMQ the way an agency does: durable topic exchange
`<agency>.events`, routing key = event type, persistent, `application/cloudevents+json`, structured
mode, publisher confirms.

Volumes are per region prefix (one county, township or village area each) and per day: the defaults
are a county's ordinary working day; rest days (weekends and public holidays, by the Chinese working-day
calendar) are quieter. Everything is deterministic for a seed: the events of a day depend only on the
seed, the day, the areas and the volumes, so a sub-range regenerates the very same events (same ids),
and publishing a day twice has effect once. People are obviously synthetic ("张某某", 1380000xxxx).

    python -m services.simulator --from 2026-11-01 --to 2026-11-07 --seed 7 [--region 150623]
        [--amqp-uri ...] [--rate 200] [--work-orders 40 --alerts 25 --court-cases 6]
        [--mediation-id ID ...] [--no-confirm] [--dry-run]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from kombu import Connection, Exchange
from kombu.exceptions import KombuError

from shared.workdays import WorkingDayCalendar

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "shared" / "reference"
BEIJING = timezone(timedelta(hours=8))
DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672/"
CONTENT_TYPE = "application/cloudevents+json"

EXCHANGES = {"hotline12345": "hotline12345.events", "police110": "police110.events", "court": "court.events"}
SOURCE_KINDS = {"hotline12345": "12345", "police110": "110", "court": "court"}  # urn:cn:<kind>:<county code>

# Mean events per region prefix on a working day, and the share of that on a rest day.
DEFAULT_PER_DAY = {"work_orders": 40, "alerts": 25, "court_cases": 6}
REST_DAY_FACTOR = {"work_orders": 0.55, "alerts": 0.85, "court_cases": 0.12}
ALERT_TRANSFER_RATE = 0.10      # 110 alerts that are non-police disputes handed to people's mediation
COURT_REFERRAL_RATE = 0.10      # court events that are referrals to pre-litigation mediation
CONFIRMATION_RATE = 0.9         # judicial confirmations granted

# Relative load by hour of day (Beijing time).
HOURS_12345 = [2, 1, 1, 1, 1, 2, 4, 8, 16, 20, 20, 18, 12, 10, 16, 18, 17, 15, 11, 9, 8, 6, 4, 3]
HOURS_110 = [8, 6, 5, 4, 3, 3, 4, 6, 8, 9, 10, 10, 10, 9, 9, 10, 10, 11, 13, 14, 14, 13, 12, 10]
HOURS_COURT = [0, 0, 0, 0, 0, 0, 0, 0, 14, 18, 18, 9, 0, 0, 0, 12, 16, 14, 0, 0, 0, 0, 0, 0]
HOURS_ONLINE = [1, 1, 0, 0, 0, 0, 1, 3, 6, 8, 8, 7, 5, 5, 7, 8, 8, 7, 6, 6, 6, 5, 3, 2]  # 网上立案

PROVINCES = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
             "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
             "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
             "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新"}
NORTH_HEATING = ("11", "12", "13", "14", "15", "21", "22", "23", "37", "41", "61", "62", "63", "64", "65")

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
            "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
            "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "欧阳")
SURNAMES_MONGOLIAN = ("巴", "乌", "额", "包", "奥", "其", "敖", "宝")


# -- 12345 work orders: the hotline's own category labels --------------------------------------------
@dataclass(frozen=True)
class Template:
    title: str
    content: str
    when: Callable[[dict], bool] | None = None


def _heating(fill: dict) -> bool:
    return fill["province"] in NORTH_HEATING and fill["day"].month in (11, 12, 1, 2, 3)


@dataclass(frozen=True)
class Category:
    label: str
    weight: float
    transfer_rate: float  # share transferred to the petition bureau (转信访)
    templates: tuple[Template, ...]
    season: Callable[[dict], float] = field(default=lambda fill: 1.0)


WORK_ORDER_CATEGORIES = (
    Category("劳动保障", 14, 0.35, (
        Template("反映{site}拖欠农民工工资",
                 "{who}反映：其与{n}名工友在{place}{site}务工，{builder}自{month}月起拖欠工资共计约{amount}万元，"
                 "多次讨要未果，请求相关部门督促支付。"),
        Template("反映用人单位未缴纳社会保险",
                 "{who}反映：其在{place}{employer}工作已{years}年，单位一直未为其缴纳养老保险和医疗保险，"
                 "请求人社部门核实处理。"),
        Template("反映被辞退未获经济补偿",
                 "{who}反映：{employer}于{month}月以经营困难为由解除其劳动合同，未支付经济补偿金，"
                 "请求劳动保障监察部门介入。"),
    ), season=lambda fill: 2.0 if fill["day"].month in (12, 1) else 1.0),  # 年底讨薪高峰
    Category("城乡建设", 16, 0.15, (
        Template("反映小区供暖温度不达标",
                 "{who}反映：{community}{building}号楼自供暖以来室内温度仅{temp}℃左右，多次联系供热公司未解决，"
                 "请求督促整改。", when=_heating),
        Template("反映商品房顶层漏水开发商不予维修",
                 "{who}反映：其购买的{community}商品房顶层漏水，{developer}推诿不予维修，请求住建部门协调。"),
        Template("反映商品房逾期未办理不动产权证",
                 "{who}反映：{community}业主入住已{years}年，{developer}至今未办理不动产权证，涉及业主约{households}户，"
                 "请求督促办理。"),
        Template("反映小区内违章搭建",
                 "{who}反映：{community}{building}号楼一楼住户在公共绿地上私自搭建彩钢房，影响其他业主通行，请求查处。"),
    ), season=lambda fill: 1.5 if _heating(fill) else 1.0),
    Category("环境保护", 10, 0.08, (
        Template("反映夜间施工噪音扰民",
                 "{who}反映：{place}某工地近期每晚22时后仍在施工，噪音很大影响休息，请求查处。"),
        Template("反映企业排放刺鼻气味",
                 "{who}反映：{place}附近某企业经常排放刺鼻气味，夜间尤为严重，请求生态环境部门检测处理。"),
        Template("反映道路扬尘污染",
                 "{who}反映：{place}某道路施工现场未采取洒水降尘措施，车辆经过时扬尘严重，请求督促整改。"),
    )),
    Category("市容环卫", 8, 0.04, (
        Template("反映占道经营问题",
                 "{who}反映：{place}某路口早市商贩占道经营，影响车辆和行人通行，请求城管部门处理。"),
        Template("反映生活垃圾清运不及时",
                 "{who}反映：{community}门口垃圾箱已{days}天未清运，气味很大，请求尽快清理。"),
    )),
    Category("农业农村", 8, 0.25, (
        Template("反映耕地地力保护补贴未发放",
                 "{who}反映：其家在{village}，{year}年耕地地力保护补贴至今未发放到位，请求核实。"),
        Template("反映土地流转费拖欠未付",
                 "{who}反映：{village}村民将土地流转给{employer}，对方已拖欠流转费{months}个月，涉及农户约{households}户，"
                 "请求协调解决。"),
    )),
    Category("自然资源", 6, 0.40, (
        Template("反映宅基地边界争议",
                 "{who}反映：其与邻居在{village}的宅基地边界存在争议，多次协商未果，请求有关部门依法确权。"),
        Template("反映征地补偿款未足额发放",
                 "{who}反映：{village}部分土地于{year}年被征收用于道路建设，至今仍有部分补偿款未发放，请求答复。"),
    )),
    Category("市场监管", 9, 0.05, (
        Template("反映预付卡商家停业无法退费",
                 "{who}反映：其在{place}某健身房办理会员卡充值{money}元，商家突然停业，无法退费，请求处理。"),
        Template("反映超市销售过期食品",
                 "{who}反映：其在{place}某超市购买的牛奶已超过保质期{days}天，与商家协商无果，请求市场监管部门查处。"),
    )),
    Category("教育", 6, 0.10, (
        Template("反映校外培训机构拒不退费",
                 "{who}反映：为孩子在{place}某培训机构报名课程缴费{money}元，现机构拒绝退还剩余课时费用，"
                 "请求教育部门协调。"),
        Template("咨询随迁子女入学政策",
                 "{who}咨询：随迁子女在{county}就读小学需要提供哪些材料，何时可以办理。"),
    )),
    Category("民政救助", 5, 0.15, (
        Template("反映低保申请长期未获答复",
                 "{who}反映：其于{month}月向{place}提交最低生活保障申请，至今未获答复，家庭生活困难，请求尽快审核。"),
    )),
    Category("交通运输", 4, 0.02, (
        Template("建议增加城乡公交班次",
                 "{who}反映：{place}至城区的公交车每天仅{k}班，群众出行不便，建议增加班次。"),
    )),
    Category("公用事业", 5, 0.04, (
        Template("反映小区频繁停水",
                 "{who}反映：{community}近一周频繁停水且未提前通知，请求供水部门说明原因并及时恢复。"),
        Template("反映电压不稳影响生产生活",
                 "{who}反映：{village}近期电压不稳，家用电器无法正常使用，请求供电部门检修。"),
    )),
    Category("医疗卫生", 4, 0.12, (
        Template("反映医院重复收取检查费用",
                 "{who}反映：其家属在{county}某医院住院期间部分检查费用重复收取，请求卫健部门核查。"),
    )),
    Category("政策咨询", 5, 0.0, (
        Template("咨询灵活就业人员养老保险缴费政策",
                 "{who}咨询：灵活就业人员养老保险的缴费标准、缴费基数和缴费方式。"),
        Template("咨询不动产登记办理流程",
                 "{who}咨询：二手房过户办理不动产登记需要准备哪些材料，在哪里办理。"),
    )),
)
BUILDERS = ("某建筑劳务有限公司", "某建设工程有限公司", "某路桥工程有限公司", "某建筑安装工程有限公司")
SITES = ("某建筑工地", "某道路施工项目", "某光伏电站施工项目", "某安置房项目", "某厂房建设项目")
EMPLOYERS = ("某建筑劳务有限公司", "某建设工程有限公司", "某商贸有限公司", "某农牧业开发有限公司", "某餐饮管理有限公司")
DEVELOPERS = ("某房地产开发有限公司", "某置业有限公司")
WHO = ("来电人", "来电人", "来电人", "市民", "网民")

# -- 110: the police's alert categories; non-police disputes handed to people's mediation (警调联动) ---
ALERT_CATEGORIES = (("治安警情", 24), ("刑事警情", 9), ("交通警情", 19), ("群众求助", 26), ("纠纷警情", 14),
                    ("举报投诉", 5), ("火警", 3))
DISPUTES = (
    ("邻里纠纷", 30, (
        "{p1}报警称，与邻居{p2}因院墙排水问题发生争执。民警到场核实，双方未发生肢体冲突，属邻里纠纷，"
        "经双方同意移交{place}人民调解委员会调解。",
        "{p1}报警称，楼上住户{p2}家中长期漏水，协商无果。民警到场了解情况，属民间纠纷，移交{place}人民调解委员会调处。",
    )),
    ("婚姻家庭纠纷", 20, (
        "{p1}报警称，与配偶{p2}因家庭琐事发生争吵。民警到场劝解后双方情绪平稳，属婚姻家庭纠纷，"
        "移交{place}人民调解委员会跟进调解。",
        "{p1}报警称，因赡养老人问题与兄弟{p2}发生争执。民警到场后双方均同意调解，移交{place}人民调解委员会处理。",
    )),
    ("劳资纠纷", 15, (
        "{p1}等{n}人报警称，{employer}拖欠其工资约{amount}万元，负责人{p2}避而不见。民警到场维持秩序，"
        "经了解属劳资纠纷，移交{place}人民调解委员会会同人社部门处理。",
    )),
    ("物业纠纷", 10, (
        "{p1}报警称，因对物业费收费标准有异议，与{community}物业工作人员{p2}发生争执。民警到场劝解，属物业纠纷，"
        "移交{place}人民调解委员会调解。",
    )),
    ("消费纠纷", 8, (
        "{p1}报警称，在{place}某商店购买的电动自行车出现质量问题，店主{p2}拒绝退换。民警到场了解情况，属消费纠纷，"
        "移交人民调解组织处理。",
    )),
    ("土地权属纠纷", 10, (
        "{p1}报警称，与邻村村民{p2}因{land}边界问题发生争执。民警到场制止，双方无人员受伤，属土地权属纠纷，"
        "移交{place}人民调解委员会调处。",
    )),
    ("道路交通事故损害赔偿纠纷", 7, (
        "{p1}报警称，其驾驶的车辆在{place}某路段与{p2}驾驶的车辆发生轻微剐蹭，无人员受伤。双方就赔偿数额协商不成，"
        "同意移交人民调解组织调解。",
    )),
)

# -- court: case types (with the case-number type code) and causes of action (案由) -----------------
CIVIL_CAUSES = (("民间借贷纠纷", 16), ("买卖合同纠纷", 12), ("离婚纠纷", 12), ("金融借款合同纠纷", 8),
                ("信用卡纠纷", 6), ("机动车交通事故责任纠纷", 8), ("劳务合同纠纷", 6), ("追索劳动报酬纠纷", 5),
                ("物业服务合同纠纷", 5), ("房屋租赁合同纠纷", 4), ("建设工程施工合同纠纷", 4), ("相邻关系纠纷", 3),
                ("土地承包经营权纠纷", 3), ("赡养纠纷", 2), ("抚养纠纷", 2), ("继承纠纷", 2),
                ("生命权、身体权、健康权纠纷", 2))
CRIMINAL_CAUSES = (("危险驾驶罪", 30), ("盗窃罪", 20), ("帮助信息网络犯罪活动罪", 15), ("诈骗罪", 10),
                   ("故意伤害罪", 10), ("寻衅滋事罪", 8), ("非法占用农用地罪", 7))
ADMIN_CAUSES = (("行政处罚", 40), ("行政强制", 20), ("政府信息公开", 20), ("行政补偿", 20))
CASE_TYPES = (("民事一审", "民初", 58, CIVIL_CAUSES), ("执行实施", "执", 27, CIVIL_CAUSES),
              ("刑事一审", "刑初", 11, CRIMINAL_CAUSES), ("行政一审", "行初", 4, ADMIN_CAUSES))
MEDIABLE_CAUSES = (("民间借贷纠纷", 25), ("买卖合同纠纷", 20), ("物业服务合同纠纷", 15), ("机动车交通事故责任纠纷", 15),
                   ("劳务合同纠纷", 10), ("相邻关系纠纷", 8), ("房屋租赁合同纠纷", 7))
REFERRALS = (
    "原告{p1}诉被告{p2}{cause}一案，立案前经征得双方当事人同意，委派{place}人民调解委员会进行诉前调解。",
    "申请人{p1}与被申请人{p2}{cause}，标的额约{amount}万元，本院引导当事人选择诉前调解，委派特邀调解组织调解。",
)


# -- regions ----------------------------------------------------------------------------------------
TOWNSHIP_NAME = re.compile(r"(?:旗|县|区|市)([^旗县区市]+?(?:镇|乡|苏木|街道))(?:人民政府|办事处)?$")
COUNTY_NAME = re.compile(r"^(.+?[市县旗区])(?:委.*)?$")


@dataclass
class Places:
    """Region codes and place names from units.json (shared/reference)."""
    codes: set[str]
    townships: dict[str, str]  # 9-digit code -> 上海庙镇
    counties: dict[str, str]   # 6-digit code -> 鄂托克前旗
    bureaus: list[str]         # the petition bureaus' codes, in file order

    @classmethod
    def load(cls, directory: Path = REFERENCE_DIR) -> Places:
        units = json.loads((directory / "units.json").read_text(encoding="utf-8"))
        codes, townships, counties, bureaus = set(), {}, {}, []
        for unit in units:
            code, name = unit["region_code"], unit["name"]
            codes.add(code)
            if len(code) == 9 and (match := TOWNSHIP_NAME.search(name)):
                townships[code] = match.group(1)
                counties.setdefault(code[:6], name[:match.start(1)])
            if unit.get("role") == "petition_bureau":
                bureaus.append(code)
                if len(code) == 6 and (match := COUNTY_NAME.match(name.split("信访")[0])):
                    counties.setdefault(code, match.group(1))
        return cls(codes, townships, counties, bureaus)

    def default_prefixes(self) -> list[str]:
        """The five places' areas: each bureau's county, or a city's whole area (its first 4 digits)."""
        return list(dict.fromkeys(code[:4] if code.endswith("00") else code
                                  for code in self.bureaus if len(code) == 6))


@dataclass
class Area:
    """One region prefix: the codes events may carry (all starting with the prefix), by level."""
    prefix: str
    counties: list[str]
    townships: list[str]
    places: Places

    @classmethod
    def of(cls, prefix: str, places: Places) -> Area:
        prefix = str(prefix).strip()
        if not prefix.isdigit() or not (2 <= len(prefix) <= 9 or len(prefix) == 12):
            raise ValueError(f"region prefix {prefix!r}: 2 to 9 digits, or a 12-digit village code")
        known = places.codes
        counties = sorted({c[:6] for c in known if c[:6].startswith(prefix)}) if len(prefix) <= 6 else []
        if len(prefix) == 6 and not counties:
            counties = [prefix]  # well-formed but not in the reference data: accepted by the platform
        townships = sorted({c[:9] for c in known if len(c) >= 9 and c[:9].startswith(prefix)})
        if len(prefix) >= 9:
            townships = [prefix[:9]]
        for county in counties:  # a county nobody lists a township of gets two (not a city's own code)
            if not county.endswith("00") and not any(t.startswith(county) for t in townships):
                townships += [county + "101", county + "102"]
        if not counties and not townships:
            raise ValueError(f"region prefix {prefix!r}: no known county or township under it; "
                             "give a 6 or 9-digit code")
        return cls(prefix, counties, sorted(townships), places)

    def pick(self, rng: random.Random) -> str:
        """A county (25%), township (35%) or village (40%) code; villages are synthetic."""
        if len(self.prefix) == 12:
            return self.prefix
        roll = rng.random()
        if self.counties and (roll < 0.25 or not self.townships):
            return rng.choice(self.counties)
        township = rng.choice(self.townships)
        if roll < 0.60:
            return township
        # 居委会 (001-0xx) under a street office (街道, 0xx), 村委会/嘎查 (2xx) elsewhere
        return township + (f"{rng.randint(1, 12):03d}" if township[6] == "0" else f"{rng.randint(201, 218):03d}")

    def shares(self) -> dict[str, float]:
        """The share of this area's events each county code (hence each source) gets, as `pick` chooses."""
        if len(self.prefix) == 12:
            return {self.prefix[:6]: 1.0}
        to_counties = (0.25 if self.townships else 1.0) if self.counties else 0.0
        found: dict[str, float] = defaultdict(float)
        for county in self.counties:
            found[county] += to_counties / len(self.counties)
        for township in self.townships:
            found[township[:6]] += (1 - to_counties) / len(self.townships)
        return dict(found)

    def main_county(self) -> str:
        counties = [c for c in self.counties if not c.endswith("00")] or self.counties
        return counties[0] if counties else self.townships[0][:6]


def _place(code: str, places: Places, rng: random.Random) -> dict:
    """Place names for a region code, for free text."""
    county = places.counties.get(code[:6], "当地")
    town = places.townships.get(code[:9], county + "某镇") if len(code) >= 9 else None
    place = town or county
    pastoral = code.startswith("15") and rng.random() < 0.7
    village = (town or county) + ("某社区" if town and code[6] == "0" else "某嘎查" if pastoral else "某村")
    return {"county": county, "place": place, "village": village, "community": place + "某小区",
            "province": code[:2], "land": "草场" if code.startswith("15") else "承包地"}


def court_code(county: str) -> str:
    """The court's code in case numbers: 蒙0623 for a county court, 云03 for a city's intermediate court."""
    province = PROVINCES.get(county[:2], "")
    return province + (county[2:4] if county.endswith("00") else county[2:6])


# -- generation -------------------------------------------------------------------------------------
@dataclass
class Draft:
    agency: str
    type: str
    county: str
    at: datetime
    data: dict
    series: str           # numbering series: WO, JJ110, 民初, 执, 刑初, 行初, 民诉前调, 民特
    id_field: str | None  # the data field that carries the id (order_no, alert_no, case_no)
    id: str | None = None

    @property
    def source(self) -> str:
        return f"urn:cn:{SOURCE_KINDS[self.agency]}:{self.county}"


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _count(rng: random.Random, mean: float) -> int:
    """Poisson-distributed (normal approximation for large means)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _moment(rng: random.Random, day: date, hours: list[int]) -> datetime:
    hour = rng.choices(range(24), weights=hours)[0]
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=BEIJING)


def _later(moment: datetime, rng: random.Random, low_minutes: float, high_minutes: float) -> datetime:
    """When the agency's system published it: a little after the fact, the same day."""
    day_end = moment.replace(hour=23, minute=59, second=59)
    return min(moment + timedelta(seconds=round(rng.uniform(low_minutes, high_minutes) * 60)), day_end)


def _weighted(rng: random.Random, pairs) -> object:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person(rng: random.Random, code: str, taken: set[str] | None = None) -> dict:
    pool = SURNAMES + (SURNAMES_MONGOLIAN if code.startswith("15") else ())
    while True:
        name = rng.choice(pool) + ("某某" if rng.random() < 0.5 else "某")
        if taken is None or name not in taken:
            break
    if taken is not None:
        taken.add(name)
    return {"name": name, "phone": f"1380000{rng.randrange(10000):04d}"}


def _fill(rng: random.Random, day: date, code: str, places: Places) -> dict:
    """Every placeholder a text may use, all drawn every time (so the random stream stays aligned)."""
    return {**_place(code, places, rng), "day": day, "who": rng.choice(WHO), "n": rng.randint(3, 36),
            "amount": f"{rng.uniform(1.5, 60):.1f}", "month": (day.month - 1 - rng.randint(1, 8)) % 12 + 1,
            "months": rng.randint(2, 9), "years": rng.randint(1, 6), "days": rng.randint(2, 6),
            "households": rng.randint(15, 260), "temp": rng.randint(11, 16), "building": rng.randint(1, 28),
            "money": rng.randrange(1500, 30000, 100), "k": rng.randint(2, 4), "year": day.year - rng.randint(1, 3),
            "site": rng.choice(SITES), "builder": rng.choice(BUILDERS), "employer": rng.choice(EMPLOYERS), "developer": rng.choice(DEVELOPERS)}


def _work_orders(rng: random.Random, day: date, area: Area, count: int) -> Iterator[Draft]:
    for _ in range(count):
        code = area.pick(rng)
        fill = _fill(rng, day, code, area.places)
        weights = [c.weight * c.season(fill) for c in WORK_ORDER_CATEGORIES]
        category = rng.choices(WORK_ORDER_CATEGORIES, weights=weights)[0]
        templates = [t for t in category.templates if t.when is None or t.when(fill)]
        template = rng.choice(templates)
        received = _moment(rng, day, HOURS_12345)
        data = {"order_no": None, "received_at": _stamp(received), "region_code": code,
                "category": category.label, "title": template.title.format(**fill),
                "content": template.content.format(**fill)}
        caller = _person(rng, code)
        if rng.random() < 0.95:  # some callers stay anonymous
            data["caller"] = caller
        data["transfer_to_petition"] = rng.random() < category.transfer_rate
        yield Draft("hotline12345", "work_order.created", code[:6], _later(received, rng, 2, 20), data,
                    "WO", "order_no")


def _alerts(rng: random.Random, day: date, area: Area, count: int) -> Iterator[Draft]:
    for _ in range(count):
        code = area.pick(rng)
        received = _moment(rng, day, HOURS_110)
        if rng.random() >= ALERT_TRANSFER_RATE:
            data = {"alert_no": None, "received_at": _stamp(received), "region_code": code,
                    "category": _weighted(rng, ALERT_CATEGORIES)}
            yield Draft("police110", "alert.received", code[:6], _later(received, rng, 1, 4), data,
                        "JJ110", "alert_no")
            continue
        fill = _fill(rng, day, code, area.places)
        label, _, summaries = rng.choices(DISPUTES, weights=[d[1] for d in DISPUTES])[0]
        taken: set[str] = set()
        parties = [_person(rng, code, taken) for _ in range(2)]
        summary = rng.choice(summaries).format(p1=parties[0]["name"], p2=parties[1]["name"], **fill)
        data = {"alert_no": None, "received_at": _stamp(received), "region_code": code, "category": label,
                "summary": summary, "parties": parties}
        # handed over after the officers have been there: an hour or a few later
        yield Draft("police110", "alert.transferred", code[:6], _later(received, rng, 40, 300), data,
                    "JJ110", "alert_no")


def _court(rng: random.Random, day: date, area: Area, count: int, working: bool) -> Iterator[Draft]:
    for _ in range(count):
        code = area.pick(rng)
        online = not working or rng.random() < 0.15
        at = _moment(rng, day, HOURS_ONLINE if online else HOURS_COURT)
        if rng.random() >= COURT_REFERRAL_RATE:
            case_type, series, _, causes = rng.choices(CASE_TYPES, weights=[c[2] for c in CASE_TYPES])[0]
            data = {"case_no": None, "filed_at": _stamp(at), "region_code": code, "case_type": case_type,
                    "cause": _weighted(rng, causes)}
            yield Draft("court", "case.filed", code[:6], _later(at, rng, 1, 30), data, series, "case_no")
            continue
        fill = _fill(rng, day, code, area.places)
        taken: set[str] = set()
        parties = [_person(rng, code, taken) for _ in range(2)]
        summary = rng.choice(REFERRALS).format(p1=parties[0]["name"], p2=parties[1]["name"],
                                               cause=_weighted(rng, MEDIABLE_CAUSES), **fill)
        data = {"case_no": None, "referred_at": _stamp(at), "region_code": code, "summary": summary,
                "parties": parties}
        yield Draft("court", "mediation.referred", code[:6], _later(at, rng, 1, 30), data, "民诉前调", "case_no")


def _slot(mean: float) -> int:
    """Numbers a day reserves in a source's yearly sequence: more than a day ever brings (mean + 4 sigma)."""
    return math.ceil(mean + 4 * math.sqrt(mean)) + 3


def _slots(areas: list[Area], volumes: dict) -> dict[tuple[str, str], int]:
    """(county code, numbering series) -> its daily slot, from the mean a working day brings that source.

    Yearly sequences (WO-2026-000123, (2026)蒙0623民初123号) number a day's events from
    (day of year - 1) x slot + 1: the same day always gets the same ids, whatever range it is generated in.
    """
    means: dict[tuple[str, str], float] = defaultdict(float)
    filed = sum(c[2] for c in CASE_TYPES)
    for area in areas:
        for county, share in area.shares().items():
            means[(county, "WO")] += volumes["work_orders"] * share
            court = volumes["court_cases"] * share
            means[(county, "民诉前调")] += court * COURT_REFERRAL_RATE
            for _, series, weight, _ in CASE_TYPES:
                means[(county, series)] += court * (1 - COURT_REFERRAL_RATE) * weight / filed
    return {key: _slot(mean) for key, mean in means.items()}


def _number(drafts: list[Draft], day: date, slots: dict[tuple[str, str], int], running: dict) -> list[Draft]:
    """Gives each draft its id, in time order per source and series; drops what a day's slot can't hold."""
    groups: dict[tuple[str, str], list[Draft]] = defaultdict(list)
    for draft in sorted(drafts, key=lambda d: d.at):
        groups[(draft.county, draft.series)].append(draft)
    kept = []
    doy = day.timetuple().tm_yday
    for (county, series), group in groups.items():
        slot = slots.get((county, series))
        if slot is not None:
            group = group[:slot]
        for seq, draft in enumerate(group, start=1):
            if series == "JJ110":
                event_id = f"JJ110-{draft.county}-{day:%Y%m%d}-{seq:04d}"
            elif series == "WO":
                event_id = f"WO-{day.year}-{(doy - 1) * slot + seq:06d}"
            elif series == "民特":
                key = (draft.source, day.year)
                running[key] = running.get(key, 0) + 1
                event_id = f"({day.year}){court_code(draft.county)}民特{running[key]}号"
            else:
                event_id = f"({day.year}){court_code(draft.county)}{series}{(doy - 1) * slot + seq}号"
            draft.id = event_id
            if draft.id_field:
                draft.data[draft.id_field] = event_id
            kept.append(draft)
    return kept


def _event(draft: Draft) -> tuple[str, str, dict]:
    return EXCHANGES[draft.agency], draft.type, {
        "specversion": "1.0", "id": draft.id, "source": draft.source, "type": draft.type,
        "time": _stamp(draft.at), "datacontenttype": "application/json", "data": draft.data}


def _confirmations(mediation_ids, start: date, end: date, seed: int, areas: list[Area],
                   calendar: WorkingDayCalendar) -> dict[date, list[Draft]]:
    """One judicial_confirmation.decided per mediation id, on a working day of the range if there is one."""
    rng = random.Random(f"{seed}|judicial_confirmation")
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if calendar.is_working_day(d)] or days
    planned: dict[date, list[Draft]] = defaultdict(list)
    for mediation_id in mediation_ids:
        day = rng.choice(working)
        county = rng.choice(areas).main_county()
        at = _moment(rng, day, HOURS_COURT)
        data = {"mediation_id": str(mediation_id), "confirmed": rng.random() < CONFIRMATION_RATE,
                "decided_at": _stamp(at)}
        planned[day].append(Draft("court", "judicial_confirmation.decided", county, _later(at, rng, 5, 60),
                                  data, "民特", None))
    return planned


def generate(start: date, end: date, seed: int, region_prefixes: list[str] | None = None,
             per_day: dict | None = None, *, mediation_ids: Iterable[str] | None = None,
             reference_dir: Path = REFERENCE_DIR) -> Iterator[tuple[str, str, dict]]:
    """(exchange, routing key, CloudEvent) from `start` to `end` (both included), in time order.

    `region_prefixes`: the areas (default: the five places of units.json); `per_day`: mean events per
    area on a working day, keys `work_orders`, `alerts`, `court_cases` (defaults DEFAULT_PER_DAY).
    `judicial_confirmation.decided` is generated only for `mediation_ids` (real ones), one each.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    volumes = dict(DEFAULT_PER_DAY)
    for key, value in (per_day or {}).items():
        if key not in DEFAULT_PER_DAY:
            raise ValueError(f"per_day: unknown key {key!r}; known: {sorted(DEFAULT_PER_DAY)}")
        if not isinstance(value, int | float) or value < 0:
            raise ValueError(f"per_day[{key!r}] must be a number >= 0")
        volumes[key] = value
    places = Places.load(Path(reference_dir))
    prefixes = list(dict.fromkeys(str(p).strip() for p in (region_prefixes or places.default_prefixes())))
    areas = [Area.of(p, places) for p in prefixes]
    calendar = WorkingDayCalendar()

    slots = _slots(areas, volumes)
    confirmations = _confirmations(list(mediation_ids or ()), start, end, seed, areas, calendar)
    running: dict = {}

    day = start
    while day <= end:
        working = calendar.is_working_day(day)
        drafts: list[Draft] = []
        for area in areas:
            for stream, make in (("work_orders", _work_orders), ("alerts", _alerts), ("court_cases", _court)):
                rng = random.Random(f"{seed}|{day.isoformat()}|{area.prefix}|{stream}")
                mean = volumes[stream] * (1.0 if working else REST_DAY_FACTOR[stream])
                count = _count(rng, mean)
                drafts += (make(rng, day, area, count, working) if stream == "court_cases"
                           else make(rng, day, area, count))
        drafts += confirmations.get(day, [])
        events = [_event(d) for d in _number(drafts, day, slots, running)]
        events.sort(key=lambda e: (e[2]["time"], e[2]["source"], e[2]["id"]))
        yield from events
        day += timedelta(days=1)


# -- publishing -------------------------------------------------------------------------------------
def publish(events: Iterable[tuple[str, str, dict]], amqp_uri: str, confirm: bool = True,
            rate: float | None = None, content_type: str = CONTENT_TYPE) -> int:
    """Publishes as an agency does; returns how many. With `confirm`, each publish waits for the
    broker's confirm (a refusal raises). `rate`: at most that many events per second."""
    if rate is not None and rate <= 0:
        raise ValueError("rate must be > 0 events/s")
    options = {"confirm_publish": True} if confirm else {}
    sent = 0
    started = clock.monotonic()
    with Connection(amqp_uri, transport_options=options, connect_timeout=10) as connection:
        producer = connection.Producer()
        declared: dict[str, Exchange] = {}
        for exchange_name, routing_key, event in events:
            exchange = declared.get(exchange_name)
            if exchange is None:
                exchange = Exchange(exchange_name, type="topic", durable=True)
                exchange(producer.channel).declare()
                declared[exchange_name] = exchange
            if rate:
                delay = started + sent / rate - clock.monotonic()
                if delay > 0:
                    clock.sleep(delay)
            body = json.dumps(event, ensure_ascii=False).encode("utf-8")
            producer.publish(body, exchange=exchange, routing_key=routing_key, serializer=None,
                             content_type=content_type, content_encoding="utf-8", delivery_mode=2,
                             mandatory=False, message_id=event["id"])
            sent += 1
    return sent


# -- command line -----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.simulator",
                                     description="Publishes simulated 12345, 110 and court events (CONTRACTS.md 1).")
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat, help="last day (included)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    parser.add_argument("--rate", type=float, help="events per second (default: as fast as confirmed)")
    parser.add_argument("--region", action="append", help="region prefix, repeatable (default: the five places)")
    parser.add_argument("--work-orders", type=float, help=f"per area per working day ({DEFAULT_PER_DAY['work_orders']})")
    parser.add_argument("--alerts", type=float, help=f"per area per working day ({DEFAULT_PER_DAY['alerts']})")
    parser.add_argument("--court-cases", type=float, help=f"per area per working day ({DEFAULT_PER_DAY['court_cases']})")
    parser.add_argument("--mediation-id", action="append", default=[],
                        help="a real mediation id to send a judicial confirmation for, repeatable")
    parser.add_argument("--no-confirm", action="store_true", help="without publisher confirms")
    parser.add_argument("--dry-run", action="store_true", help="print the events as JSON lines instead")
    args = parser.parse_args(argv)
    per_day = {k: v for k, v in (("work_orders", args.work_orders), ("alerts", args.alerts),
                                  ("court_cases", args.court_cases)) if v is not None}
    try:
        events = generate(args.start, args.end, args.seed, args.region, per_day, mediation_ids=args.mediation_id)
        if args.dry_run:
            count = 0
            for _, _, event in events:
                print(json.dumps(event, ensure_ascii=False))
                count += 1
            print(f"{count} events (dry run)", file=sys.stderr)
            return 0
        started = clock.monotonic()
        count = publish(events, args.amqp_uri, confirm=not args.no_confirm, rate=args.rate)
    except ValueError as error:
        parser.error(str(error))
    except (OSError, KombuError) as error:
        where = re.sub(r"//[^@/]*@", "//", args.amqp_uri)  # no credentials in the message
        print(f"could not publish to {where}: {error}", file=sys.stderr)
        return 1
    elapsed = clock.monotonic() - started
    print(f"published {count} events in {elapsed:.1f}s ({count / elapsed if elapsed else 0:.0f}/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
