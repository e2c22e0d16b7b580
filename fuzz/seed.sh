#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's own files: rule files for the
# parser and checker, submissions for the loader and scorer, Word packages
# (and a few small generated ones) for the importer. Run from the
# repository root: bash fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for t in parse_rules check_sheet load_submission score_bytes import_docx; do
    mkdir -p "fuzz/corpus/$t"
done
for f in rules/*/*.jx; do
    cp "$f" "fuzz/corpus/parse_rules/$(echo "$f" | tr '/' '_')"
done
for f in rules/*/sheet.jx; do
    cp "$f" "fuzz/corpus/check_sheet/$(echo "$f" | tr '/' '_')"
done
for f in examples/*/*.toml rules/*/tests/*.toml tests/cases/*/*.toml tests/bad/*.toml; do
    [ -f "$f" ] || continue
    cp "$f" "fuzz/corpus/load_submission/$(echo "$f" | tr '/' '_')"
    cp "$f" "fuzz/corpus/score_bytes/$(echo "$f" | tr '/' '_')"
done
for f in examples/*/*.docx; do
    [ -f "$f" ] || continue
    cp "$f" "fuzz/corpus/import_docx/$(echo "$f" | tr '/' '_')"
done
# Small generated packages: a bare document.xml, and ones that reach the
# reader's less common paths (relationships naming another main part, a
# byte-order mark, numbering and styles, spans, merges, nested tables,
# content controls, tracked deletions, field codes, CDATA, character
# references) and the recognisers' (titles, forms, footers, report headings).
if command -v python3 >/dev/null; then
    python3 - fuzz/corpus/import_docx <<'EOF'
import sys, zipfile

