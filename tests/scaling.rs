#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Every input dimension costs linear time: each is grown 1×, 2×, 4× and
//! 8× from a size where its own cost dominates, and the 8× input must not
//! take more than `MAX_RATIO` times as long as the 1× input (linear work
//! gives 8 at most, quadratic 64).
//!
//! Times are the fastest of several rounds, and the rounds interleave the
//! sizes, so a busy machine slows every size alike instead of one; one
//! dimension is timed at a time (a lock), not beside another test of this
//! file. The bound is generous on purpose: it catches a curve, not a slow
//! constant.

use jixiao::source::SourceFile;
use std::io::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const EXAMPLE: &str = include_str!("../examples/2022/yueyanglou-finance-office.toml");

/// 8× the input may cost at most this many times the 1× input.
const MAX_RATIO: f64 = 24.0;

/// Rounds over all sizes; each size's time is its fastest round.
const ROUNDS: usize = 3;

/// One dimension timed at a time.
static TIMING: Mutex<()> = Mutex::new(());

/// Time `run` on `make(1)`, `make(2)`, `make(4)`, `make(8)`; assert the
/// 8× input costs at most `MAX_RATIO` times the 1×.
fn assert_linear<T>(what: &str, make: impl Fn(usize) -> T, run: impl Fn(&T)) {
    let _one_at_a_time = TIMING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let factors = [1, 2, 4, 8];
    let inputs: Vec<T> = factors.iter().map(|k| make(*k)).collect();
    run(&inputs[0]);
    let mut best = [Duration::MAX; 4];
    for _ in 0..ROUNDS {
        for (i, input) in inputs.iter().enumerate() {
            let start = Instant::now();
            run(input);
            best[i] = best[i].min(start.elapsed());
        }
    }
    let ratio = best[3].as_secs_f64() / best[0].as_secs_f64().max(1e-9);
    let shown: Vec<String> = best
        .iter()
        .map(|d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    eprintln!("{what}: {} (8×/1× = {ratio:.1})", shown.join(", "));
    assert!(
        ratio <= MAX_RATIO,
        "{what}: 8× the input took {ratio:.1}× the time ({}); linear work gives at most 8",
        shown.join(", ")
    );
}

/// Load, score and render the JSON of a submission: everything a unit
/// costs in a batch.
fn load_score_render(text: &str) {
    let rules = rules();
    let source = SourceFile::new("unit.toml", text);
    let submission = jixiao::data::load_submission(source, &rules.schema)
        .unwrap_or_else(|e| panic!("the generated submission loads: {e:?}"));
    let outcome = jixiao::score(rules, &submission)
        .unwrap_or_else(|p| panic!("the generated submission scores: {p:?}"));
    let json = jixiao::explain::outcome_json(&outcome, rules, &submission);
    std::hint::black_box(
        serde_json::to_string_pretty(&json)
            .map(|s| s.len())
            .unwrap_or(0),
    );
}

/// As `load_score_render`, for a package imported from Word: its places
/// are named by the table and row the import wrote above each block.
fn load_score_render_word(text: &str) {
    let rules = rules();
    let source = SourceFile::new("unit.docx", text);
    let submission = jixiao::data::load_submission(source, &rules.schema)
        .unwrap_or_else(|e| panic!("the generated submission loads: {e:?}"));
    let outcome = jixiao::score(rules, &submission)
        .unwrap_or_else(|p| panic!("the generated submission scores: {p:?}"));
    let mut out = Vec::new();
    jixiao::explain::append_outcome_json(&mut out, &outcome, rules, &submission, 0);
    std::hint::black_box(out.len());
}

fn rules() -> &'static jixiao::RuleSet {
    static RULES: std::sync::OnceLock<jixiao::RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| jixiao::rules::builtin(2022).expect("the 2022 rules compile"))
}

/// The example with `extra` tables appended (arrays of tables may be
/// continued anywhere in TOML).
fn appended(extra: &str) -> String {
    format!("{EXAMPLE}\n{extra}")
}

