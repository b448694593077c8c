"""Realistic Chinese titles for items and posts a scenario does not title itself.

Deterministic: the same scenario always yields the same titles (seeded by site/column or account).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

_YAOWEN_ACTS = (
    "召开{t}工作会议", "安排部署{t}工作", "专题研究{t}工作", "督导检查{t}工作落实情况", "推进{t}工作取得阶段性成效",
)
_YAOWEN_TOPICS = (
    "安全生产", "森林草原防灭火", "巩固拓展脱贫攻坚成果同乡村振兴有效衔接", "生态环境保护督察反馈问题整改",
    "民生实事项目建设", "防汛减灾", "铸牢中华民族共同体意识", "优化营商环境", "重大项目建设",
    "耕地保护和粮食安全", "信访维稳", "政务公开和政务服务",
)
_DONGTAI_SUBJECTS = (
    "{lv}自然资源局", "{lv}教育和体育局", "{lv}卫生健康局", "{lv}农业农村局", "{lv}交通运输局",
    "{lv}市场监督管理局", "{lv}应急管理局", "{lv}民政局", "{lv}司法局", "{lv}文化广播电视和旅游局",
)
_DONGTAI_ACTS = (
    "开展安全生产隐患排查整治行动", "召开专题工作推进会", "开展“法律进乡村”宣传活动", "深入基层开展调研",
    "组织开展业务能力提升培训", "开展防汛应急演练", "开展食品安全专项检查", "开展政策宣讲进村入户活动",
)
_NOTICE_FORMS = ("关于{t}的通知", "关于{t}的公告", "关于{t}的公示")
_NOTICE_TOPICS = (
    "开展2024年度安全生产大检查", "做好2024年国庆节假期有关工作", "公开招聘2024年度编外聘用人员",
    "2024年度拟表彰先进集体和先进个人名单", "调整部分道路交通管制措施", "开展2024年秋季森林草原防灭火工作",
    "开展第五次全国经济普查宣传月活动", "2024年度政府信息公开工作年度报告", "征求《意见稿》意见建议",
)
_POLICY_FORMS = ("{u}关于印发《{t}》的通知", "{u}办公室关于印发《{t}》的通知")
_POLICY_TOPICS = (
    "2024年政务公开工作要点", "进一步优化营商环境若干措施", "森林草原防灭火工作实施方案",
    "农村人居环境整治提升行动方案", "突发事件应急预案管理办法", "民生实事项目管理办法",
    "城乡居民医疗保险实施细则", "安全生产治本攻坚三年行动实施方案",
)
_OTHER_TOPICS = (
    "2024年1-{m}月经济运行情况", "2024年{m}月居民消费价格指数（CPI）", "2024年1-{m}月规模以上工业增加值情况",
    "2024年1-{m}月社会消费品零售总额情况", "2024年1-{m}月固定资产投资情况",
)
_POST_TEXTS = (
    "【{n}】今日，{u}召开专题会议，研究部署近期重点工作。",
    "#甘孜文旅# 秋日的高原层林尽染，欢迎大家来甘孜看一看！",
    "【便民提示】近期降雨较多，请广大群众注意出行安全，远离山洪、泥石流易发区域。",
    "【政策解读】一图读懂《2024年政务公开工作要点》",
    "【安全提醒】森林草原防火期，请勿携带火种进山入林！",
    "【权威发布】{u}2024年重点民生实事进展情况通报",
    "【身边事】{u}开展“我为群众办实事”志愿服务活动",
    "【关注】全州秋季学期开学工作有序推进",
    "【防汛】{u}启动防汛四级应急响应",
    "【聚焦】{u}扎实推进乡村振兴重点工作",
)


def _level_prefix(level: str) -> str:
    return "县" if level == "县" else "州"


def column_titles(seed: str, category: str, unit: str, level: str) -> Iterator[str]:
    """An endless, non-repeating-as-long-as-possible stream of titles for one column."""
    rng = random.Random(seed)
    if category == "要闻":
        pool = [f"{unit}{a.format(t=t)}" for a in _YAOWEN_ACTS for t in _YAOWEN_TOPICS]
    elif category == "动态":
        lv = _level_prefix(level)
        pool = [f"{s.format(lv=lv)}{a}" for s in _DONGTAI_SUBJECTS for a in _DONGTAI_ACTS]
    elif category == "通知公告":
        pool = [f.format(t=t) for f in _NOTICE_FORMS for t in _NOTICE_TOPICS]
    elif category == "政策文件":
        pool = [f.format(u=unit, t=t) for f in _POLICY_FORMS for t in _POLICY_TOPICS]
    else:
        pool = [t.format(m=m) for t in _OTHER_TOPICS for m in range(2, 13)]
    rng.shuffle(pool)
    round_no = 0
    while True:
        for title in pool:
            yield title if round_no == 0 else f"{title}（{round_no + 1}）"
        round_no += 1


def post_texts(seed: str, account_name: str, unit: str) -> Iterator[str]:
    rng = random.Random(seed)
    pool = [t.format(n=account_name, u=unit) for t in _POST_TEXTS]
    while True:
        rng.shuffle(pool)
        yield from pool


def body_text(title: str, unit: str) -> str:
    return (
        f"{title}。\n"
        f"会议（活动）要求，各级各部门要提高政治站位，压实工作责任，细化工作措施，确保各项工作落地见效。\n"
        f"{unit}相关负责同志参加。"
    )


_MESSAGES = (
    ("关于{p}道路破损的反映", "{p}附近道路路面破损严重，雨天积水，群众出行不便，希望有关部门尽快修复。"),
    ("咨询城乡居民医疗保险缴费问题", "请问2025年度城乡居民医疗保险的缴费时间和标准是多少？在外务工可以线上缴费吗？"),
    ("关于{p}饮水安全的建议", "{p}近期自来水浑浊，建议有关部门对供水设施进行检修并公布水质检测结果。"),
    ("咨询高龄津贴申领条件", "家中老人今年满80周岁，请问高龄津贴需要哪些材料，在哪里办理？"),
    ("关于农民工工资拖欠的求助", "本人在{p}某工地务工，工资已拖欠三个月，请求有关部门帮助协调解决。"),
    ("咨询不动产登记办理流程", "请问办理房屋不动产权证需要准备哪些材料，可以在网上预约吗？"),
    ("关于{p}路灯不亮的反映", "{p}一带路灯已损坏一个多月，夜间出行存在安全隐患，希望尽快维修。"),
    ("咨询创业担保贷款政策", "请问高校毕业生返乡创业可以申请创业担保贷款吗？额度和贴息政策是怎样的？"),
)
_PLACES = ("县城新区", "城北片区", "318国道沿线", "河东社区", "农贸市场", "客运站")


def message_texts(seed: str, unit: str) -> Iterator[tuple[str, str]]:
    """(title, text) of guestbook messages, deterministic per column."""
    rng = random.Random(seed)
    pool = [(t.format(p=p), b.format(p=p)) for t, b in _MESSAGES for p in _PLACES[:2]]
    while True:
        rng.shuffle(pool)
        yield from pool
