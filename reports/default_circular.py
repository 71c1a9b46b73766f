"""The circular's first template (loaded by migration 0002; the bureau edits it in the admin).

The words are the bureau's, in Chinese; every figure is a ``{placeholder}``
(``reports.circular.placeholder_names``)."""

DEFAULT_CIRCULAR = {
    "issuer": "{district}住房和城乡建设局",
    "title": "关于{month_label}{scope}平安小区创建工作情况的通报",
    "number": "{district}建安通〔{year}〕{month}号",
    "body": (
        "各街道办事处、各社区居委会、各物业服务企业：\n\n"
        "根据区创建“平安小区”领导小组工作安排，现将{month_label}{scope}平安小区创建工作情况"
        "通报如下。\n\n"
        "一、自查工作。本月应自查小区{self_checks_due}个，已提交{self_checks_submitted}个，"
        "按时提交率{on_time_rate}；已审核{self_checks_approved}个，其中达标{passed}个、"
        "基本达标{basic}个、不达标{failed}个，达标率{pass_rate}，环比{pass_rate_change}，"
        "同比{pass_rate_year_change}。开展督导检查{supervisions}次。\n\n"
        "二、隐患整改。本月发现隐患{hazards_found}处，报告整改{hazards_rectified}处，"
        "验收{hazards_verified}处，整改率{rectification_rate}；月末逾期未整改"
        "{hazards_overdue}处，环比{hazards_overdue_change}。\n\n"
        "三、矛盾纠纷。本月登记矛盾纠纷{disputes_registered}件，办结{disputes_resolved}件，"
        "上报{disputes_escalated}件，结案率{closure_rate}，环比{closure_rate_change}，"
        "同比{closure_rate_year_change}；平均办结{average_days}；月末逾期"
        "{disputes_overdue}件。\n\n"
        "四、群防群治与以房管人。本月巡逻{patrol_logs}次，共{patrol_hours}，发现问题"
        "{patrol_findings}处；十户联防覆盖率{watch_coverage}，物防覆盖率{physical_rate}，"
        "技防覆盖率{tech_rate}；流动人口{registration_present}人，列管率{registration_rate}。"
    ),
    "ranking_heading": "五、排名情况",
    "key_management_heading": "六、重点管理小区",
    "praise_heading": "七、表扬小区",
    "closing": (
        "请各单位对照本通报查找不足，对逾期隐患和纠纷限期整改，确保创建工作取得实效。\n\n"
        "{issuer}\n{issue_date}"
    ),
    "note": "初始模板",
}
