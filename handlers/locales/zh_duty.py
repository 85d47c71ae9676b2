"""简体中文：巡查签到（/checkin /checkout /duty）与居民订阅公告（/subscribe /unsubscribe）。

Reminder texts sent by the scheduler are templates in ``[reminders.texts.zh]``
(defaults: schedules/default_reminders.toml), not here.
"""

MESSAGES: dict[str, str] = {
    # /checkin, /checkout
    "checkin.not_member": (
        "这个命令供网格巡查队员使用，名册里没有找到您。"
        "如需举报污染线索，请直接发送照片、位置或文字描述。"
    ),
    "checkin.private_only": "签到、签退和查看值班请私聊我：@{bot_username}",
    "checkin.ask_location": "请点击下方按钮发送当前位置，完成上岗签到（也可以共享实时位置）。",
    "checkin.button": "📍 发送位置签到",
    "checkin.already": "您已于 {time} 在「{grid}」签到上岗，无需重复签到。下班时请发送 /checkout。",
    "checkin.done": "✅ 已签到上岗：「{grid}」，{time}。下班时请发送 /checkout 签退。",
    "checkin.bad_point": "这个位置看起来不对，请点击按钮重新发送当前位置。",
    "checkin.checkout_none": "您目前没有进行中的班次。上岗时请发送 /checkin 签到。",
    "checkin.checkout_done": "👋 已签退：「{grid}」，{start}–{end}（{duration}）。辛苦了！",
    "checkin.duration": "{hours}小时{minutes}分钟",
    # /duty
    "duty.header": "👮 当前在岗（{time}）",
    "duty.all_hands": "🚨 高等级时段「{window}」：全体巡查队员在岗。",
    "duty.grid_line": "• {grid}：{names}",
    "duty.leader_line": "• {grid}：无人排班，由 {names} 负责",
    "duty.nobody_line": "• {grid}：暂无人在岗",
    "duty.mine": "📅 我的班次",
    "duty.shift_line": "• {grid}：{shifts}",
    "duty.on_call": "随时待命",
    "duty.next": "⏭ 接下来：{items}",
    "duty.no_next": "⏭ 未来两周没有排班。",
    "duty.status_in": "✅ 您已于 {time} 在「{grid}」签到上岗。",
    "duty.status_out": "您当前未签到，上岗时请发送 /checkin。",
    "duty.no_grid": "这个群没有绑定巡查网格。查看自己的值班请私聊我：@{bot_username}",
    "duty.sep": "、",
    # /subscribe, /unsubscribe
    "subscribe.done": (
        "✅ 已订阅「{grid}」的禁燃禁放公告。除夕、清明等敏感时段开始前我会提醒您。"
        "发送 /unsubscribe 可退订。"
    ),
    "subscribe.already": "您已订阅「{grid}」的公告。发送 /unsubscribe 可退订。",
    "subscribe.ask_location": "请发送您所在的位置（点击下方按钮），我会为您订阅所在网格的禁燃禁放公告。",
    "subscribe.button": "📍 发送我的位置",
    "subscribe.outside": "这个位置不在本平台服务的网格范围内，暂时无法订阅。",
    "subscribe.bad_point": "这个位置看起来不对，请点击按钮重新发送。",
    "subscribe.unknown_link": "这个订阅链接无效或网格已调整。发送 /subscribe 可按位置订阅。",
    "subscribe.private_only": "订阅公告请私聊我：@{bot_username}",
    "subscribe.none": "您目前没有订阅任何公告。发送 /subscribe 订阅。",
    "subscribe.removed": "已退订「{grids}」的公告。",
    "subscribe.choose": "您订阅了以下网格的公告，请选择要退订的：",
    "subscribe.all_button": "全部退订",
    "subscribe.stale": "这个按钮已失效，请重新发送 /unsubscribe。",
    "subscribe.sep": "、",
}
