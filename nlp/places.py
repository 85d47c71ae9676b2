"""Find the places a message names: estates, buildings, roads, crossings, villages, sites.

A place is a *name* followed by a *suffix* (阳光 + 小区, 解放 + 路, 东风 + 村). Suffixes
are found by a regular expression; the name is the run of jieba tokens just before
the suffix that are not function words, pronouns or directions, so that
我家住在阳光小区 gives 阳光小区 and not 我家住在阳光小区. Building numbers
(3栋2单元), village groups (三组) and crossings (X路与Y路交叉口) are rules on top.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_PLACES = 8
MAX_CHARS = 2000  # places are looked for in the beginning of long texts
_WINDOW = 10  # characters looked at before a suffix for the name
_MAX_NAME = 8

_NUM = r"(?:[0-9]{1,4}|[一二三四五六七八九十两百零]{1,4})"
_SUFFIXES = {
    "estate": "小区 花园 家园 公寓 新村 新城 华庭 嘉园 山庄 公馆 名苑 雅苑 佳苑 苑 大院 家属院 宿舍 "
              "华府 府邸 公寓楼 安置房 安置小区",
    "admin": "社区 村委会 村 庄 屯 寨 镇 乡 街道 开发区 工业园 产业园 园区",
    "road": "路 大道 大街 街 巷 胡同 国道 省道 县道 公路 环路 大桥 桥",
    "landmark": "公园 广场 学校 小学 中学 大学 医院 火车站 汽车站 高铁站 地铁站 车站 菜市场 市场 超市 "
                "商场 体育馆 加油站 公墓 陵园 水库 收费站 服务区 酒店 宾馆 中心 大厦",
    "site": "工地 项目 地块 搅拌站 料场",
}
_KIND = {word: kind for kind, words in _SUFFIXES.items() for word in words.split()}
# A suffix followed by these characters is part of another word (村民, 路面, 庄稼, 桥洞).
_NOT_AFTER = {"村": "民干委子级务规", "路": "面灯况过人费线子段", "庄": "稼园重严", "桥": "洞下头",
              "乡": "村下亲", "街": "坊头", "中心": "区", "项目": "部"}
_SUFFIX_RE = re.compile("|".join(
    re.escape(w) + (f"(?![{_NOT_AFTER[w]}])" if w in _NOT_AFTER else "")
    for w in sorted(_KIND, key=len, reverse=True)
))
_BUILDING_RE = re.compile(
    rf"{_NUM}(?:号楼|栋|幢|座|号院|期)(?:{_NUM}单元)?(?:{_NUM}(?:室|号))?|{_NUM}组"
)
_LONE_BUILDING_RE = re.compile(rf"{_NUM}(?:号楼|栋|幢)(?:{_NUM}单元)?")
_CROSS_JOIN_RE = re.compile(r"与|和|跟|、|/|同")
_CROSS_END_RE = re.compile(r"交叉口|交汇处|交口|十字路口|丁字路口|路口|十字|口")
_ROAD_NO_RE = re.compile(rf"{_NUM}号")

# Tokens that end a name when walking back from the suffix.
_STOP = set(
    "在 的 了 是 有 到 从 往 去 和 与 跟 及 或 把 被 让 给 向 对 就 都 也 还 又 很 太 这 那 个 们 我 你 他 她 它 "
    "咱 俺 家 一 住 于 说 叫 其 该 某 每 各 本 全 整 哪 啥 上 下 内 外 旁 边 侧 前 后 近 由 "
    "我们 你们 他们 咱们 俺们 我家 你家 他家 家住 住在 位于 附近 旁边 边上 这边 那边 对面 后面 前面 门口 "
    "里面 外面 后门 前门 楼下 楼上 一带 周边 周围 东侧 西侧 南侧 北侧 东边 西边 南边 北边 隔壁 对门 整个 "
    "这个 那个 一个 这里 那里 这儿 那儿 有人 今天 昨天 明天 晚上 早上 凌晨 半夜 天天 每天 经常 一直 好多 "
    "很多 举报 投诉 反映 请 麻烦 市民 群众 来电 工单 内容 地址 位置 发现 巡查 辖区 属地 我村 本村 "
    "全村 村里 城里 镇上 县里 市里 农村 乡村 城市 老 新开 新建 刚 就是 还是 又是 不是 没有 附近的 "
    "一条 这条 那条 条 段 处 块 片 所 座 栋 号 楼 层 单元 院 门 口 起来 过来 回来 出来 过去 开过去 带到 弄 "
    "弄得 还有 整条 好几条 几条 旁边的 街道 背街 马路 道路 路上 路边 路面 公路 小巷 巷子 大街 街上 "
    "村口 村头 地里 田里 现场 车把 开到 跑到 拉到 倒在 扔在 堆在 但是 但 可是 而且 并且 所以 因为 "
    "家里 群众反映 市民反映 居民反映 村民反映 网友反映 来电反映 反映称 转办 第二天 第一天 当天 白天 夜里 "
    "每晚 晚上的 村民 居民 业主 网友 "
    # Going past, coming from, seeing or hearing of a place: 路过新华社区 is 新华社区. Only
    # words of two characters or more: 沿, 朝, 离 and 隔 begin names (沿山村, 朝天村, 离湖小区).
    "是从 路过 经过 途经 穿过 来自 靠近 挨着 紧挨 紧挨着 紧邻 临近 邻近 隔着 朝着 沿着 顺着 "
    "向着 对着 正对 正对着 通往 看到 看见 听说 听到 刚才 刚刚 是不是".split()
)
_GENERIC_SITE = set("建设 工程 在建 重点 施工 混凝土 沥青 水泥 这个 那个".split()
)
_GENERIC = set(
    "马 道 公 铁 修 走 过 半 出 网 电 线 高速 水泥 柏油 土 山 小 大 老 新 农 乡 城 村 镇 街 中 花 家 "
    "一 这 那 哪 某 本 该 此 全 各 整 后 前 东 西 南 北 上 下 里 外 内 村委 社 垃圾 施工 建筑 菜 "
    "停车 广 公交 大马 进城 环城 过马 下一 十字 丁字 员工 市 县 区 省 社区 乡镇".split()
)
_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
                "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
                "龚邵万钱严覃武戴莫孔向汤")
_CUE_CHARS = set("烧焚烟炮鞭尘灰吵臭")

Cutter = Callable[[str], list[str]]


def _name_before(text: str, end: int, floor: int, cut: Cutter) -> int:
    """Return where the name that ends at ``end`` starts (``end`` when there is none)."""
    window = text[max(floor, end - _WINDOW):end]
    if not window:
        return end
    start = end
    for token in reversed(cut(window)):
        if (
            token in _STOP
            or not all(ch.isalnum() for ch in token)
            or any(ch in _CUE_CHARS for ch in token)
            or end - (start - len(token)) > _MAX_NAME
        ):
            break
        start -= len(token)
    return start


_BAD_FIRST = ("某", "这", "那", "哪", "每", "各", "该", "本", "好几", "几", "整", "全")
_BAD_LAST = set("条个座片处些")


def _valid(name: str, suffix: str, kind: str) -> bool:
    if not name or name in _GENERIC or name.startswith(_BAD_FIRST) or name[-1] in _BAD_LAST:
        return False
    if kind == "site" and name in _GENERIC_SITE:
        return False
    if len(name) == 1:
        return kind == "admin" and suffix in ("村", "庄", "屯", "寨") and name in _SURNAMES
    if kind == "road" and name.isdigit():
        return suffix in ("国道", "省道", "县道")
    return True


def extract_places(text: str, cut: Cutter) -> list[tuple[int, int]]:
    """Return (start, end) spans of the places named in normalised ``text``, in order.

    ``cut`` is a jieba-style segmenter (a gazetteer's tokenizer) used only on the
    short window before each suffix.
    """
    spans: list[tuple[int, int, str]] = []
    text = text[:MAX_CHARS]
    for m in _SUFFIX_RE.finditer(text):
        suffix = m.group()
        kind = _KIND[suffix]
        if spans and spans[-1][1] > m.start():  # the suffix lies inside the last place
            continue
        lo = max(0, m.start() - _WINDOW)
        for sep in ",。!?;、\n :":
            at = text.rfind(sep, lo, m.start())
            if at >= 0:
                lo = at + 1
        start = _name_before(text, m.start(), lo, cut)
        if spans and start <= spans[-1][1] and spans[-1][2] != "road" or (
            spans and start < spans[-1][1]
        ):
            start = min(start, spans[-1][0])  # 红星镇东风村, 城南花园小区: one place
            spans.pop()
        elif not _valid(text[start:m.start()], suffix, kind):
            continue
        end = m.end()
        end = _extend(text, end, kind)
        spans.append((start, end, kind))
        if len(spans) >= MAX_PLACES * 2:
            break
    spans = _crossings(text, spans)
    if not spans:
        lone = _LONE_BUILDING_RE.search(text)
        if lone:
            spans.append((lone.start(), lone.end(), "estate"))
    return [(s, e) for s, e, _ in spans[:MAX_PLACES]]


def _extend(text: str, end: int, kind: str) -> int:
    if kind in ("estate", "admin", "landmark"):
        m = _BUILDING_RE.match(text, end)
        if m:
            return m.end()
    elif kind == "road":
        m = _CROSS_END_RE.match(text, end) or _ROAD_NO_RE.match(text, end)
        if m:
            return m.end()
    return end


def _crossings(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge 人民路 + 与 + 解放路 (+ 交叉口) into one place."""
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out and out[-1][2] == "road" and span[2] == "road":
            prev = out[-1]
            joint = _CROSS_JOIN_RE.fullmatch(text, prev[1], span[0])
            if joint is not None or prev[1] == span[0]:
                out[-1] = (prev[0], span[1], "road")
                continue
        out.append(span)
    return out
