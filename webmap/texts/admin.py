"""The administration's home (/admin) and the frame of its pages, in both languages. Each section's
own page keeps its texts in its own module; here are only its name and its line on the home page."""

from __future__ import annotations

ZH = {
    "bar.admin": "系统管理",
    "admin.title": "系统管理",
    "admin.heading": "系统管理",
    "admin.intro": "在浏览器中完成县里的日常管理：账号、单位、类别、评分设置、节假日、数据导入。每一次修改都记入审计日志。",
    "admin.aria": "系统管理的各部分",
    "admin.admins_only": "只有管理员可以进入系统管理",
    "admin.audit": "审计日志",
    "admin.audit.intro": "谁在何时做了什么：登录、每一次修改与导出，可按人员、操作和日期查询并导出 CSV。",
    "admin.deliveries": "发送失败",
    "admin.deliveries.intro": "多次重试后仍未送达的邮件和群机器人消息，以及失败原因。",
    "admin.tiers": "社区等次与文明称号",
    "admin.tiers.intro": "按月确认社区等次（精品、达标、攻坚），授予和撤销文明称号；领导可以查看，只有管理员可以确认。",
    "admin.users": "用户",
    "admin.users.intro": "新建账号并生成初始密码，修改角色与单位，停用、重置密码、全部下线、解除登录锁定。",
    "admin.keys": "API key",
    "admin.keys.intro": "供其他系统调用接口的 key：新建（只显示一次）、查看最近使用时间、停用。",
    "admin.units": "责任单位",
    "admin.units.intro": "新建、编辑、撤销和合并责任单位：负责人、值班员和消息通知地址，合并时责任整体移交。",
    "admin.scoring": "评分设置",
    "admin.scoring.intro": "单位总分的权重、等级线等评分参数：从所选月份起生效，过去的月份按当时的设置计分。",
    "admin.checklists": "检查表",
    "admin.checklists.intro": "路段、社区、网格各自的检查项与满分（合计 100）：从所选月份起生效。",
}

EN = {
    "bar.admin": "Administration",
    "admin.title": "Administration",
    "admin.heading": "Administration",
    "admin.intro": "The county's day-to-day administration in the browser: accounts, units, categories, score "
    "settings, holidays, data imports. Every change is recorded in the audit log.",
    "admin.aria": "Parts of the administration",
    "admin.admins_only": "Only administrators may open the administration",
    "admin.audit": "Audit log",
    "admin.audit.intro": "Who did what and when: sign-ins, every change and export, searchable by person, "
    "action and date, exported as CSV.",
    "admin.deliveries": "Failed deliveries",
    "admin.deliveries.intro": "The e-mails and robot messages not delivered after every retry, and why.",
    "admin.tiers": "Tiers and titles",
    "admin.tiers.intro": "Each month's community tiers (Exemplary, Up to standard, Improving) confirmed, civilized titles awarded and "
    "withdrawn; leaders may look, only administrators decide.",
    "admin.users": "Users",
    "admin.users.intro": "Create accounts with a generated first password, change roles and units, disable, "
    "reset passwords, sign out everywhere, unlock after failed sign-ins.",
    "admin.keys": "API keys",
    "admin.keys.intro": "Keys other systems call the API with: create (shown once), see when each was last used, "
    "revoke.",
    "admin.units": "Units",
    "admin.units.intro": "Create, edit, retire and merge units: their head, duty officer and where they are "
    "notified; a merge passes all their posts on at once.",
    "admin.scoring": "Score settings",
    "admin.scoring.intro": "The weights of a unit's total, the grade thresholds and the other scoring settings: "
    "in force from a chosen month, each past month scored with those in force then.",
    "admin.checklists": "Checklists",
    "admin.checklists.intro": "The items and maxima (summing to 100) of the road, community and grid cell "
    "checklists: in force from a chosen month.",
}
