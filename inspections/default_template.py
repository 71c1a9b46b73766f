"""The default 三有/六好 checklist the product ships (shared/standard-sanyou-liuhao.md).

Plain data, loaded by migration 0002 (with historical models) and usable by tests and demos.
"""

from decimal import Decimal

NAME = "平安小区创建月度检查表"
THRESHOLDS = {
    "pass_threshold": Decimal("85"),
    "basic_threshold": Decimal("70"),
    "item_pass_ratio": Decimal("60"),
}

# The 六好 item "legal education" (法制教育好): the self-check page shows the month's
# legal-education activities (communities.activities) beside it as evidence. Items are known by
# their code across checklist versions (a supervision compares answers by code too).
LEGAL_EDUCATION_ITEM = "LH-4"

# (code, title, order, items); item: (code, title, text, type, points, evidence, critical,
# fail_above, guidance)
SECTIONS = [
    (
        "SY",
        "三有",
        1,
        [
            (
                "SY-1",
                "有场所",
                "有固定的治安（警务）室或物业服务站开展安全工作，并有标牌。",
                "yes_no",
                5,
                True,
                True,
                None,
                "拍摄场所及标牌照片。",
            ),
            (
                "SY-2",
                "有制度",
                "巡逻、值班、来访登记、矛盾纠纷排查、消防安全等制度上墙并执行。",
                "yes_no",
                5,
                True,
                True,
                None,
                "拍摄上墙制度照片。",
            ),
            (
                "SY-3",
                "有档案资料",
                "本月会议、巡逻、排查、培训、隐患整改等台账齐全。",
                "yes_no",
                5,
                True,
                True,
                None,
                "上传本月台账扫描件或照片。",
            ),
        ],
    ),
    (
        "LH",
        "六好",
        2,
        [
            (
                "LH-1",
                "组织领导好",
                "企业成立创建工作小组并明确负责人；本月召开过小组会议。",
                "score",
                10,
                True,
                False,
                None,
                "上传会议纪要。",
            ),
            (
                "LH-2",
                "经费保障好",
                "安保人员和设施维护经费有预算、有支出。",
                "score",
                10,
                False,
                False,
                None,
                "",
            ),
            (
                "LH-3a",
                "治安防范好 · 群防群治",
                "十户联防组覆盖住户；义务巡逻队本月开展活动。",
                "score",
                10,
                False,
                False,
                None,
                "",
            ),
            (
                "LH-3b",
                "治安防范好 · 技防物防",
                "各出入口有监控且运行正常；有报警、门禁；围墙、照明完好。",
                "score",
                10,
                True,
                False,
                None,
                "拍摄监控、门禁等设施照片。",
            ),
            (
                "LH-3c",
                "治安防范好 · 门岗值守",
                "门岗24小时值守；来访人员、车辆登记。",
                "score",
                5,
                False,
                False,
                None,
                "",
            ),
            (
                "LH-3d",
                "治安防范好 · 案件",
                "本月小区内发生的重大刑事、治安案件数。",
                "number",
                0,
                False,
                True,
                Decimal("0"),
                "一般案件的件数和情况请写在说明中。",
            ),
            (
                LEGAL_EDUCATION_ITEM,
                "法制教育好",
                "本月开展法律进社区、进住户等法制宣传活动，并记录覆盖住户。",
                "score",
                10,
                True,
                False,
                None,
                "拍摄活动照片。",
            ),
            (
                "LH-5",
                "落实制度好",
                "巡逻、值班、登记制度切实执行，记录与实际相符。",
                "score",
                10,
                False,
                False,
                None,
                "",
            ),
            (
                "LH-6a",
                "工作秩序好 · 环境",
                "环境整洁有序；无违章搭建；车辆停放有序。",
                "score",
                10,
                False,
                False,
                None,
                "",
            ),
            (
                "LH-6b",
                "工作秩序好 · 消防",
                "消防通道畅通；灭火器、消火栓在有效期内且完好。",
                "score",
                10,
                True,
                True,
                None,
                "拍摄消防通道和器材照片。",
            ),
        ],
    ),
]


def load_default_template(Template, Section, Item, *, version: int = 1):
    """Create the default template (published) with the given model classes; idempotent."""
    template, created = Template.objects.get_or_create(
        version=version, defaults={"name": NAME, "status": "published", **THRESHOLDS}
    )
    if not created:
        return template
    for code, title, order, items in SECTIONS:
        section = Section.objects.create(template=template, code=code, title=title, order=order)
        for position, row in enumerate(items, start=1):
            code_, title_, text, kind, points, evidence, critical, fail_above, guidance = row
            Item.objects.create(
                section=section,
                code=code_,
                title=title_,
                text=text,
                guidance=guidance,
                answer_type=kind,
                points=Decimal(points),
                evidence_required=evidence,
                critical=critical,
                fail_above=fail_above,
                order=position,
            )
    return template