/// The example with more text in the problems section (`七、存在的问题`).
fn with_problems_text(extra: &str) -> String {
    let heading = "heading = \"七、存在的问题及原因分析\"\ntext = \"\"\"\n";
    assert!(
        EXAMPLE.contains(heading),
        "the example has its problems section"
    );
    EXAMPLE.replacen(heading, &format!("{heading}{extra}\n"), 1)
}

#[test]
fn a_long_report_section_with_separators_is_linear() {
    // Short items ending in 。 and line breaks: `split` cuts them.
    assert_linear(
        "problems text, 。-separated, per 30 KB",
        |k| with_problems_text(&"资金使用进度偏慢。\n".repeat(1_100 * k)),
        |t| load_score_render(t),
    );
}

#[test]
fn a_long_actual_value_cell_is_linear() {
    // A 实际完成值 that is prose without figures, against a target in 家:
    // `stated_figure` looks for a number before 家 at every position.
    let actual = "actual = \"今年入库省级上市后备企业4家，市级上市后备企业5家，完成率100%。\"";
    assert!(EXAMPLE.contains(actual), "the example has the row");
    assert_linear(
        "a long 实际完成值 without figures, per 15 KB",
        |k| {
            let prose = "今年入库省级上市后备企业若干，".repeat(330 * k);
            EXAMPLE.replacen(actual, &format!("actual = \"{prose}\""), 1)
        },
        |t| load_score_render(t),
    );
}

#[test]
fn a_long_report_section_without_separators_is_linear() {
    assert_linear(
        "problems text, no separator, per 30 KB",
        |k| with_problems_text(&"资金使用进度偏慢，".repeat(1_100 * k)),
        |t| load_score_render(t),
    );
}

