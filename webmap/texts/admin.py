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
    "admin.users": "用户",
    "admin.users.intro": "新建账号并生成初始密码，修改角色与单位，停用、重置密码、全部下线、解除登录锁定。",
    "admin.keys": "API key",
    "admin.keys.intro": "供其他系统调用接口的 key：新建（只显示一次）、查看最近使用时间、停用。",
    "admin.data": "数据导入",
    "admin.data.intro": "上传道路、社区、网格、单位或案件文件，导入前先预览地图和被拒绝的行；划分单元网格、生成覆盖缺口报告。",
    "admin.jobs": "后台任务",
    "admin.jobs.intro": "导入、划分网格和覆盖缺口报告在后台运行：每个任务的状态、进度、日志、结果和发起人。",
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
    "admin.users": "Users",
    "admin.users.intro": "Create accounts with a generated first password, change roles and units, disable, "
    "reset passwords, sign out everywhere, unlock after failed sign-ins.",
    "admin.keys": "API keys",
    "admin.keys.intro": "Keys other systems call the API with: create (shown once), see when each was last used, "
    "revoke.",
    "admin.data": "Data",
    "admin.data.intro": "Upload streets, communities, grid cells, units or cases, with a map and every refused row "
    "shown before anything is stored; make the unit grid; report the coverage gaps.",
    "admin.jobs": "Background jobs",
    "admin.jobs.intro": "Imports, grids and coverage reports run in the background: each job's state, progress, "
    "log, result and who started it.",
}
