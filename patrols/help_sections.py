"""Which section of the user guide explains each workbench page of 群防群治
(communities.guide): one dict per part, merged here."""

GROUP_SECTIONS: dict[str, str] = {
    "overview": "watch-groups#群防群治总览",
    "group_list": "watch-groups#1-联防组列表和覆盖率",
    "group_compound": "watch-groups#2-一个小区的联防组",
    "group_detail": "watch-groups#3-联防组页面",
    "group_new": "watch-groups#4-组建和调整联防组",
    "group_edit": "watch-groups#4-组建和调整联防组",
    "group_dissolve": "watch-groups#5-解散",
    "group_propose": "watch-groups#6-自动分组建议",
    "group_export": "watch-groups#7-导出和导入",
}
TEAM_SECTIONS: dict[str, str] = {
    "team_list": "patrols#1-巡逻队列表",
    "team_create": "patrols#2-新建和修改巡逻队",
    "team_edit": "patrols#2-新建和修改巡逻队",
    "team_detail": "patrols#3-巡逻队页面队员",
    "team_member_add": "patrols#3-巡逻队页面队员",
    "team_member_leave": "patrols#3-巡逻队页面队员",
    "team_plan": "patrols#4-每周巡逻计划",
    "team_export": "patrols#11-导出-excel",
    "patrol_log_new": "patrols#5-登记一次巡逻",
    "patrol_start": "patrols#6-开始巡逻和结束巡逻",
    "patrol_end": "patrols#6-开始巡逻和结束巡逻",
    "patrol_detail": "patrols#7-巡逻记录页面发现的问题和隐患",
    "patrol_finding_add": "patrols#7-巡逻记录页面发现的问题和隐患",
    "patrol_list": "patrols#8-巡逻记录列表和统计",
    "patrol_missed": "patrols#9-应巡和漏巡",
    "patrol_export": "patrols#11-导出-excel",
}
FACILITY_SECTIONS: dict[str, str] = {
    "coverage_list": "facilities#3-物防技防覆盖列表",
    "facility_export": "facilities#4-导出-excel",
    "facility_compound": "facilities#2-小区的设施页面",
    "facility_entrance_add": "facilities#21-登记出入口和设施",
    "facility_entrance_edit": "facilities#21-登记出入口和设施",
    "facility_entrance_delete": "facilities#21-登记出入口和设施",
    "facility_add": "facilities#21-登记出入口和设施",
    "facility_edit": "facilities#21-登记出入口和设施",
    "facility_delete": "facilities#21-登记出入口和设施",
    "facility_out_of_service": "facilities#22-停用与修复",
    "facility_repaired": "facilities#22-停用与修复",
}

HELP_SECTIONS = GROUP_SECTIONS | TEAM_SECTIONS | FACILITY_SECTIONS