#[test]
fn a_long_report_section_of_full_width_figures_is_linear() {
    // Full-width digits are normalised before figures are extracted; every
    // section is searched for the self-score and the budget figures.
    assert_linear(
        "report text, full-width figures, per 30 KB",
        |k| {
            appended(&format!(
                "[[report.sections]]\nheading = \"十、补充说明\"\ntext = \"\"\"\n{}\"\"\"\n",
                "全年预算数为１２３．４５万元，执行数为９８．７６万元，完成预算的８０％。"
                    .repeat(300 * k)
            ))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_report_sections_are_linear() {
    assert_linear(
        "report sections, per 200",
        |k| {
            appended(&(0..200 * k).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "[[report.sections]]\nheading = \"附{i}、问题补充\"\ntext = \"第{i}项：资金不足。执行率为90%。\"\n"
                ));
                s
            }))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_unnamed_indicator_rows_under_one_level2_are_linear() {
    // Rows without a 三级指标 name under one 二级指标: `unrefined_level2`
    // asks, for each, whether its group has a named row.
    assert_linear(
        "overall indicator rows without names, per 240",
        |k| {
            appended(&"[[overall.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"未细化指标\"\nweight = 0\nscore = 0\n".repeat(240 * k))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_findings_of_a_word_package_are_linear() {
    // Each row an unrefined 二级指标 of its own, so a finding with a place
    // each; a Word package's place is read back from the block's comment.
    assert_linear(
        "Word package findings, per 240",
        |k| {
            appended(&(0..240 * k).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "# 第2个表格第{}行\n[[overall.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"未细化指标{i}\"\nweight = 0\nscore = 0\n",
                    i + 50
                ));
                s
            }))
        },
        |t| load_score_render_word(t),
    );
}

#[test]
fn many_indicator_rows_in_many_groups_are_linear() {
    assert_linear(
        "overall indicator rows, distinct groups, per 240",
        |k| {
            appended(&(0..240 * k).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "[[overall.indicators]]\nlevel1 = \"产出指标{}\"\nlevel2 = \"数量指标{i}\"\nname = \"指标{i}\"\ntarget = \"≥{i}次\"\nactual = \"{i}次\"\nweight = 0\nscore = 0\n",
                    i % 7
                ));
                s
            }))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_basic_data_lines_are_linear() {
    // Lines grouped under one another: `group_sum_exceeds` sums each
    // line's children, `missing_project_table` looks each project up.
    assert_linear(
        "basic-data expense lines, per 240",
        |k| {
            appended(&(0..240 * k).fold(String::new(), |mut s, i| {
                let group = if i % 10 == 0 { "项目支出".to_string() } else { format!("明细{}", i / 10) };
                s.push_str(&format!(
                    "[[basic_data.expenses]]\nitem = \"明细{i}\"\ngroup = \"{group}\"\nprior_final = 1\nbudget = 1\nfinal = 1\n"
                ));
                s
            }))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_projects_are_linear() {
    // Each project with its table, its attachment and its basic-data line:
    // the checks look each one up in the others.
    assert_linear(
        "projects with attachments and basic-data lines, per 40",
        |k| {
            let mut s = String::new();
            for i in 0..40 * k {
                s.push_str(&format!(
                    "[[attachments]]\ntitle = \"项目支出绩效自评表\"\nproject = \"项目{i}\"\n\
                     [[basic_data.expenses]]\nitem = \"项目{i}\"\ngroup = \"项目支出\"\nbudget = 10\nfinal = 9\n"
                ));
            }
            for i in 0..40 * k {
                s.push_str(&format!(
                    "[[projects]]\nname = \"项目{i}\"\nimplementer = \"某单位\"\nlevel1_weights = {{ \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10 }}\ntotal_weight = 100\ntotal_score = 90\n\
                     [projects.funds]\ninitial_budget = 10\nfull_year_budget = 10\nexecuted = 9\nweight = 10\nscore = 9\nrate = \"90%\"\n\
                     [[projects.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nname = \"完成数\"\ntarget = \"≥10次\"\nactual = \"9次\"\nweight = 90\nscore = 81\n"
                ));
            }
            appended(&s)
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_spending_lines_and_attachments_are_linear() {
    // 材料完整性 asks, for each project line of the basic data, whether an
    // attachment names it: `any(a.title == … and a.project == p for a in
    // attachments)` inside a named value.
    assert_linear(
        "project lines and attachments, per 240",
        |k| {
            appended(&(0..240 * k).fold(String::new(), |mut s, i| {
                if i % 5 != 0 {
                    s.push_str(&format!(
                        "[[attachments]]\ntitle = \"项目支出绩效自评表\"\nproject = \"项目{i}\"\n"
                    ));
                }
                s.push_str(&format!(
                    "[[basic_data.expenses]]\nitem = \"项目{i}\"\ngroup = \"项目支出\"\nbudget = 10\nfinal = 9\n"
                ));
                s
            }))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn many_self_checks_are_linear() {
    assert_linear(
        "self-check rows, per 240",
        |k| {
            appended(&(0..240 * k).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "[[self_checks]]\nunit = \"下属单位{i}\"\nduty = \"预算单位自查\"\ndone = {}\n",
                    i % 2 == 0
                ));
                s
            }))
        },
        |t| load_score_render(t),
    );
}

#[test]
fn a_map_of_many_keys_is_linear() {
    // `level1_weights` has free keys: a check reads `m[g]` for every key
    // `g` and sums the rows of each.
    assert_linear(
        "level1_weights keys, per 240",
        |k| {
            let keys: Vec<String> = (0..240 * k).map(|i| format!("\"指标{i}\" = 0")).collect();
            EXAMPLE.replacen(
                "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10 }",
                &format!(
                    "level1_weights = {{ \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10, {} }}",
                    keys.join(", ")
                ),
                1,
            )
        },
        |t| load_score_render(t),
    );
}

#[test]
fn units_in_a_summary_are_linear() {
    let rules = rules();
    let source = SourceFile::new("unit.toml", EXAMPLE);
    let submission = jixiao::data::load_submission(source, &rules.schema).unwrap();
    let outcome = jixiao::score(rules, &submission).unwrap();
    assert_linear(
        "units in the CSV summary, per 50",
        |k| k * 50,
        |units| {
            let rows = (0..*units)
                .map(|i| {
                    jixiao::explain::SummaryRow::totals(
                        format!("unit-{i}.toml"),
                        &outcome,
                        &submission,
                    )
                })
                .collect();
            let csv = jixiao::explain::summary_csv(&jixiao::explain::Summary::new(rows));
            std::hint::black_box(csv.len());
        },
    );
}

/// A `.docx` whose body is `body` (WordprocessingML inside `w:body`).
fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document.as_str()),
    ];
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}

#[test]
fn a_larger_word_package_is_linear() {
    // Report paragraphs under the report's headings: the importer reads
    // each paragraph and files it under its section.
    assert_linear(
        "Word package paragraphs, per 1,000",
        |k| {
            let mut body =
                String::from("<w:p><w:r><w:t>七、存在的问题及原因分析</w:t></w:r></w:p>");
            for i in 0..1_000 * k {
                body.push_str(&format!(
                    "<w:p><w:r><w:t>（{i}）资金使用进度偏慢，全年执行数为12.5万元。</w:t></w:r></w:p>"
                ));
            }
            docx(&body)
        },
        |bytes| {
            let imported = jixiao::import::import_docx(
                bytes,
                "unit.docx",
                &jixiao::import::Options::default(),
                None,
            );
            std::hint::black_box(imported.is_ok());
        },
    );
}

/// `dir`, made, holding the 2022 rules' files (not their test cases).
fn rules_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/2022");
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "cells.jx",
        "params.jx",
        "schema.jx",
        "sheet.jx",
        "indicators.jx",
        "templates.toml",
    ] {
        std::fs::copy(shipped.join(name), dir.join(name)).unwrap();
    }
    dir.to_path_buf()
}

