#!/usr/bin/env python3
"""Fill a review worksheet the way a reviewer would, with openpyxl: another
program than the one that wrote it, which re-saves the whole workbook with
its own shared strings and styles. Makes tests/fixtures/reviews/openpyxl-filled.xlsx:

    jixiao review --out /tmp/评审表.xlsx examples/2022/yueyanglou-finance-office.toml
    python3 scripts/fill-worksheet-openpyxl.py /tmp/评审表.xlsx tests/fixtures/reviews/openpyxl-filled.xlsx

Needs `pip install openpyxl`.
"""
import datetime
import sys

import openpyxl

source, target = sys.argv[1], sys.argv[2]
book = openpyxl.load_workbook(source)
sheet = book["评审"]
header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "单位")
columns = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
for r in range(1, header):
    for c in range(1, sheet.max_column + 1):
        if sheet.cell(r, c).value == "评审人":
            sheet.cell(r, c + 1).value = "赵六"
        if sheet.cell(r, c).value == "评审日期":
            sheet.cell(r, c + 1).value = datetime.date(2023, 7, 12)
entries = {
    "refinement": (None, 4, "两张自评表的“可持续影响指标”均未细化到三级指标。"),
    "measurable": (None, "４", "部分三级指标未量化。"),  # typed as text, full-width
    "focused": (None, 3, None),
    "relevant": (None, 1.5, "个别指标与支出关系不紧密。"),
    "problems": ("较全面", 18, "问题集中在廉政与固定资产管理。"),
    "suggestions": ("较全面", "14", "建议与问题一一对应。"),  # typed as text
}
for r in range(header + 1, sheet.max_row + 1):
    criterion = sheet.cell(r, columns["编号"]).value
    if criterion in entries:
        tier, score, note = entries[criterion]
        if tier:
            sheet.cell(r, columns["档次"]).value = tier
        sheet.cell(r, columns["得分"]).value = score
        if note:
            sheet.cell(r, columns["评审意见"]).value = note
book.save(target)
