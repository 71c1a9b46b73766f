"""Which section of the user guide explains each workbench page of the disputes
(communities.guide; the anchors are the headings' anchors on the code host)."""

HELP_SECTIONS = {
    "case_list": "disputes#3-案件列表筛选和统计",
    "case_register": "disputes#4-登记案件首问负责制",
    "case_detail": "disputes#5-案件页面和处理过程",
    "case_print": "disputes#打印卷宗",
    "case_accept": "disputes#6-受理落实四定",
    "case_session": "disputes#7-调解记录",
    "case_resolve": "disputes#8-结案化解未化解结案撤回",
    "case_close": "disputes#8-结案化解未化解结案撤回",
    "case_withdraw": "disputes#8-结案化解未化解结案撤回",
    "case_escalate": "disputes#9-上交上一级",
    "case_reassign": "disputes#10-变更包保领导承办人或办结时限",
    "case_deadline": "disputes#10-变更包保领导承办人或办结时限",
    "case_visit": "disputes#11-回访与满意度",
    "case_party": "disputes#5-案件页面和处理过程",
    "case_export": "disputes#16-导出-excel",
}
