"""Which section of the user guide explains each workbench page of the reports app
(communities.guide)."""

SUMMARY_SECTIONS: dict[str, str] = {
    "summaries": "summaries#1-导出汇总表",
}

REPORT_SECTIONS: dict[str, str] = {
    "report_list": "reports#1-报告列表和申请报告",
    "report_request": "reports#1-报告列表和申请报告",
    "report_detail": "reports#2-报告页面",
    "report_download": "reports#2-报告页面",
    "report_regenerate": "reports#3-发布和重新生成",
    "report_publish": "reports#3-发布和重新生成",
}

HELP_SECTIONS = {**REPORT_SECTIONS, **SUMMARY_SECTIONS}