out = sys.argv[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{}"/></Relationships>')
NUMBERING = ('<?xml version="1.0" encoding="UTF-8"?><w:numbering ' + W + '>'
             '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
             '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
             '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
STYLES = ('<?xml version="1.0" encoding="UTF-8"?><w:styles ' + W + '>'
          '<w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>')


def p(text, extra=''):
    return '<w:p>{}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>'.format(extra, text)


def numbered(text, level=0):
    return p(text, '<w:pPr><w:numPr><w:ilvl w:val="{}"/><w:numId w:val="1"/></w:numPr></w:pPr>'.format(level))


def tc(text, pr=''):
    return '<w:tc><w:tcPr>{}</w:tcPr>{}</w:tc>'.format(pr, ''.join(p(t) for t in text.split('\n')))


def tr(*cells, pr=''):
    return '<w:tr>{}{}</w:tr>'.format(pr, ''.join(c if c.startswith('<w:tc>') else tc(c) for c in cells))


def tbl(columns, *rows):
    grid = '<w:gridCol w:w="1000"/>' * columns
    return '<w:tbl><w:tblPr/><w:tblGrid>{}</w:tblGrid>{}</w:tbl>'.format(grid, ''.join(rows))


def document(*blocks):
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {}><w:body>{}<w:sectPr/></w:body></w:document>'.format(W, ''.join(blocks))


def write(name, parts):
    with zipfile.ZipFile('{}/{}'.format(out, name), 'w', zipfile.ZIP_DEFLATED) as z:
        for part, text in parts:
            z.writestr(part, text)


write('gen-minimal.docx', [('word/document.xml', document(p('2022年度部门整体支出绩效自评报告')))])

write('gen-other-main-part.docx', [
    ('_rels/.rels', RELS.format('/word/main.xml')),
    ('word/main.xml', '\ufeff' + document(p('附件1'), p('2022年度预算单位整体支出绩效评价基础数据表'))),
])

basic = document(
    p('附件1'),
    p('2022年度预算单位整体支出绩效评价基础数据表'),
    tbl(4,
        tr('预算单位名称', tc('某某单位', '<w:gridSpan w:val="3"/>'), pr='<w:trPr><w:tblHeader/></w:trPr>'),
        tr('财政供养人员情况', '编制数', '实际在职人数', '控制率'),
        tr('', '12', '11', '91.67%'),
        tr('经费控制情况', '2021年决算数', '2022年预算数', '2022年决算数'),
        tr('三公经费', '1.5', '2', '1.8'),
        tr(tc('公务用车购置和维护经费', '<w:vMerge w:val="restart"/>'), '0.5', '0.6', '0.4'),
        tr(tc('', '<w:vMerge/>'), '0.1', '0.2', '0.1'),
        tr('项目支出', '100', '120', '110'),
        tr('本单位自有项目', '1', '2', '3'),
        tr('其中：办公经费', '３', '4（含结转）', '5'),
        tr('公用经费', tc('x', '<w:hMerge w:val="restart"/>'), tc('', '<w:hMerge/>'), '1'),
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + tc('政府采购金额') + tc('7') + tc('8') + '</w:tr>',
        tr('楼堂馆所控制情况', '无', '', ''),
    ),
    p('填表人：易帆    联系电话：12345678    填报日期：2023年6月14日'),
    p('附件3'),
    p('2022年度部门整体支出绩效自评报告'),
    numbered('单位基本情况'),
    p('正文<w:tab/>制表符</w:t><w:br/><w:t>换行'),
    p('', '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>').replace('<w:t xml:space="preserve"></w:t>', '<w:t>一般公共预算支出情况</w:t>'),
    numbered('小标题', 1),
    p('报告需要以下附件：1.部门整体支出绩效评价基础数据表 2.部门整体支出绩效自评表 3.项目支出绩效自评表'),
)
write('gen-basic-data.docx', [
    ('_rels/.rels', RELS.format('word/document.xml')),
    ('word/document.xml', basic),
    ('word/numbering.xml', NUMBERING),
    ('word/styles.xml', STYLES),
])

odd = document(
    '<w:p><w:r><w:t>2022</w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:t>年度</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t><![CDATA[项目<支出>]]>&#x7EE9;&#25928;&amp;&lt;&gt;&apos;&quot;</w:t><w:noBreakHyphen/><w:cr/><w:br w:type="page"/></w:r></w:p>',
    '<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>' + p('单击此处输入文字') + '</w:sdtContent></w:sdt>',
    '<w:sdt><w:sdtPr/><w:sdtContent>' + p('附件2') + '</w:sdtContent></w:sdt>',
    p('部门整体支出绩效自评表'),
    tbl(7,
        tr('预算单位名称', tc('某某单位', '<w:gridSpan w:val="6"/>')),
        tr('年度资金总额', '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'),
        tr('', '100', '120', '110', '10', '91.67%', '9.17'),
        tr('按收入性质分', tc('一般公共预算：100\n其他资金：10', '<w:gridSpan w:val="6"/>')),
        tr('按支出性质分', tc('基本支出：60', '<w:gridSpan w:val="3"/>'), tc('项目支出：50', '<w:gridSpan w:val="3"/>')),
        tr('预期目标', tc('实际完成情况', '<w:gridSpan w:val="6"/>')),
        tr('目标一', tc('完成', '<w:gridSpan w:val="6"/>')),
        tr('一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分'),
        tr('产出指标', '数量指标', '培训人次', '≥100人次', '120人次', '10', '10'),
        tr('<w:tc><w:tcPr/>' + tbl(1, tr('嵌套表')) + p('嵌套后') + '</w:tc>', '', '', '', '', '', ''),
        tr('总分', '', '', '', '', '100', '95'),
    ),
    p('附件4'),
    p('项目支出绩效自评表'),
    tbl(7,
        tr('项目支出名称', tc('某专项', '<w:gridSpan w:val="6"/>')),
        tr('主管部门', '某局', '实施单位', tc('某单位', '<w:gridSpan w:val="4"/>')),
        tr('年度资金总额', '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'),
        tr('其中：当年财政拨款', '10', '10', '9', '', '', ''),
        tr('', '', '', '', '', '', tc('', '<w:gridSpan w:val="99999"/>')),
    ),
    p('考核评分表'),
    tbl(2, tr('评分标准', '评分')),
)
write('gen-forms-and-oddities.docx', [
    ('word/document.xml', odd),
    ('word/numbering.xml', NUMBERING),
])
EOF
fi
