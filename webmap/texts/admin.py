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
    "admin.categories": "问题类别",
    "admin.categories.intro": "案件的类别：中英文名称、处置时限（工作时或自然时）、群众可否上报、部件/事件编码与分类、排序；新增或停用。",
    "admin.holidays": "节假日",
    "admin.holidays.intro": "按工作时计算的处置时限所依据的节假日和调休上班日：逐年查看，载入全国安排，增改删某一天。",
    "admin.county": "县区设置",
    "admin.county.intro": "县区名称、服务热线、公众地图首页的标题和简介，以及地图默认底图。",
    "admin.export": "导出数据",
    "admin.export.intro": "全县数据导出为一个 GeoPackage：各图层带 QGIS 样式，另含单位名单和责任分配历史。",
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
    "admin.categories": "Categories",
    "admin.categories.intro": "The categories of cases: names in both languages, deadline (working or calendar "
    "hours), open to residents or internal, component/event code and class, order; add or retire one.",
    "admin.holidays": "Holidays",
    "admin.holidays.intro": "The holidays and make-up workdays that working-hour deadlines follow: a year at a "
    "time, the national calendar loaded, a day added, changed or removed.",
    "admin.county": "County settings",
    "admin.county.intro": "The county's name, its public hotline, the public map page's title and introduction, "
    "and the basemap its maps open on.",
    "admin.export": "Export data",
    "admin.export.intro": "The whole county as one GeoPackage: every layer with its QGIS style, the units and "
    "the history of assignments.",
    "admin.data": "Data",
    "admin.data.intro": "Upload streets, communities, grid cells, units or cases, with a map and every refused row "
    "shown before anything is stored; make the unit grid; report the coverage gaps.",
    "admin.jobs": "Background jobs",
    "admin.jobs.intro": "Imports, grids and coverage reports run in the background: each job's state, progress, "
    "log, result and who started it.",
}
