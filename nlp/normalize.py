"""Text normalisation before matching: width, script, typos and control characters.

Every step keeps the length of the NFKC form, so that offsets found in the
normalised text are offsets in that form as well (places are reported from it).
"""

from __future__ import annotations

import re
import unicodedata

# Traditional -> simplified, limited to the characters that matter for the
# lexicon, the place suffixes and everyday complaint wording.
_TRAD = (
    "燒烧煙烟塵尘車车廠厂場场門门區区頭头裡里綫线線线電电紙纸錢钱風风氣气聲声響响還还沒没見见"
    "聞闻從从過过們们這这個个樓楼棟栋號号條条東东陽阳蘭兰葉叶鬧闹禮礼喪丧點点時时嗆呛濃浓揚扬"
    "築筑灑洒攪搅遷迁蓋盖網网膠胶輪轮纜缆墳坟掃扫臘腊燻熏廢废舊旧麼么讓让說说報报舉举處处裏里"
    "對对發发後后幾几邊边來来為为無无總总種种將将鄉乡鎮镇莊庄灣湾橋桥園园廣广藥药礦矿採采爐炉"
    "囪囱擾扰違违規规許许開开讚赞贊赞熱热嗎吗應应該该環环汙污嚴严黃黄燈灯麥麦穀谷運运輸输駛驶"
    "輛辆貨货噴喷霧雾團团隊队組组員员長长間间會会問问題题經经歷历實实際际機机構构業业產产縣县"
    "劇剧戶户臺台曬晒髒脏飄飘滿满層层樹树稈秆桿杆亂乱倒倒路路圍围塊块壩坝莖茎葬葬幣币紮扎紅红"
    "腸肠鵝鹅雞鸡燭烛紀纪節节國国學学醫医鐵铁廳厅館馆靈灵處处罰罚噁恶臭臭圾圾車车鏟铲挖挖裝装"
    "龍龙鳳凤華华興兴寧宁慶庆遠远濱滨錦锦繡绣豐丰匯汇灘滩嶺岭壩坝嶼屿渦涡鐘钟爺爷奶奶孫孙媽妈"
    "凌凌晨晨鬧闹嚇吓聾聋噪噪煩烦厭厌轟轰隆隆謝谢鬥斗確确認认錯错"
)
_TRAD_MAP = {ord(_TRAD[i]): _TRAD[i + 1] for i in range(0, len(_TRAD) - 1, 2) if _TRAD[i] != _TRAD[i + 1]}

# Control characters become spaces (same length); newlines and tabs too, so a
# multi-line message is matched like a single line with separators.
_CONTROL_MAP = {c: " " for c in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0))}
_CONTROL_MAP[0x0A] = "\n"
_TRANSLATE = {**_CONTROL_MAP, **_TRAD_MAP}

# Frequent typos and homophone slips, each replaced by a string of the same length.
_TYPOS = {
    "桔杆": "秸秆",
    "秸杆": "秸秆",
    "桔秆": "秸秆",
    "节杆": "秸秆",
    "结杆": "秸秆",
    "接杆": "秸秆",
    "半夜三经": "半夜三更",
    "拉圾": "垃圾",
    "垃极": "垃圾",
    "辣圾": "垃圾",
    "垃级": "垃圾",
    "烟化": "烟花",
    "焰花": "烟花",
    "鞭跑": "鞭炮",
    "便炮": "鞭炮",
    "边炮": "鞭炮",
    "鞭泡": "鞭炮",
    "扬层": "扬尘",
    "杨尘": "扬尘",
    "洋尘": "扬尘",
    "扬沉": "扬尘",
    "灰成": "灰尘",
    "灰沉": "灰尘",
    "焚绕": "焚烧",
    "焚浇": "焚烧",
    "焚少": "焚烧",
    "树页": "树叶",
    "渣图": "渣土",
    "查土": "渣土",
    "喳土": "渣土",
    "炸土车": "渣土车",
    "碴土": "渣土",
    "爆仗": "炮仗",
    "泡仗": "炮仗",
    "纸线": "纸钱",
    "烧纸线": "烧纸钱",
    "搅伴": "搅拌",
    "扬灰尘": "扬灰尘",
}
for _k, _v in _TYPOS.items():
    assert len(_k) == len(_v), _k
_TYPO_RE = re.compile("|".join(sorted(map(re.escape, _TYPOS), key=len, reverse=True)))


def normalize(text: str) -> str:
    """Return the matching form of ``text``: NFKC, lower case, simplified, typos fixed.

    Control characters become spaces. The result has the length of the NFKC form.
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_TRANSLATE)
    if _TYPO_RE.search(folded) is None:
        return folded
    return _TYPO_RE.sub(lambda m: _TYPOS[m.group(0)], folded)
