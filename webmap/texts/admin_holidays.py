"""The holiday calendar page of the administration (/admin/holidays), in both languages; the kinds of
day from geodata/labels.py."""

from __future__ import annotations

from geodata.labels import HOLIDAY_KIND, capital

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ZH = {
    **{f"admin_holidays.kind.{k}": v[0] for k, v in HOLIDAY_KIND.items()},
    **{f"admin_holidays.weekday.{i}": f"星期{d}" for i, d in enumerate(WEEKDAYS_ZH)},
    "admin_holidays.title": "{year} 年节假日",
    "admin_holidays.heading": "{year} 年节假日与调休",
    "admin_holidays.counts": "节假日 {holidays} 天，调休上班 {workdays} 天",
    "admin_holidays.intro": "按工作时计算的处置时限跳过节假日，并计入周末的调休上班日；其余日子按星期计（周一至周五上班）。修改只影响此后计算的时限。",
    "admin_holidays.years": "年份",
    "admin_holidays.year": "年份",
    "admin_holidays.show": "查看",
    "admin_holidays.year_before": "← {year} 年",
    "admin_holidays.year_after": "{year} 年 →",
    "admin_holidays.col.day": "日期",
    "admin_holidays.col.weekday": "星期",
    "admin_holidays.col.kind": "类型",
    "admin_holidays.col.name": "名称",
    "admin_holidays.col.actions": "操作",
    "admin_holidays.change": "修改",
    "admin_holidays.remove": "删除",
    "admin_holidays.none": "{year} 年还没有节假日或调休安排：每天按星期计。",
    "admin_holidays.national_heading": "全国节假日安排",
    "admin_holidays.national_none": "随程序提供的全国安排没有 {year} 年（只有 {years} 年）：请在下面逐日添加。",
    "admin_holidays.national_missing": "随程序提供的 {year} 年全国安排中有 {n} 天本县还没有；载入时已设置的日子保持不变。",
    "admin_holidays.national_loaded": "{year} 年的全国安排已全部载入。",
    "admin_holidays.load": "载入 {year} 年全国安排",
    "admin_holidays.form_heading": "添加或修改一天",
    "admin_holidays.form_intro": "同一天再次保存即修改。调休上班日只能设在周六或周日。",
    "admin_holidays.name_hint": "如：春节",
    "admin_holidays.save": "保存",
    "admin_holidays.loaded": "已载入 {year} 年全国安排：新增 {n} 天",
    "admin_holidays.set": "{day} 已设为{kind}",
    "admin_holidays.removed": "{day} 已恢复按星期计",
    "admin_holidays.remove_title": "删除 {day} 的安排",
    "admin_holidays.back": "← 返回 {year} 年节假日",
    "admin_holidays.remove_now": "{day}（{weekday}）现在是{kind}：",
    "admin_holidays.remove_then_weekday": "删除后这一天按星期计，是工作日：按工作时计算的时限会计入这一天。",
    "admin_holidays.remove_then_weekend": "删除后这一天按星期计，是休息日：按工作时计算的时限不再计入这一天。",
    "admin_holidays.remove_confirm": "我确认删除 {day} 的安排",
    "admin_holidays.cancel": "取消",
    "admin_holidays.not_there": "日历中没有 {day} 的节假日或调休安排。",
    "admin_holidays.confirm_needed": "请勾选确认后再删除 {day} 的安排",
    "admin_holidays.bad_year": "年份 '{raw}' 无效：应为 {first} 至 {last} 之间的四位数字",
}

EN = {
    **{f"admin_holidays.kind.{k}": capital(v[1]) for k, v in HOLIDAY_KIND.items()},
    **{f"admin_holidays.weekday.{i}": d for i, d in enumerate(WEEKDAYS_EN)},
    "admin_holidays.title": "Holidays {year}",
    "admin_holidays.heading": "Holidays and make-up workdays, {year}",
    "admin_holidays.counts": "{holidays} holidays, {workdays} make-up workdays",
    "admin_holidays.intro": "Working-hour deadlines skip the holidays and count the make-up workdays on weekends; "
    "every other day follows the week (Monday to Friday worked). A change applies to deadlines worked out from "
    "then on.",
    "admin_holidays.years": "Years",
    "admin_holidays.year": "Year",
    "admin_holidays.show": "Show",
    "admin_holidays.year_before": "← {year}",
    "admin_holidays.year_after": "{year} →",
    "admin_holidays.col.day": "Date",
    "admin_holidays.col.weekday": "Weekday",
    "admin_holidays.col.kind": "Kind",
    "admin_holidays.col.name": "Name",
    "admin_holidays.col.actions": "Actions",
    "admin_holidays.change": "Change",
    "admin_holidays.remove": "Remove",
    "admin_holidays.none": "No holidays or make-up workdays in {year} yet: every day follows the week.",
    "admin_holidays.national_heading": "The national calendar",
    "admin_holidays.national_none": "The national calendar shipped with the portal has no days of {year} (only of "
    "{years}): please add the days below one by one.",
    "admin_holidays.national_missing": "The shipped national calendar of {year} has {n} days this county does not "
    "have yet; days already set stay as they are.",
    "admin_holidays.national_loaded": "The national calendar of {year} is loaded in full.",
    "admin_holidays.load": "Load the national calendar of {year}",
    "admin_holidays.form_heading": "Add or change a day",
    "admin_holidays.form_intro": "Saving a day again changes it. A make-up workday must be a Saturday or a Sunday.",
    "admin_holidays.name_hint": "e.g. Spring Festival",
    "admin_holidays.save": "Save",
    "admin_holidays.loaded": "The national calendar of {year} was loaded: {n} days added",
    "admin_holidays.set": "{day} is now a {kind}",
    "admin_holidays.removed": "{day} follows the week again",
    "admin_holidays.remove_title": "Remove {day}",
    "admin_holidays.back": "← Back to the holidays of {year}",
    "admin_holidays.remove_now": "{day} ({weekday}) is now a {kind}:",
    "admin_holidays.remove_then_weekday": "Removed, the day follows the week and is a working day: working-hour "
    "deadlines will count it.",
    "admin_holidays.remove_then_weekend": "Removed, the day follows the week and is a day off: working-hour "
    "deadlines will no longer count it.",
    "admin_holidays.remove_confirm": "I confirm removing {day}",
    "admin_holidays.cancel": "Cancel",
    "admin_holidays.not_there": "The calendar has no holiday or make-up workday on {day}.",
    "admin_holidays.confirm_needed": "Please tick the box to confirm removing {day}",
    "admin_holidays.bad_year": "The year '{raw}' is invalid: it must be four digits from {first} to {last}",
}
