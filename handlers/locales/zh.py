"""简体中文 (zh-Hans): the first language of every message."""

MESSAGES: dict[str, str] = {
    "start.hello": "您好，{name}！",
    "start.hello_anonymous": "您好！",
    "start.welcome": (
        "{hello}这里是「蓝天」大气污染举报与网格巡查助手。\n\n"
        "看到露天焚烧（秸秆、垃圾、纸钱、熏腊肉）、燃放烟花爆竹或扬尘（工地、渣土车、裸土），"
        "直接把照片、位置或一句话发给我，一分钟就能报给当班网格员。\n\n"
        "默认匿名举报，网格员和干部看不到您是谁。发送 /help 查看全部用法。"
    ),
    "help.private": (
        "「蓝天」能做什么\n\n"
        "📣 举报：发送 /report，或直接发照片、位置、文字描述。\n"
        "📋 /my 查看我的举报和处理进度\n"
        "❌ /cancel 放弃正在填写的举报\n"
        "📢 /subscribe 订阅所在网格的禁燃禁放公告（/unsubscribe 退订）\n"
        "🌐 /lang 切换语言（中文 / English）\n\n"
        "我们会告诉您：谁接了单、何时到场、处理结果。默认匿名。"
    ),
    "help.next": "举报是怎么处理的 ▶",
    "help.back": "◀ 返回",
    "help.private_2": (
        "举报是怎么处理的\n\n"
        "1️⃣ 发来照片（最多 {photos} 张）、位置和一句话描述，顺序随意，缺什么我会问。"
        "位置可以点「📍 发送当前位置」，也可以直接说出小区或路口。\n"
        "2️⃣ 确认类型和地点后点「提交」，马上得到举报编号。\n"
        "3️⃣ 工单立即派给所在网格的当班网格员：工作日 {workday} 分钟内到场，"
        "夜间和节假日 {offhours} 分钟内。\n"
        "4️⃣ 接单、到场和处理结果都会在这里通知您，/my 随时可查。\n\n"
        "🔒 默认匿名：网格员和干部看不到您是谁。只有在确认页点了「允许联系我」，"
        "网格员才能看到您的名字并联系您。\n"
        "⏳ 没有提交的举报草稿 {hours} 小时后自动清除。"
    ),
    "help.group": (
        "「蓝天」在群里可用的命令：\n"
        "/status 查看辖区工单和时效\n"
        "/overdue 查看超时工单\n"
        "/bulletin 月度通报 · /export 导出统计表\n"
        "/duty 谁在值班（巡查群）\n"
        "举报请私聊我：@{bot_username}"
    ),
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.set": "已切换为中文。",
    "fallback.private": "抱歉，我没看懂这条消息。举报请发送 /report，或直接发照片、位置、文字描述；/help 查看用法。",
    "fallback.unsupported": "抱歉，我还处理不了这类消息（{kind}）。请发照片、位置或文字描述，/help 查看用法。",
    "update.handled_before": "这条消息之前已经收到并处理过了，无需重发。",
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
    "menu.export": "导出统计表",
    "menu.bulletin": "生成月度通报",
    'menu.checkin': '上岗签到（巡查队员）',
    'menu.checkout': '下班签退（巡查队员）',
    'menu.duty': '谁在值班·我的班次',
    'menu.subscribe': '订阅禁燃禁放公告',
    'menu.unsubscribe': '退订公告',
    'fallback.unknown_command': '抱歉，没有这个命令。发送 /help 查看可用的命令。',
    'button.invalid': '这个按钮已失效。请发送 /help 查看用法。',
    'flood.slow_down': '您发送得太快了，请稍等 {seconds} 秒再发。之前收到的内容都已保存；这段时间里发来的消息不会被处理，请稍后重新发送。',
    'category.burning': '焚烧',
    'category.fireworks': '烟花爆竹',
    'category.dust': '扬尘',
    'category.other': '其他',
    'category.unknown': '未选择',
    'state.new': '已受理',
    'state.dispatched': '待接单',
    'state.acked': '处理中',
    'state.on_site': '已到场',
    'state.resolved': '已办结',
    'state.unfounded': '无法核实',
    'state.reopened': '重新处理',
    'kind.sticker': '贴纸',
    'kind.voice': '语音',
    'kind.video': '视频',
    'kind.video_note': '视频消息',
    'kind.audio': '音频',
    'kind.animation': '动图',
    'kind.contact': '联系人名片',
    'kind.poll': '投票',
    'kind.dice': '骰子',
    'kind.document': '文件',
    'kind.game': '游戏',
    'kind.story': '动态',
    'kind.other': '这类消息',
    'intake.begin': '请告诉我您看到了什么，照片、位置、文字描述都可以，顺序随意：\n📷 现场照片（最多5张）\n📍 位置：点下方按钮发送当前位置，或直接说地点（小区、路口、村）\n✍️ 一句话描述，比如“白马小区后面有人烧垃圾”',
    'intake.share_location': '📍 发送当前位置',
    'intake.ask_category': '请选择问题类型：',
    'intake.confirm_category': '看起来是「{label}」，对吗？',
    'intake.yes_category': '✅ 对，是{label}',
    'intake.confirm_place': '您说的地点「{place}」，是在{grid}吗？',
    'intake.confirm_area': '您说的地点是在{grid}吗？',
    'intake.place_yes': '✅ 是',
    'intake.place_no': '不是，我发位置',
    'intake.place_no_back': '不是，还是{grid}',
    'intake.ask_location': '请发送位置：点下方「📍 发送当前位置」，或在📎里选择「位置」；也可以直接打字告诉我地点（小区、路口、村名）。',
    'intake.location_ok': '📍 位置已收到：{grid}。',
    'intake.location_outside': '📍 这个位置不在我们划定的网格内，举报会转给{desk}值班台处理。',
    'intake.bad_point': '这个位置好像不对（经纬度为 0 或超出范围）。请重新发送您的当前位置。',
    'intake.where_outside': '网格外，转{desk}值班台',
    'intake.where_unknown': '未提供',
    'intake.duty_desk': '总值班台',
    'intake.summary': '请确认举报内容：\n{details}\n\n确认无误请点「提交」。',
    'intake.details': '类型：{category}\n地点：{where}\n描述：{text}\n照片：{photos} 张\n联系方式：{contact}',
    'intake.point_decides': '📍 地点以您发送的位置为准（{grid}）。如果位置不对，请重新发送位置，或在确认页点「修改」→「改地点」。',
    'intake.text_noted': '✍️ 描述已记下。',
    'intake.contact_yes': '允许网格员联系我',
    'intake.contact_no': '匿名（网格员看不到您是谁）',
    'intake.toggle_contact_on': '☐ 允许联系我',
    'intake.toggle_contact_off': '☑ 允许联系我',
    'intake.submit': '✅ 提交',
    'intake.edit': '✏️ 修改',
    'intake.cancel': '❌ 取消',
    'intake.edit_category': '改类型',
    'intake.edit_location': '改地点',
    'intake.edit_more': '补充照片或描述',
    'intake.back': '返回',
    'intake.send_more': '请直接发送要补充的照片或文字，发完会再给您确认。',
    'intake.submitted': '✅ 举报已受理，编号 {number}。\n已派给{grid}的当班网格员，要求 {deadline} 前到场。接单、到场和处理结果都会在这里告诉您，也可以发送 /my 查看。感谢您守护蓝天！',
    'intake.submitted_merged': '✅ 举报已受理。附近已有人举报同一情况，已并入工单 {number}（{grid}），处理结果会同样告诉您。发送 /my 查看。感谢您守护蓝天！',
    'intake.submitted_again': '✅ 举报已受理。您之前已举报过这里的同一情况，这次的内容已补充到工单 {number}（{grid}），处理结果会告诉您。发送 /my 查看。感谢您守护蓝天！',
    'intake.submitted_desk': '✅ 举报已受理，编号 {number}。\n{reason}，已转值班台核实处理。处理进展和结果都会在这里告诉您，也可以发送 /my 查看。感谢您守护蓝天！',
    'intake.desk_outside': '该地点不在我们划定的网格内',
    'intake.desk_area': '该地点属于{grid}，但不在具体网格内',
    'intake.thanks_short': '已提交，谢谢！',
    'intake.cancelled': '已取消这份举报。需要时随时发送 /report。',
    'intake.nothing': '您现在没有正在填写的举报。发送 /report 开始。',
    'intake.unfinished': '您还有一份未提交的举报。继续填写，还是重新开始？',
    'intake.start_unfinished': '📝 您还有一份未提交的举报：接着发照片、位置或文字即可，发送 /report 可以选择继续或重新开始。',
    'intake.unfinished_words': '（/report 后面写的文字还没有记下：选好后请再发一次。）',
    'intake.resume': '继续填写',
    'intake.restart': '重新开始',
    'intake.previous_expired': '（您上一份举报草稿超过时限未提交，已自动清除。）',
    'intake.draft_gone': '这份举报已提交、取消或过期了。需要举报请发送 /report。',
    'intake.unknown_link': '这个二维码对应的网格不存在或已调整。举报时请直接发送位置。',
    'intake.link_grid': '已为您选好网格：{grid}。请发送现场照片或一句话描述您看到的情况。',
    'intake.link_continues': '已接着您未完成的举报，网格按海报改为{grid}。',
    'intake.link_kept_point': '您未完成的举报已有您发送的位置（{where}），比海报更准确，所以没有改为{grid}。',
    'intake.emoji_only': '收到啦 🙂 请用文字描述您看到的情况，或发送照片、位置。',
    'intake.pick_kind': '请点下方按钮选择类别。',
    'intake.use_buttons': '请点下方按钮：「提交」、「修改」或「取消」。',
    'intake.typed_command': '「{word}」没有记入描述。请按下面的提示继续；不想举报了可以发送 /cancel。',
    'intake.text_truncated': '描述最多保留 {limit} 字，超出的部分没有保存。',
    'intake.photo_ok': '📷 照片已收到（{count}/{limit}）。',
    'intake.album_review': '照片都发完后，点下方按钮查看确认页。',
    'intake.review': '📋 查看确认页',
    'intake.album_ok': '📷 相册的照片已收到（一份举报最多 {limit} 张）。',
    'intake.photo_duplicate': '这张照片已经收到过了。',
    'intake.too_many_photos': '每份举报最多 {limit} 张照片，多出的没有保存。',
    'intake.file_too_big': '文件太大（超过 {mb} MB），没有保存。请发送照片，或压缩后再发。',
    'intake.not_an_image': '只能接收图片作为证据，这个文件没有保存。请直接发送照片。',
    'intake.edited': '修改过的消息不会更新到举报里。如需补充，请直接再发一条。',
    'intake.forwarded': '转发的消息不能作为举报。请直接发送您看到的情况（照片、位置或文字）。',
    'my.none': '您还没有举报记录。看到污染线索，发送 /report 即可举报。',
    'my.title': '我的举报（最近10件）：',
    'my.line': '• {number} {time} {category} — {state}（{grid}{times}）',
    'my.times': '，您举报了{times}次',
    'intake.expired_note': '您的举报草稿超过 {hours} 小时未提交，已自动清除。需要时请重新发送 /report。',
    'group.added': '您好！我是「蓝天」巡查助手。本群的 ID 是 {chat_id}。\n管理员可以在网格文件里把它设为某个网格的巡查群（patrol_chat_id）或干部群（official_chat_ids），也可以在本群发送 /bind 网格代码 绑定为干部群。居民举报请私聊 @{bot_username}。',
}
