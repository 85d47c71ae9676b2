"""The cue lexicon: every word the classifier reacts to, with its role and weight.

A cue has a *kind* that says how the rules in :mod:`nlp.classifier` use it:

- ``fire``: an act of burning (烧, 点火) that needs an object or smoke to count fully;
- ``smoke``: smoke, flame or burnt smell (浓烟, 火光, 焦糊味);
- ``bobj``: something that gets burnt (秸秆, 垃圾, 电线), carrying a subcategory;
- ``burn``: a phrase that is open burning on its own (焚烧, 烧纸钱, 熏腊肉);
- ``fw``: fireworks (鞭炮, 烟花, 噼里啪啦), ``fwctx``: an occasion (婚礼, 出殡);
- ``dust``: dust itself (扬尘, 吃灰), ``dobj``: a dust source (渣土车, 裸土);
- ``mitig``: a dust control measure (洒水, 覆盖); negated it is evidence of dust;
- ``other``: a topic of its own (噪音, 油烟, 污水), ``decoy``: a look-alike that is
  consumed so that its characters are not read as a cue (发烧, 烟囱, 卷烟厂);
- context kinds: ``quarry``, ``factory``, ``policy``, ``praise``, ``active``,
  ``wet`` (complaints about water), ``hypo`` (hypothetical: 差点着火);
- structure kinds: ``neg`` (没有), ``postneg`` (都没有), ``nonneg`` (不但, 没人管:
  look like negation but are not), ``breaker`` (管: ends a negation's scope),
  ``simopen``/``simclose`` (跟…似的), ``sep`` (但是: starts a new clause).

Matching is one pass of a trie-shaped regular expression, leftmost-longest,
so longer phrases win over the words inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cue:
    """One lexicon entry."""

    kind: str
    cat: str | None
    sub: str | None
    weight: float


LEXICON: dict[str, Cue] = {}


def _add(kind: str, cat: str | None, sub: str | None, weight: float, words: str,
         sep: str | None = None) -> None:
    for word in words.split(sep):
        if word in LEXICON:
            raise ValueError(f"duplicate cue {word!r}")
        LEXICON[word] = Cue(kind, cat, sub, weight)


# --- open burning -----------------------------------------------------------
_add("fire", "burning", None, 0.7, "烧 烧了 烧掉 烧起来 烧着 焚 燃烧 点火 点燃 点着 点了 放火 一把火 "
     "火烧 引燃 焚化 烧完 在烧 偷烧 乱烧 烧的 烧得")
_add("fire", "burning", None, 0.7, "着火 起火 失火")
_add("smoke", "burning", None, 0.5, "冒烟 浓烟 黑烟 白烟 青烟 烟雾 烟味 烟熏 焦味 焦糊味 糊味 烧焦 "
     "火光 火星 火苗 明火 火堆 火焰 烟子 灰烬 纸灰 黑灰 烟熏火燎 冒黑烟 冒白烟 一股烟 火很大 火大 "
     "烟雾缭绕 烟雾弥漫 烟气")
_add("smoke", "burning", None, 0.3, "烟 呛 呛人 呛鼻 熏 熏人 熏得 火 焦 烟大 烟很大")
_add("smoke", "burning", None, 0.9, "浓烟滚滚 黑烟滚滚 火光冲天 浓烟呛鼻")
_add("smoke", "burning", None, 0.1, "味道 味儿 气味 味")
_add("bobj", "burning", "straw", 1.0, "秸秆 麦秸 麦秆 稻草 稻秆 玉米秆 玉米杆 玉米秸 麦茬 稻茬 秆子 谷草 "
     "油菜秆 棉花秆 豆秆 麦草 茬子 稻谷草 庄稼 秸秆堆 麦秸秆 稻秸 芦苇 甘蔗叶")
_add("bobj", "burning", "leaves", 1.0, "树叶 落叶 枯叶 树枝 枯枝 杂草 荒草 枯草 干草 树杈 枯树枝 草堆 "
     "枯枝落叶 竹子")
_add("bobj", "burning", "garbage", 1.0, "垃圾 生活垃圾 垃圾堆 废纸 纸箱 纸壳 杂物 废品 旧家具 沙发 "
     "旧衣服 木头 废木料 装修垃圾 垃圾池 垃圾桶 废纸箱 纸板 床垫 木料")
_add("bobj", "burning", "plastic", 1.0, "塑料 塑料袋 塑料瓶 泡沫 电线 电缆 线皮 电缆皮 铜线 轮胎 橡胶 "
     "胶皮 皮革 地膜 农膜 薄膜 编织袋 油漆桶 废料 化工废料 废油 农药瓶 塑料布 泡沫板 废塑料 "
     "塑料花圈 橡胶轮胎 漆包线 废旧轮胎 电线皮")
_add("bobj", "burning", "ritual_paper", 1.0, "纸钱 冥币 纸扎 纸房子 纸车 花圈 元宝 黄纸 香烛 寒衣 "
     "纸人 祭品")
_add("bobj", "burning", "cured_meat", 1.0, "腊肉 香肠 腊肠 腊鱼 香肠腊肉")
_add("bobj", "burning", None, 0.8, "东西 啥 啥子 什么 啥玩意 啥东西 什么东西")
_add("bobj", "burning", "straw", 0.8, "块地 地里 田里 田间 农田 田边 麦地 稻田 庄稼地 玉米地 田地 地头")
_add("burn", "burning", None, 1.5, "焚烧 露天焚烧 野外焚烧 野外用火 火点 烧荒 放火烧")
_add("burn", "burning", "straw", 1.8, "烧秸秆 焚烧秸秆 秸秆焚烧 烧地 烧田 烧麦茬 烧茬 烧麦秸 烧麦秆 烧麦草 "
     "烧麦秸秆 烧麦子")
_add("burn", "burning", "ritual_paper", 1.6, "烧纸 烧纸钱 烧冥币 上坟烧纸 祭祀 祭奠 烧香烧纸 烧包袱 烧包")
_add("burn", "burning", "cured_meat", 1.8, "熏腊肉 熏肉 熏香肠 熏腊肠 熏制 烟熏腊肉")
_add("burn", "burning", "garbage", 1.8, "烧垃圾 焚烧垃圾 垃圾焚烧")
_add("burn", "burning", None, 0.2, "禁烧")
_add("bctx", "burning", "ritual_paper", 0.0, "清明 清明节 中元节 七月半 鬼节 寒衣节 上坟 周年 烧七")
_add("bctx", "burning", "cured_meat", 0.0, "柏树枝 锯末 腊月")

# --- fireworks ----------------------------------------------------------------
_add("fw", "fireworks", None, 1.5, "鞭炮 烟花 爆竹 礼炮 礼花 炮仗 炮竹 花炮 万响 冷焰火 烟火 放鞭 挂鞭 "
     "一挂鞭 礼花弹 电光炮 鞭炮声 烟花声 放了一挂")
_add("fw", "fireworks", None, 2.0, "放鞭炮 放烟花 烟花爆竹 燃放 放礼炮 放礼花 放炮仗 放火炮 燃放烟花 "
     "燃放鞭炮 燃放爆竹 放烟火")
_add("fw", "fireworks", None, 1.8, "二踢脚 窜天猴 冲天炮 摔炮 甩摔炮 甩炮 擦炮 地老鼠 小蜜蜂 三万响")
_add("fw", "fireworks", None, 1.2, "放炮 火炮 炮声 放了炮 火药味 噼里啪啦 噼噼啪啪 劈里啪啦 劈劈啪啪 "
     "噼啪 还放 还在放 照放 照样放 又放 又在放 放上了 偷偷放 还有人放 放个不停")
_add("fw", "fireworks", None, 0.7, "砰砰 嘭嘭 炸得 炸了 一直在炸 炸醒 放了 孔明灯 炸个不停 嘭嘭嘭 砰砰砰")
_add("fw", "fireworks", None, 0.6, "禁放 禁燃 禁放区 禁燃区 禁燃禁放 禁放区域")
_add("fw", "fireworks", None, 0.5, "炮 放的")
_add("fwctx", "fireworks", "wedding", 0.0, "结婚 婚礼 婚车 迎亲 接亲 娶亲 嫁女 喜事 办喜事 新娘 新郎 婚庆 "
     "娶媳妇 出嫁")
_add("fwctx", "fireworks", "funeral", 0.0, "丧事 出殡 白事 葬礼 去世 送葬 办丧 灵堂 发丧 过世 老人走了 "
     "做白事 办白事 丧礼")
_add("fwctx", "fireworks", "opening", 0.0, "开业 开张 剪彩 乔迁 搬家 上梁 新店 乔迁新居 开工")
_add("fwctx", "fireworks", None, 0.0, "春节 过年 除夕 元宵 元宵节 大年 年三十 初一 初五 破五 "
     "小年 正月 大年初一 接财神 跨年")

# --- dust ---------------------------------------------------------------------
_add("dust", "dust", None, 2.0, "扬尘 尘土飞扬 黄土飞扬 粉尘飞扬 扬尘污染")
_add("dust", "dust", "construction", 2.0, "施工扬尘 工地扬尘")
_add("dust", "dust", "road_dust", 2.0, "道路扬尘 路面扬尘 道路积尘")
_add("dust", "dust", None, 1.5, "灰尘 粉尘 尘土 吃灰 吃土 吃沙子 漫天灰 满天灰 灰尘漫天 积尘 扬灰 "
     "飞灰 起灰 灰大 灰很大 灰太大 灰特别大 灰大得 一层灰 全是灰 都是灰 满是灰 到处是灰 一身土 "
     "全是土 都是土 满脸灰 一身灰 灰蒙蒙 水泥灰 沙土 灰还大 灰也大 那个灰 的灰 土飞 飞沙")
_add("dust", "dust", None, 0.8, "灰 尘 沙尘 沙尘暴 黄沙 黄土 落灰 泥巴 泥土 尘埃 满天 漫天")
_add("dobj", "dust", "construction", 0.4, "工地 施工 建筑工地 施工现场 盖楼 修路 修地铁 修高架 楼盘 "
     "土方开挖 挖土 工程 在建 项目工地")
_add("dobj", "dust", "muck_truck", 1.0, "渣土车 渣土 土方车 泥头车 拉土车 运渣车 拉土的车 拉沙的车 "
     "大货车拉土 拉渣车 拉土 渣土运输 砂石车 沙石车 拉煤车 罐车")
_add("dobj", "dust", "muck_truck", 1.5, "撒漏 遗撒 抛洒 撒落 洒落 掉土 漏土 掉渣 带泥 带泥上路 "
     "沿途撒漏 沿路掉 一路掉土 撒了一路 掉了一路 漏的泥")
_add("dobj", "dust", "bare_soil", 1.2, "裸土 黄土裸露 裸露 土方堆 裸露土地")
_add("dobj", "dust", "bare_soil", 0.5, "土堆 沙堆 土方 空地 防尘网 篷布")
_add("dobj", "dust", "mixing_plant", 0.8, "搅拌站 搅拌厂 混凝土 水泥厂 石料厂 砂石厂 沙石厂 碎石 "
     "沥青搅拌站 混凝土搅拌站 石子厂 采砂")
_add("dobj", "dust", "demolition", 0.4, "拆迁 拆除 拆房 拆楼 拆违 拆旧 拆房子 拆迁队 破碎 爆破拆除")
_add("dobj", "dust", "road_dust", 0.1, "马路 路面 道路 路上 村道 县道 这条路 路边 街道")
_add("mitig", "dust", None, 0.0, "洒水 喷淋 雾炮 喷雾 覆盖 苫盖 盖网 围挡 冲洗 降尘 降尘措施 洒过水 "
     "盖 密闭 洗车台 洒 洒过")
_add("mitig", "dust", "construction", 1.3, "不洒 没洒过 一次都没洒过 不洒水 没洒水 未洒水 没有洒水 从不洒水 从来不洒水 不知道洒水 "
     "没有任何降尘措施 无降尘措施 未落实扬尘 没有围挡 未设置围挡 无围挡 不冲洗 未冲洗 没冲洗")
_add("mitig", "dust", "bare_soil", 1.3, "不盖 没盖 未盖 不覆盖 没有覆盖 未覆盖 没覆盖 不苫盖 未苫盖 "
     "没苫盖 也不盖 没有盖 没人盖 没有苫盖")
_add("mitig", "dust", "muck_truck", 1.3, "不密闭 未密闭 没密闭 不盖篷布 未盖篷布")
_add("wet", None, None, 0.0, "湿 溅 一身水 结冰 湿滑 太频繁 浪费水 积水 全是水 湿漉漉 摔了 喷得 "
     "喷到 滑倒 开着音乐")

# --- everything else ------------------------------------------------------------
_add("other", "other", "noise", 1.0, "噪音 噪声 装修 电钻 电锤 砸墙 打桩 广场舞 音响 喇叭 ktv 狗叫 "
     "飙车 卷帘门 大喇叭 放音乐 鸣笛 吵闹")
_add("other", "other", "noise", 0.3, "吵 吵死 吵得 扰民 太吵 很吵 响个不停")
_add("other", "other", "water", 1.0, "污水 排污 下水道 河水 黑臭 粪水 死鱼 自来水 废水 排水 漏水 水管")
_add("other", "other", "odour", 0.6, "异味 臭味 刺鼻 化学味 臭鸡蛋 恶臭 臭气熏天 养猪场 养殖场 "
     "污水处理厂 橡胶厂")
_add("other", "other", "exhaust", 1.2, "尾气 柴油味 汽油味 锅炉房 烧煤 烧锅炉")
_add("other", "other", "cooking_fumes", 1.5, "油烟 排烟 炒菜 炒辣椒 油烟味 排烟管 炸油条 小吃店 饭店 "
     "餐馆 食堂")
_add("other", "other", "bbq", 1.5, "烧烤 烤串 烤肉 烤红薯 撸串 烧烤摊 烧烤店 夜市")
_add("other", "other", "garbage", 0.4, "没人清理 没人运 清运 乱倒 垃圾分类 清理")
_add("other", "other", "parking", 1.2, "停车 乱停 违停 乱停车 消防通道")
_add("other", "other", "cigarette", 1.2, "卷烟厂 烟草 烟叶 香烟 抽烟 吸烟 烟头 二手烟 烟酒")
_add("other", "other", "fever", 1.5, "发烧 发高烧 高烧 低烧 退烧 烧退")
_add("other", "other", "sale", 0.8, "买烟花 卖烟花 买鞭炮 卖鞭炮 买点烟花 烟花厂 鞭炮厂 烟花店")
_add("decoy", "other", None, 0.3, "烧饭 烧菜 烧水 烧开水 烧水壶 红烧 红烧肉 烧鸡 烧饼 烧卖 烧麦 烧伤 烧坏 "
     "烧钱 烧脑 烧香 烧高香 烧火做饭 烧炕 烧柴做饭 烧录 发烧友 烧得慌 烧心 焚烧发电 焚烧发电厂 "
     "焚烧厂 焚烧炉 垃圾焚烧发电 燃气 燃油 天然气 烟道 烟火气 烟雾报警 油炸 炸鸡 炸串 炸弹 "
     "灰色 石灰 灰心 心灰 灰太狼 烟灰 骨灰 灰指甲 土豆 土地 土鸡 土特产 土狗 土话 土葬 洒水降尘 "
     "灰机 尘埃落定 一尘不染 放学 放假 放心 放开水 开放日 炮火 炮兵 鞭子 烧烤味 火锅 火车 火车站 "
     "火葬场 防火 打火机 火气 上火 发火 火爆 火热 红火 点赞 一点 有点 点名 地点 重点 几点 "
     "泥水 洒水车 秸秆还田 秸秆回收 打捆 还田")
_add("hypo", None, None, 0.0, "快烧起来 要烧起来 会着火 差点着火 差点把 容易着火 怕着火 小心火 "
     "快烧 会不会着火 万一着火")
_add("quarry", None, None, 0.0, "采石场 石场 采石 矿山 开山 炸山 爆破 隧道 矿上 石矿 炸石头 开山放炮")
_add("factory", "other", "odour", 0.4, "工厂 厂里 厂子 厂房 车间 企业 厂区 排放")
_add("factory", "other", "odour", 0.8, "化工厂")
_add("factory", "other", "exhaust", 1.0, "烟囱 锅炉")
_add("policy", None, None, 0.0, "取消 解除 放开 允许 开放 恢复 解禁 放宽 不让放 为什么不让 凭什么不让 "
     "年味 传统文化 传统习俗 禁放令 有条件地 图个热闹 禁止 严禁 可以放 能放 让不让放 禁放时间 禁放范围")
_add("praise", None, None, 0.0, "支持禁放 赞成禁放 拥护 禁得好 政策好 好政策 安静多了 清静 "
     "空气好多了 好多了 是禁了 禁了 为政府点赞 挺好的 很好")
_add("active", None, None, 0.0, "还有人 有人在 还是有人 照样 偷偷 半夜 凌晨 昨晚 今晚 一直 天天 "
     "隔壁 楼下")

# --- structure ---------------------------------------------------------------------
_add("neg", None, None, 0.0, "没有 没 未 并没有 并未 不是 并非 从未 从没 从来没有 无人 没人 没有人 "
     "不再 不曾 没见 没看到 没发现 没看见 没见着 并不是")
_add("postneg", None, None, 0.0, "都没有 都没 也没有 一个都没有 都没了 也没 不一样 不同 不像")
_add("nonneg", None, None, 0.0, "不是说 不但 不仅 不光 不只 不单 不知道 不管 不停 不断 受不了 没人管 "
     "没有人管 没完没了 没日没夜 没法睡 没办法 没用 没有用 也没用 也没有用 都没用 也没人管 都没人管 "
     "不得不 不敢 不行 不了 睡不着 没法 没停 没停过 没有停 不要 不住 没有效果 没人制止 没人处理 "
     "都没有人管 也不管 不知 不明 没过多久 不一会 没多久 没睡好 不像话 不反对 不说了 不就 不少")
_add("breaker", None, None, 0.0, "管 处理 制止 理 阻止 劝 来 效果 办法 用 因为 所以")
_add("simopen", None, None, 0.0, "跟 像 好像 如同 仿佛 犹如 就像 似")
_add("simclose", None, None, 0.0, "似的 一样 一般 似地")
_add("sep", None, None, 0.0, "但 但是 可是 不过 却 然而 而是 只是 可 结果")
_add("strong", None, None, 0.0, "。 ! ? ; ！ ？ ；")
_add("weak", None, None, 0.0, ", 、 ， : ：")
LEXICON["\n"] = LEXICON["。"]


# --- English ------------------------------------------------------------------
# Residents whose Telegram speaks English write their tips in English. The same rules
# apply (a burning verb paired with what burns, up to five words apart); the text is
# lower-cased by normalize(). Matching has no word boundaries, so short words that hide
# in longer ones are left out (tire: entire) or consumed by a decoy (dust: industry).
# Entries are separated by | as they may contain spaces.
_add("fire", "burning", None, 0.7, "burn|burns|burning|burnt|burned|set fire|setting fire|"
     "on fire|lit a fire|lighting a fire|started a fire", sep="|")
_add("smoke", "burning", None, 0.5, "smoke|smoky|smoking|black smoke|thick smoke|white smoke|"
     "flames|flame|ashes", sep="|")
_add("smoke", "burning", None, 0.9, "burning smell|smell of burning|smells burnt", sep="|")
_add("bobj", "burning", "garbage", 1.0, "garbage|rubbish|trash|waste|litter|junk|cardboard|"
     "furniture|dustbin|bin bags", sep="|")
_add("bobj", "burning", "plastic", 1.0, "plastic|plastics|tyre|tyres|car tires|old tires|"
     "cable|cables|wires|rubber", sep="|")
_add("bobj", "burning", "straw", 1.0, "straw|stubble|crop residue|haystack", sep="|")
_add("bobj", "burning", "straw", 0.8, "in the field|in the fields|farmland", sep="|")
_add("smoke", "burning", None, 0.5, "fire|a fire", sep="|")
_add("bobj", "burning", "leaves", 1.0, "leaves|dead leaves|branches|weeds|dry grass", sep="|")
_add("bobj", "burning", "ritual_paper", 1.0, "joss paper|paper money|ghost money|hell money|"
     "spirit money", sep="|")
_add("bobj", "burning", "cured_meat", 1.0, "cured meat|bacon|sausage|sausages", sep="|")
_add("burn", "burning", None, 1.5, "open burning|open fire|bonfire", sep="|")
_add("burn", "burning", "straw", 1.8, "stubble burning|straw burning|burning straw|"
     "burning stubble|field burning", sep="|")
_add("burn", "burning", "garbage", 1.8, "burning garbage|burning rubbish|burning trash|"
     "waste burning|rubbish burning|garbage burning", sep="|")
_add("fw", "fireworks", None, 1.5, "firework|fireworks|firecracker|firecrackers|"
     "fire cracker|fire crackers", sep="|")
_add("fw", "fireworks", None, 2.0, "setting off fireworks|letting off fireworks|"
     "set off fireworks|let off fireworks|setting off firecrackers|letting off firecrackers", sep="|")
_add("fw", "fireworks", None, 1.2, "crackers|bangers", sep="|")
_add("fw", "fireworks", None, 0.7, "bang|bangs|banging|explosions|loud bangs", sep="|")
_add("dust", "dust", None, 2.0, "dust|dusty|dust cloud|clouds of dust", sep="|")
_add("dobj", "dust", "construction", 0.4, "construction site|building site|construction|"
     "roadworks", sep="|")
_add("dobj", "dust", "muck_truck", 1.0, "muck truck|muck trucks|dump truck|dump trucks|"
     "dirt truck|dirt trucks|spilled soil|spilling soil|mud on the road", sep="|")
_add("dobj", "dust", "bare_soil", 1.2, "bare soil|bare earth|uncovered soil|soil heap|"
     "sand pile|piles of sand", sep="|")
_add("dobj", "dust", "demolition", 0.4, "demolition", sep="|")
_add("decoy", "other", None, 0.0, "industr|sawdust|fire alarm|smoke alarm|smoke detector|"
     "fire station|fire brigade", sep="|")
_add("other", "other", "noise", 1.0, "noise|noisy|loud music", sep="|")
_add("other", "other", "exhaust", 1.2, "exhaust|diesel fumes", sep="|")
_add("other", "other", "cooking_fumes", 1.5, "cooking fumes|kitchen fumes", sep="|")
_add("other", "other", "water", 1.0, "waste water|wastewater|sewage", sep="|")


def _trie_pattern(words: list[str]) -> str:
    """Build a regex alternation shaped like a trie, longest alternatives first."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


CUE_RE = re.compile(_trie_pattern(list(LEXICON)))
