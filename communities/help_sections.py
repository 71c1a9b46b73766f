"""Which section of the user guide explains each workbench page of the register
(communities.guide; the anchors are the headings' anchors on the code host)."""

HELP_SECTIONS = {
    "home": "README#2-首页我的小区",
    "compound_detail": "README#3-小区页面",
    "notifications": "hazards#7-提醒铃铛和邮件",
    "export_begin": "exports#1-在哪里导出",
    "export_job": "exports#3-数据较多时导出进度页面",
    "export_download": "exports#2-文件里有什么",
    "guide": "README",
    "guide_page": "README",
    "personal_data_reason": "security#7-查看完整的个人信息说明事由",
    "activity_list": "activities#1-活动列表",
    "activity_add": "activities#3-登记活动",
    "activity_detail": "activities#4-活动页面照片修改和删除",
    "activity_edit": "activities#4-活动页面照片修改和删除",
    "activity_delete": "activities#4-活动页面照片修改和删除",
    "activity_photo_add": "activities#4-活动页面照片修改和删除",
    "activity_photo": "activities#4-活动页面照片修改和删除",
    "activity_photo_thumbnail": "activities#4-活动页面照片修改和删除",
    "activity_photo_remove": "activities#4-活动页面照片修改和删除",
    "activity_export": "activities#6-导出-excel",
}
