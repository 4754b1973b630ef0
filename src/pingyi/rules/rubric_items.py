"""The sub-items and scoring standards of the built-in grading rubrics (data, no logic).

Drawn from seed 003: the "seven indicators" (党组织带头人 … 群众评价, 兵团 and 吉林 plans)
with the tasks the plans name for each (选优训强带头人, 研究谋划工作思路, 建立完善规章制度,
建好用好活动阵地, 落实经费保障机制; 党务公开日 each quarter's first month on the 15th; a
village activity room of at least 100 m²), and the "five goods" (五个好, 宜春 plan). The texts
are what assessors read beside each indicator; they are data of the published rules, hence
in Chinese. Each indicator's sub-item points add up to its maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class SubItem:
    """One line of a rubric indicator: what is checked, its points, and how points are lost."""

    name: str
    points: Fraction
    standard: str


def _item(name: str, points: int, standard: str) -> SubItem:
    return SubItem(name, Fraction(points), standard)


SURVEY_STANDARD = (
    "由群众满意度测评得出：得分 = 本项满分 × 满意率（满意与基本满意票数 ÷ 有效票数）；"
    "党员与非党员约各占一半，党员全部参加；有效票少于规定人数的不公布、不计分。"
)

SEVEN_ITEMS: dict[str, tuple[SubItem, ...]] = {
    "leader": (
        _item(
            "政治素质和廉洁自律",
            6,
            "书记政治坚定、公道正派、带头遵纪守法；本人或班子成员有违法违纪行为、"
            "充当“保护伞”的本项不得分（并整体定为较差）；群众反映问题较多的扣3分。",
        ),
        _item(
            "带领发展和服务群众的能力",
            8,
            "能带领党员群众推动发展、服务群众，领办创办发展项目；"
            "作用发挥不明显的扣4分，群众普遍不认可的扣8分。",
        ),
        _item(
            "班子团结和履职尽责",
            6,
            "班子团结、结构合理、分工明确、履职到位；班子不团结或职位空缺的每项扣3分。",
        ),
    ),
    "ideas": (
        _item(
            "发展思路和年度计划",
            5,
            "发展思路清晰，有书面年度工作计划和目标；无计划扣5分，计划不具体、不切实际扣2分。",
        ),
        _item(
            "承诺践诺",
            5,
            "向党员群众公开承诺事项并按期兑现；未承诺扣5分，每有一项未兑现扣1分。",
        ),
    ),
    "rules": (
        _item(
            "组织生活制度",
            6,
            "“三会一课”、组织生活会、民主评议党员等制度落实，记录完整；每缺一项扣2分。",
        ),
        _item(
            "党务公开",
            5,
            "每季度首月15日为党务公开日，内容、程序、形式规范；未公开扣5分，"
            "公开不及时或内容不全扣2分。",
        ),
        _item(
            "党员发展和管理",
            4,
            "发展党员程序规范，流动党员有台账、有联系；程序不规范或管理缺位的每项扣2分。",
        ),
    ),
    "venue": (
        _item(
            "固定活动场所",
            5,
            "有固定的党员活动场所并挂牌（村级党员活动室面积不少于100平方米）；"
            "无固定场所扣5分，面积不达标扣2分。",
        ),
        _item(
            "设施和使用",
            5,
            "设施齐全，远程教育等设备正常使用，活动经常开展；设施缺失或闲置的扣1至5分。",
        ),
    ),
    "support": (
        _item(
            "工作经费",
            5,
            "党组织工作经费和服务群众专项经费落实到位；未落实扣5分，落实不足扣2分。",
        ),
        _item(
            "报酬待遇和激励关怀",
            5,
            "书记和干部报酬待遇按规定落实，有激励关怀措施；未落实的扣1至5分。",
        ),
    ),
    "performance": (
        _item(
            "中心工作和年度目标",
            10,
            "完成中心工作和年度目标任务，年度考核结果和信访、综治等部门意见作为参考；"
            "未完成的每项扣2分。",
        ),
        _item(
            "创先争优和先锋作用",
            5,
            "公示创先争优业绩，党员设岗定责、先锋模范作用发挥明显；作用不明显扣1至5分。",
        ),
        _item(
            "服务群众",
            5,
            "为民服务全程代理等服务机制运行，群众办事方便；服务缺位或群众投诉属实的扣1至5分。",
        ),
    ),
    "mass_evaluation": (_item("群众满意度测评", 15, SURVEY_STANDARD),),
}

FIVE_GOODS_ITEMS: dict[str, tuple[SubItem, ...]] = {
    "leadership": (
        _item(
            "书记素质好",
            8,
            "书记政治坚定、公道正派、能力突出；有违法违纪行为或充当“保护伞”的本项不得分。",
        ),
        _item("班子团结", 6, "班子团结协作、民主决策；不团结或决策不民主的扣3至6分。"),
        _item("结构合理", 6, "年龄、文化结构合理，职位无空缺；每有一项不合理扣2分。"),
    ),
    "members": (
        _item("教育管理经常", 7, "“三会一课”坚持经常，流动党员管理到位；每缺一项扣2分。"),
        _item("先锋作用明显", 7, "党员设岗定责、承诺践诺，先锋作用明显；不明显的扣1至7分。"),
        _item("发展党员规范", 6, "发展党员程序规范、结构合理；不规范的扣2至6分。"),
    ),
    "mechanism": (
        _item("制度健全", 7, "各项工作制度健全并落实；制度缺失或不落实的每项扣2分。"),
        _item("党务公开", 7, "每季度首月15日党务公开，内容、程序规范；未公开扣7分，不规范扣3分。"),
        _item("阵地和经费保障", 6, "有固定活动场所，工作经费落实；每缺一项扣3分。"),
    ),
    "performance": (
        _item("中心工作", 10, "完成中心工作和年度目标任务；未完成的每项扣2分。"),
        _item("创先争优", 5, "创先争优活动有特色、有成效；成效不明显扣1至5分。"),
        _item("服务群众", 5, "服务群众机制健全、群众办事方便；服务缺位扣1至5分。"),
    ),
    "reputation": (_item("群众满意度测评", 20, SURVEY_STANDARD),),
}
