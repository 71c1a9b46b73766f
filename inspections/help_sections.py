"""Which section of the user guide explains each workbench page of the 三有/六好 checks
(communities.guide; the anchors are the headings' anchors on the code host)."""

HELP_SECTIONS = {
    "check_list": "self-checks#2-检查列表",
    "inspection_open": "self-checks#3-填写月度自查物业服务企业",
    "supervision_open": "self-checks#8-督导检查",
    "inspection_detail": "self-checks#3-填写月度自查物业服务企业",
    "inspection_print": "self-checks#11-打印存档",
    "inspection_submit": "self-checks#4-提交",
    "inspection_approve": "self-checks#5-审核通过或退回街道办住建局",
    "inspection_return": "self-checks#5-审核通过或退回街道办住建局",
    "inspection_reopen": "self-checks#7-重新打开已通过的检查",
    "answer_save": "self-checks#3-填写月度自查物业服务企业",
    "evidence_add": "self-checks#3-填写月度自查物业服务企业",
    "evidence_remove": "self-checks#3-填写月度自查物业服务企业",
    "hazard_list": "hazards#2-隐患列表",
    "hazard_new": "hazards#3-登记隐患",
    "hazard_detail": "hazards#4-隐患页面与整改流程",
    "hazard_start": "hazards#4-隐患页面与整改流程",
    "hazard_rectify": "hazards#4-隐患页面与整改流程",
    "hazard_verify": "hazards#4-隐患页面与整改流程",
    "hazard_reject": "hazards#4-隐患页面与整改流程",
    "key_management_list": "hazards#6-重点管理",
    "key_management_enter": "hazards#6-重点管理",
    "key_management_leave": "hazards#6-重点管理",
    "check_export": "exports#1-在哪里导出",
    "hazard_export": "exports#1-在哪里导出",
}