/// A long list written in a rule file (a parameter of thousands of
/// keywords): checking its items' types is linear, not each item against
/// every other.
#[test]
fn a_long_list_in_a_rule_file_is_linear() {
    let base = std::env::temp_dir().join(format!("jixiao-scaling-list-{}", std::process::id()));
    assert_linear(
        "items of a list in a rule file, per 4,000",
        |k| {
            let dir = rules_copy(&base.join(format!("x{k}")));
            let items: Vec<String> = (0..4000 * k).map(|i| format!("\"词{i}\"")).collect();
            std::fs::write(
                dir.join("more.jx"),
                format!("param many_words = [{}]\n", items.join(", ")),
            )
            .unwrap();
            dir
        },
        |dir| {
            let rules =
                jixiao::rules::from_dir(dir).unwrap_or_else(|p| panic!("the rules compile: {p:?}"));
            std::hint::black_box(rules.checks.len());
        },
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_larger_rule_file_is_linear() {
    // The 2022 rules with more checks: compiling and scoring both grow.
    let base = std::env::temp_dir().join(format!("jixiao-scaling-rules-{}", std::process::id()));
    assert_linear(
        "checks in a rule file, per 50",
        |k| {
            let dir = rules_copy(&base.join(format!("x{k}")));
            let mut extra = String::new();
            for i in 0..50 * k {
                extra.push_str(&format!(
                    "\ncheck extra_{i} {{\n  says \"第{i}项补充检查\"\n  for t in all_tables\n  for r in t.indicators\n  let w = r.weight\n  raise info when w > 1000 + {i}\n    because \"{{table_label(t)}}的指标“{{r.name}}”分值 {{w}}\"\n    at r.weight\n}}\n"
                ));
            }
            std::fs::write(dir.join("more.jx"), extra).unwrap();
            dir
        },
        |dir| {
            let rules =
                jixiao::rules::from_dir(dir).unwrap_or_else(|p| panic!("the rules compile: {p:?}"));
            let source = SourceFile::new("unit.toml", EXAMPLE);
            let submission = jixiao::data::load_submission(source, &rules.schema).unwrap();
            std::hint::black_box(jixiao::score(&rules, &submission).map(|o| o.score).ok());
        },
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_package_of_empty_paragraphs_is_refused_with_a_hint() {
    // 300,000 empty paragraphs zip to a few hundred KB and would expand
    // to hundreds of MB of paragraphs; reading stops at the limit.
    let bytes = docx(&"<w:p/>".repeat(300_000));
    assert!(
        bytes.len() < 1 << 20,
        "the package is small: {} bytes",
        bytes.len()
    );
    let Err(problem) = jixiao::import::import_docx(
        &bytes,
        "unit.docx",
        &jixiao::import::Options::default(),
        None,
    ) else {
        panic!("a package of 300,000 paragraphs is refused");
    };
    let shown = jixiao::diag::render(&[*problem]);
    assert!(shown.contains("import::too_many_elements"), "{shown}");
    assert!(shown.contains("超过 200000 个段落"), "{shown}");
    assert!(shown.contains("请检查文件是否损坏"), "{shown}");
    // At the limit it is read.
    let bytes = docx(&"<w:p/>".repeat(200_000));
    if let Err(problem) = jixiao::import::import_docx(
        &bytes,
        "unit.docx",
        &jixiao::import::Options::default(),
        None,
    ) {
        assert!(
            !jixiao::diag::render(&[*problem]).contains("too_many_elements"),
            "200,000 paragraphs are within the limit"
        );
    }
}

#[test]
fn a_map_is_bounded_like_a_table_of_rows() {
    let keys = |n: usize| -> String {
        let keys: Vec<String> = (0..n).map(|i| format!("\"指标{i}\" = 0")).collect();
        EXAMPLE.replacen(
            "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10 }",
            &format!("level1_weights = {{ {} }}", keys.join(", ")),
            1,
        )
    };
    let rules = rules();
    let at_limit = SourceFile::new("unit.toml", keys(jixiao::data::MAX_ROWS));
    assert!(jixiao::data::load_submission(at_limit, &rules.schema).is_ok());
    let over = SourceFile::new("unit.toml", keys(jixiao::data::MAX_ROWS + 1));
    let Err(e) = jixiao::data::load_submission(over, &rules.schema) else {
        panic!("2,001 keys are refused");
    };
    let shown = jixiao::diag::render(&e);
    assert!(
        shown.contains("too_many_rows") && shown.contains("超过上限 2000 项"),
        "{shown}"
    );
}

/// The generated inputs of the tests above, at two sizes.
fn generated() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in [20, 70] {
        out.push((
            format!("{n} unnamed rows"),
            appended(&"[[overall.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"未细化指标\"\nweight = 0\nscore = 0\n".repeat(n)),
        ));
        out.push((
            format!("{n} rows in groups, some named"),
            appended(&(0..n).fold(String::new(), |mut s, i| {
                let name = if i % 3 == 0 { format!("name = \"指标{i}\"\n") } else { String::new() };
                s.push_str(&format!(
                    "[[overall.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"组{}\"\n{name}target = \"≥{i}次\"\nactual = \"{i}次\"\nweight = {}\nscore = 0\n",
                    i % 5,
                    i % 2
                ));
                s
            })),
        ));
        out.push((
            format!("{n} basic-data lines"),
            appended(&(0..n).fold(String::new(), |mut s, i| {
                let group = match i % 4 {
                    0 => "group = \"项目支出\"\n".to_string(),
                    1 => "group = \"三公经费\"\n".to_string(),
                    2 => String::new(),
                    _ => format!("group = \"明细{}\"\n", i / 4),
                };
                s.push_str(&format!(
                    "[[basic_data.expenses]]\nitem = \"明细{i}\"\n{group}prior_final = {}\nbudget = 1\nfinal = {}\n",
                    i % 3,
                    i % 5
                ));
                s
            })),
        ));
        out.push((
            format!("{n} projects and attachments"),
            appended(&[(0..n).fold(String::new(), |mut s, i| {
                if i % 3 != 0 {
                    s.push_str(&format!(
                        "[[attachments]]\ntitle = \"项目支出绩效自评表\"\nproject = \"项目{i}\"\n"
                    ));
                }
                if i % 4 != 0 {
                    s.push_str(&format!(
                        "[[basic_data.expenses]]\nitem = \"项目{i}\"\ngroup = \"项目支出\"\nbudget = 10\nfinal = {}\n",
                        i % 12
                    ));
                }
                s
            }), (0..n / 2).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "[[projects]]\nname = \"项目{i}\"\nimplementer = \"某单位\"\nlevel1_weights = {{ \"产出指标\" = 50 }}\ntotal_weight = 100\ntotal_score = 90\n\
                     [projects.funds]\ninitial_budget = 10\nfull_year_budget = 10\nexecuted = {}\nweight = 10\nscore = 9\n\
                     [[projects.indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\nweight = 90\nscore = 81\n",
                    i % 11
                ));
                s
            })].concat()),
        ));
        out.push((
            format!("{n} map keys"),
            EXAMPLE.replacen(
                "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10 }",
                &format!(
                    "level1_weights = {{ \"产出指标\" = 50, \"效益指标\" = 30, {} }}",
                    (0..n)
                        .map(|i| format!("\"指标{i}\" = {}", i % 3))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                1,
            ),
        ));
        out.push((
            format!("{n} self-checks"),
            appended(&(0..n).fold(String::new(), |mut s, i| {
                s.push_str(&format!(
                    "[[self_checks]]\nunit = \"下属单位{}\"\nduty = \"预算单位自查\"\ndone = {}\n",
                    i % 7,
                    i % 2 == 0
                ));
                s
            })),
        ));
    }
    out
}

