"""简体中文 (zh-Hans): the first language of every message."""

MESSAGES: dict[str, str] = {
    "start.welcome": (
        "您好，{name}！这里是「蓝天」大气污染举报与网格巡查助手。\n\n"
        "看到露天焚烧（秸秆、垃圾、纸钱、熏腊肉）、燃放烟花爆竹或扬尘（工地、渣土车、裸土），"
        "直接把照片、位置或一句话发给我，一分钟就能报给当班网格员。\n\n"
        "默认匿名举报，网格员和干部看不到您是谁。发送 /help 查看全部用法。"
    ),
    "help.private": (
        "「蓝天」能做什么\n\n"
        "📣 举报：发送 /report，或直接发照片、位置、文字描述。\n"
        "📋 /my 查看我的举报和处理进度\n"
        "❌ /cancel 放弃正在填写的举报\n"
        "🌐 /lang 切换语言（中文 / English）\n\n"
        "我们会告诉您：谁接了单、何时到场、处理结果。默认匿名。"
    ),
    "help.group": (
        "「蓝天」在群里可用的命令：\n"
        "/status 查看辖区工单和时效\n"
        "/overdue 查看超时工单\n"
        "举报请私聊我：@{bot_username}"
    ),
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.set": "已切换为中文。",
    "fallback.private": "抱歉，我没看懂这条消息。举报请发送 /report，或直接发照片、位置、文字描述；/help 查看用法。",
    "fallback.unsupported": "抱歉，我还处理不了这类消息（{kind}）。请发照片、位置或文字描述，/help 查看用法。",
    "error.generic": "抱歉，刚才出了点问题，您的信息没有丢失。请稍后再试，或发送 /help。",
    "command.private_only": "这个命令请私聊我使用：@{bot_username}",
    "command.group_only": "这个命令只能在绑定的干部群里使用。",
    "menu.report": "举报污染线索",
    "menu.my": "我的举报",
    "menu.cancel": "放弃当前举报",
    "menu.lang": "切换语言",
    "menu.help": "使用帮助",
    "menu.status": "辖区工单与时效",
    "menu.overdue": "超时工单",
    "menu.bind": "把本群绑定到网格（管理员）",
    "menu.unbind": "解除本群绑定（管理员）",
    "menu.export": "导出统计表（管理员）",
    "menu.bulletin": "生成月度通报",
}