#[test]
fn lookups_by_key_answer_as_a_scan_does() {
    // Every score, finding, message and place of the JSON report, with the
    // engine's lookups by key and remembered function answers (a row's or
    // the report's sections' given again with the places the body read),
    // and with every list scanned item by item and every call run.
    let rules = rules();
    for (what, text) in generated() {
        let submission = jixiao::data::load_submission(
            SourceFile::new("unit.toml", text.as_str()),
            &rules.schema,
        )
        .unwrap_or_else(|e| panic!("{what}: {}", jixiao::diag::render(&e)));
        let json = |o: &jixiao::outcome::Outcome| {
            serde_json::to_string_pretty(&jixiao::explain::outcome_json(o, rules, &submission))
                .unwrap()
        };
        let looked_up =
            jixiao::score(rules, &submission).unwrap_or_else(|p| panic!("{what}: {p:?}"));
        let scanned =
            jixiao::score_scanning(rules, &submission).unwrap_or_else(|p| panic!("{what}: {p:?}"));
        let interpreted = jixiao::score_interpreted(rules, &submission)
            .unwrap_or_else(|p| panic!("{what}: {p:?}"));
        let (a, b) = (json(&looked_up), json(&scanned));
        // The typed code of rule functions answers as the
        // interpreter does.
        assert!(
            json(&interpreted) == a,
            "{what}: the report differs with every rule function interpreted"
        );
        if a != b {
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{what}: the reports differ from line {line}:\n  looked up: {}\n  scanned:   {}",
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}

/// A remembered answer of a function given a list gives its places to a
/// reader that keeps none as a run would: a zero divisor found by calling
/// it names the cells the function read, whether or not an earlier
/// condition asked the function first (it named the whole table).
#[test]
fn a_remembered_answer_gives_a_zero_divisor_its_cells() {
    let dir = rules_copy(
        &std::env::temp_dir().join(format!("jixiao-scaling-remembered-{}", std::process::id())),
    );
    let mut checks = std::fs::read_to_string(dir.join("indicators.jx")).unwrap();
    checks.push_str(
        "\nfn zeroes(xs: [indicator]) = sum(r.weight - r.weight for r in xs)\n\n\
         check asked_twice {\n  says \"同一函数问两次\"\n  for t in all_tables\n  \
         raise info when zeroes(t.indicators) == 0\n    because \"零\"\n  \
         raise info when 1 / zeroes(t.indicators) > 0\n    because \"除以零\"\n}\n",
    );
    std::fs::write(dir.join("indicators.jx"), checks).unwrap();
    let rules = jixiao::rules::from_dir(&dir).expect("the rules compile");
    let submission =
        jixiao::data::load_submission(SourceFile::new("unit.toml", EXAMPLE), &rules.schema)
            .expect("the example loads");
    let json = |o: &jixiao::outcome::Outcome| {
        serde_json::to_string_pretty(&jixiao::explain::outcome_json(o, &rules, &submission))
            .unwrap()
    };
    let remembered = jixiao::score(&rules, &submission).expect("scored");
    let run = jixiao::score_scanning(&rules, &submission).expect("scored");
    let stopped: Vec<_> = remembered
        .findings
        .iter()
        .filter(|f| f.id == "undefined_ratio")
        .collect();
    assert_eq!(stopped.len(), 2, "{}", json(&remembered));
    assert!(
        stopped.iter().all(|f| f.places.len() > 1),
        "{}",
        json(&remembered)
    );
    assert!(
        json(&remembered) == json(&run),
        "the places differ from a run of every call"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `assert_linear` over the command: `jixiao score --format csv` on a
/// file `make(k)` writes into a temporary folder; its exit status.
fn assert_command_linear(
    what: &str,
    name: &str,
    make: impl Fn(usize) -> String,
) -> Vec<Option<i32>> {
    let dir = std::env::temp_dir().join(format!("jixiao-scaling-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let codes = Mutex::new(Vec::new());
    assert_linear(
        what,
        |k| {
            let path = dir.join(format!("unit-{k}.toml"));
            std::fs::write(&path, make(k)).expect("written");
            path
        },
        |path| {
            let run = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
                .args(["score", "--format", "csv"])
                .arg(path)
                .output()
                .expect("jixiao runs");
            codes
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(run.status.code());
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
    codes.into_inner().unwrap_or_default()
}

#[test]
fn a_long_line_of_the_words_a_case_starts_with_is_linear() {
    // `jixiao score` first looks whether a file is a rule test case (a
    // top-level `base`, an `[expect]` table): a line full of those words
    // is looked at once, not again for every word in it.
    assert_command_linear(
        "a top-level text of `base[expect` repeated, per 100 KB",
        "case",
        |k| {
            format!(
                "note = \"{}\"\n{EXAMPLE}",
                "base[expect".repeat(100_000 * k / 11)
            )
        },
    );
}

#[test]
fn places_on_one_long_line_are_linear() {
    // A table's rows written inline (`indicators = [{…}, {…}]`, as a
    // program may write them) stand on one line, and a report names a
    // place in every row: each place's line and column is found without
    // walking the line from its start.
    assert_linear(
        "places 250 bytes apart on one line, per MB",
        |k| {
            let line = "{a = \"长长长\"}, ".repeat(50_000 * k);
            SourceFile::new("inline.toml", format!("x = [{line}]\n"))
        },
        |file| {
            let mut total = 0;
            for offset in (0..file.text.len()).step_by(250) {
                let at = (offset..)
                    .find(|o| file.text.is_char_boundary(*o))
                    .unwrap_or(offset);
                total += file.line_col(at as u32).1;
            }
            std::hint::black_box(total);
        },
    );
}

#[test]
fn a_file_of_many_mistakes_is_linear() {
    // Thousands of unknown keys: the first few are drawn with their
    // snippets (drawing one reads the file up to its place), the rest
    // counted, so the cost grows with the file, not with mistakes × file.
    let codes = assert_command_linear(
        "unknown keys at the top of the file, per 4,000",
        "mistakes",
        |k| {
            let keys: String = (0..4_000 * k).map(|i| format!("k{i} = 1\n")).collect();
            EXAMPLE.replacen("format = 1\n", &format!("format = 1\n{keys}"), 1)
        },
    );
    assert!(
        codes.iter().all(|c| *c == Some(1)),
        "unknown keys are errors: {codes:?}"
    );
}
