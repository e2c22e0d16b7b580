//! The indicator checks of the 2022 rules (`rules/2022/indicators.jx`),
//! against expectations computed by hand from
//! `shared/spec/indicator-rules.md`.
//!
//! Every file in `tests/findings/` is the reference example with a few values
//! changed; its header comment (`# finding-variant:`) says what changed and
//! which findings that must give. Each is scored with the built binary
//! (`jixiao score --format json FILE`) and the multiset of (severity, id) of
//! its findings must equal the example's list with `minus` taken out and
//! `plus` added, exactly. Where the place or a figure matters, `at` names a
//! submission path one finding of that id must carry and `says` a piece of
//! text its message must contain.
//!
//! The table is the single source of expectations: a file without a row
//! here, or a row without a file, fails the test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

type Finding = (&'static str, &'static str);

const E: &str = "error";
const W: &str = "warning";
const I: &str = "info";

/// The example's findings, exactly as listed at the end of
/// `indicator-rules.md` (severity, id, data paths, figures in the message).
const EXAMPLE: [(&str, &str, &[&str], &[&str]); 14] = [
    (
        E,
        "self_score_mismatch",
        &["report.sections[8].text", "overall.total_score"],
        &["100", "98"],
    ),
    (
        W,
        "report_figure_mismatch",
        &["report.sections[8].text", "overall.funds.full_year_budget"],
        &["348.64", "1085.09"],
    ),
    (
        W,
        "report_figure_mismatch",
        &["report.sections[8].text", "overall.funds.rate"],
        &["319.84", "102.76%"],
    ),
    (
        W,
        "over_execution",
        &["overall.funds.executed", "overall.funds.full_year_budget"],
        &["1115.09", "1085.09"],
    ),
    (
        W,
        "missing_deviation",
        &["projects[0].indicators[5]"],
        &["业务工作经费", "得分 9", "分值 10"],
    ),
    (
        W,
        "three_public_over_budget",
        &[
            "basic_data.expenses[0].final",
            "basic_data.expenses[0].budget",
        ],
        &["三公经费", "1.9", "无预算安排"],
    ),
    (
        W,
        "three_public_over_budget",
        &[
            "basic_data.expenses[5].final",
            "basic_data.expenses[5].budget",
        ],
        &["公务接待", "1.9", "无预算安排"],
    ),
    (
        I,
        "execution_score",
        &["overall.funds.score"],
        &["部门整体", "9", "10"],
    ),
    (
        I,
        "execution_score",
        &["projects[0].funds.score"],
        &["业务工作经费", "9", "9.69"],
    ),
    (
        I,
        "quantitative_score",
        &["overall.indicators[6].score"],
        &["总成本控制", "应得 9.73", "自评 9"],
    ),
    (
        I,
        "quantitative_score",
        &["projects[0].indicators[5].score"],
        &["业务工作经费", "应得 10", "自评 9"],
    ),
    (
        I,
        "unrefined_level2",
        &["overall.indicators[10]"],
        &["可持续影响指标"],
    ),
    (
        I,
        "unrefined_level2",
        &["projects[0].indicators[9]"],
        &["可持续影响指标"],
    ),
    (
        I,
        "budget_adjustment",
        &[
            "overall.funds.initial_budget",
            "overall.funds.full_year_budget",
        ],
        &["348.64", "1085.09", "211.24%"],
    ),
];

/// Every check id of `indicator-rules.md`.
const CHECK_IDS: [&str; 27] = [
    "execution_rate_mismatch",
    "missing_execution_rate",
    "execution_score",
    "over_execution",
    "budget_adjustment",
    "score_above_weight",
    "weight_sum_mismatch",
    "score_sum_mismatch",
    "level1_weight_mismatch",
    "level1_weight_nonstandard",
    "unrefined_level2",
    "missing_deviation",
    "quantitative_score",
    "actual_restates_target",
    "funds_split_mismatch",
    "project_basic_data_mismatch",
    "project_spending_mismatch",
    "missing_project_table",
    "three_public_over_budget",
    "expense_line_over_budget",
    "staffing_over_quota",
    "staffing_rate_mismatch",
    "group_sum_exceeds",
    "undefined_ratio",
    "self_score_mismatch",
    "report_figure_mismatch",
    "attachment_without_data",
];

struct Variant {
    file: &'static str,
    /// Findings of the example that must be gone.
    minus: &'static [Finding],
    /// Findings that must be added.
    plus: &'static [Finding],
    /// (id, path): some finding with this id lists this path in `data`.
    at: &'static [(&'static str, &'static str)],
    /// (id, text): some finding with this id has this text in its message.
    says: &'static [(&'static str, &'static str)],
}

const fn quiet(file: &'static str) -> Variant {
    Variant {
        file,
        minus: &[],
        plus: &[],
        at: &[],
        says: &[],
    }
}

const VARIANTS: &[Variant] = &[
    // ---- execution rate -----------------------------------------------------
    Variant {
        file: "overall-rate-wrong",
        minus: &[],
        plus: &[(E, "execution_rate_mismatch")],
        at: &[("execution_rate_mismatch", "overall.funds.rate")],
        says: &[
            ("execution_rate_mismatch", "120%"),
            ("execution_rate_mismatch", "102.76%"),
        ],
    },
    quiet("overall-rate-within-tolerance"),
    Variant {
        file: "overall-rate-just-outside",
        minus: &[],
        plus: &[(E, "execution_rate_mismatch")],
        at: &[("execution_rate_mismatch", "overall.funds.rate")],
        says: &[("execution_rate_mismatch", "102.78%")],
    },
    Variant {
        file: "project-rate-blank",
        minus: &[],
        plus: &[(W, "missing_execution_rate")],
        at: &[("missing_execution_rate", "projects[0].funds")],
        says: &[("missing_execution_rate", "96.89%")],
    },
    Variant {
        file: "project-rate-wrong",
        minus: &[],
        plus: &[(E, "execution_rate_mismatch")],
        at: &[("execution_rate_mismatch", "projects[0].funds.rate")],
        says: &[("execution_rate_mismatch", "96.89%")],
    },
    // ---- execution score ----------------------------------------------------
    Variant {
        file: "project-execution-score-overclaimed",
        minus: &[(I, "execution_score")],
        plus: &[(W, "execution_score")],
        at: &[("execution_score", "projects[0].funds.score")],
        says: &[("execution_score", "高于按规则计算的 9.69")],
    },
    Variant {
        file: "project-execution-score-within-tolerance",
        minus: &[(I, "execution_score")],
        plus: &[],
        at: &[("execution_score", "overall.funds.score")],
        says: &[],
    },
    Variant {
        file: "overall-execution-score-full",
        minus: &[(I, "execution_score")],
        plus: &[],
        at: &[("execution_score", "projects[0].funds.score")],
        says: &[("self_score_mismatch", "99")],
    },
    // ---- over execution -----------------------------------------------------
    Variant {
        file: "overall-within-budget",
        minus: &[(W, "over_execution")],
        plus: &[],
        at: &[],
        says: &[("budget_adjustment", "219.84%")],
    },
    Variant {
        file: "project-over-execution",
        minus: &[],
        plus: &[(W, "over_execution")],
        at: &[("over_execution", "projects[0].funds.executed")],
        says: &[
            ("over_execution", "96.89"),
            ("execution_score", "按规则计算的 10"),
        ],
    },
    // ---- budget adjustment and zero budgets ---------------------------------
    Variant {
        file: "overall-budget-note",
        minus: &[(I, "budget_adjustment")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "project-note-removed",
        minus: &[],
        plus: &[(I, "budget_adjustment")],
        at: &[("budget_adjustment", "projects[0].funds.initial_budget")],
        says: &[("budget_adjustment", "-16.67%")],
    },
    Variant {
        file: "overall-initial-budget-zero",
        minus: &[],
        plus: &[],
        at: &[("budget_adjustment", "overall.funds.initial_budget")],
        says: &[("budget_adjustment", "年初未安排，年中追加 1085.09 万元")],
    },
    Variant {
        file: "overall-zero-budget",
        minus: &[(I, "execution_score")],
        plus: &[(W, "undefined_ratio"), (W, "undefined_ratio")],
        at: &[("undefined_ratio", "overall.funds.full_year_budget")],
        says: &[
            ("undefined_ratio", "执行率应等于全年执行数"),
            ("undefined_ratio", "预算执行率得分 ="),
            ("budget_adjustment", "-100%"),
            ("over_execution", "0 万元"),
        ],
    },
    Variant {
        file: "project-zero-budget",
        minus: &[(I, "execution_score")],
        plus: &[
            (W, "undefined_ratio"),
            (W, "undefined_ratio"),
            (W, "over_execution"),
        ],
        at: &[
            ("undefined_ratio", "projects[0].funds.full_year_budget"),
            ("over_execution", "projects[0].funds.executed"),
        ],
        says: &[
            ("undefined_ratio", "执行率应等于全年执行数"),
            ("undefined_ratio", "预算执行率得分 ="),
        ],
    },
    // ---- funds split --------------------------------------------------------
    Variant {
        file: "by-source-short",
        minus: &[],
        plus: &[(E, "funds_split_mismatch")],
        at: &[("funds_split_mismatch", "overall.funds.by_source")],
        says: &[("funds_split_mismatch", "1015.09")],
    },
    Variant {
        file: "by-use-short",
        minus: &[],
        plus: &[(E, "funds_split_mismatch")],
        at: &[("funds_split_mismatch", "overall.funds.by_use")],
        says: &[("funds_split_mismatch", "1096.89")],
    },
    Variant {
        file: "project-breakdown-short",
        minus: &[],
        plus: &[(E, "funds_split_mismatch")],
        at: &[("funds_split_mismatch", "projects[0].funds.breakdown")],
        says: &[("funds_split_mismatch", "95 万元")],
    },
    quiet("by-source-within-tolerance"),
    // ---- scores and weights -------------------------------------------------
    Variant {
        file: "score-above-weight",
        minus: &[],
        plus: &[(E, "score_above_weight")],
        at: &[("score_above_weight", "overall.indicators[2].score")],
        says: &[("score_above_weight", "培育企业上市")],
    },
    Variant {
        file: "total-weight-90",
        minus: &[],
        plus: &[(E, "weight_sum_mismatch")],
        at: &[("weight_sum_mismatch", "overall.total_weight")],
        says: &[("weight_sum_mismatch", "90")],
    },
    Variant {
        file: "project-row-weight-15",
        minus: &[],
        plus: &[(E, "weight_sum_mismatch"), (W, "level1_weight_mismatch")],
        at: &[
            ("weight_sum_mismatch", "projects[0].total_weight"),
            ("level1_weight_mismatch", "projects[0].level1_weights"),
        ],
        says: &[
            ("weight_sum_mismatch", "105"),
            ("level1_weight_mismatch", "55"),
        ],
    },
    Variant {
        file: "total-score-97",
        minus: &[],
        plus: &[(E, "score_sum_mismatch")],
        at: &[("score_sum_mismatch", "overall.total_score")],
        says: &[("score_sum_mismatch", "97")],
    },
    quiet("project-total-score-within-tolerance"),
    Variant {
        file: "level1-declared-40",
        minus: &[],
        plus: &[
            (W, "level1_weight_mismatch"),
            (W, "level1_weight_nonstandard"),
        ],
        at: &[
            ("level1_weight_mismatch", "overall.level1_weights"),
            ("level1_weight_nonstandard", "overall.level1_weights"),
        ],
        says: &[
            ("level1_weight_mismatch", "效益指标"),
            ("level1_weight_nonstandard", "40"),
        ],
    },
    Variant {
        file: "level1-nonstandard-45-35",
        minus: &[],
        plus: &[
            (W, "level1_weight_nonstandard"),
            (W, "level1_weight_nonstandard"),
        ],
        at: &[("level1_weight_nonstandard", "overall.level1_weights")],
        says: &[
            ("level1_weight_nonstandard", "45"),
            ("level1_weight_nonstandard", "35"),
        ],
    },
    Variant {
        file: "project-funds-weight-15",
        minus: &[],
        plus: &[
            (W, "level1_weight_nonstandard"),
            (W, "level1_weight_nonstandard"),
        ],
        at: &[
            ("level1_weight_nonstandard", "projects[0].funds.weight"),
            ("level1_weight_nonstandard", "projects[0].level1_weights"),
        ],
        says: &[("execution_score", "14.53")],
    },
    // ---- refinement and deviation -------------------------------------------
    Variant {
        file: "overall-sustainability-refined",
        minus: &[(I, "unrefined_level2")],
        plus: &[],
        at: &[("unrefined_level2", "projects[0].indicators[9]")],
        says: &[],
    },
    quiet("empty-line-beside-named"),
    Variant {
        file: "project-deviation-filled",
        minus: &[(W, "missing_deviation")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "project-deviation-blank",
        minus: &[],
        plus: &[],
        at: &[("missing_deviation", "projects[0].indicators[5]")],
        says: &[],
    },
    // ---- quantitative scores ------------------------------------------------
    Variant {
        file: "quantity-overclaimed",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[0].score")],
        says: &[("quantitative_score", "应得 7.5，自评 10")],
    },
    quiet("units-differ"),
    Variant {
        file: "unit-conversion-yi-target",
        minus: &[],
        plus: &[],
        at: &[("quantitative_score", "overall.indicators[6].score")],
        says: &[(
            "quantitative_score",
            "目标 ≤0.111509亿，实际 1115.09万，按公式应得 10，自评 9",
        )],
    },
    Variant {
        file: "unit-conversion-yi-met",
        minus: &[(I, "quantitative_score")],
        plus: &[],
        at: &[("quantitative_score", "projects[0].indicators[5].score")],
        says: &[],
    },
    Variant {
        file: "actual-in-yuan",
        minus: &[],
        plus: &[],
        at: &[("quantitative_score", "overall.indicators[6].score")],
        says: &[("quantitative_score", "实际 11150900元，按公式应得 9.73")],
    },
    Variant {
        file: "full-width-target",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[0].score")],
        says: &[("quantitative_score", "应得 7.5")],
    },
    Variant {
        file: "satisfaction-percent-below",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[10].score")],
        says: &[("quantitative_score", "应得 9.44")],
    },
    Variant {
        file: "equal-zero-target-missed",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[1].score")],
        says: &[("quantitative_score", "应得 0，自评 5")],
    },
    quiet("equal-zero-target-met"),
    Variant {
        file: "equal-target-missed",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[1].score")],
        says: &[("quantitative_score", "应得 2.5，自评 5")],
    },
    Variant {
        file: "more-than-target-missed",
        minus: &[],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[0].score")],
        says: &[("quantitative_score", "应得 7.5，自评 10")],
    },
    Variant {
        file: "less-than-cost-exceeded",
        minus: &[],
        plus: &[],
        at: &[("quantitative_score", "projects[0].indicators[5].score")],
        says: &[(
            "quantitative_score",
            "目标 <100万，实际 101万，按公式应得 9.9，自评 9",
        )],
    },
    Variant {
        file: "cost-bare-target-exceeded",
        minus: &[(I, "quantitative_score"), (W, "missing_deviation")],
        plus: &[(W, "quantitative_score")],
        at: &[("quantitative_score", "projects[0].indicators[5].score")],
        says: &[("quantitative_score", "应得 9.9，自评 10")],
    },
    // ---- actual restates target ---------------------------------------------
    Variant {
        file: "actual-restates-target",
        minus: &[],
        plus: &[(W, "actual_restates_target")],
        at: &[("actual_restates_target", "projects[0].indicators[0].actual")],
        says: &[("actual_restates_target", "≥266米")],
    },
    Variant {
        file: "actual-restates-target-suffix",
        minus: &[],
        plus: &[(W, "actual_restates_target")],
        at: &[(
            "actual_restates_target",
            "projects[0].indicators[10].actual",
        )],
        says: &[("actual_restates_target", "90%以上")],
    },
    quiet("actual-measured-value"),
    // ---- basic data against the tables --------------------------------------
    Variant {
        file: "basic-budget-differs",
        minus: &[],
        plus: &[(W, "project_basic_data_mismatch")],
        at: &[
            (
                "project_basic_data_mismatch",
                "projects[0].funds.initial_budget",
            ),
            (
                "project_basic_data_mismatch",
                "basic_data.expenses[7].budget",
            ),
        ],
        says: &[("project_basic_data_mismatch", "120")],
    },
    Variant {
        file: "basic-final-differs",
        minus: &[],
        plus: &[
            (W, "project_basic_data_mismatch"),
            (W, "project_spending_mismatch"),
        ],
        at: &[
            ("project_basic_data_mismatch", "projects[0].funds.executed"),
            ("project_spending_mismatch", "overall.funds.by_use.project"),
        ],
        says: &[("project_spending_mismatch", "95 万元")],
    },
    Variant {
        file: "project-spending-total-line",
        minus: &[],
        plus: &[(W, "project_spending_mismatch")],
        at: &[("project_spending_mismatch", "overall.funds.by_use.project")],
        says: &[("project_spending_mismatch", "100 万元")],
    },
    quiet("project-spending-total-line-within-tolerance"),
    Variant {
        file: "no-project-table",
        minus: &[
            (I, "execution_score"),
            (I, "unrefined_level2"),
            (W, "missing_deviation"),
            (I, "quantitative_score"),
        ],
        plus: &[(W, "missing_project_table")],
        at: &[("missing_project_table", "basic_data.expenses[7]")],
        says: &[("missing_project_table", "业务工作经费")],
    },
    Variant {
        file: "second-project-spending",
        minus: &[],
        plus: &[(W, "missing_project_table")],
        at: &[("missing_project_table", "basic_data.expenses[8]")],
        says: &[("missing_project_table", "运行维护经费")],
    },
    quiet("project-line-zero-final"),
    // ---- three public -------------------------------------------------------
    Variant {
        file: "three-public-within-budget",
        minus: &[
            (W, "three_public_over_budget"),
            (W, "three_public_over_budget"),
        ],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "car-maintenance-over-budget",
        minus: &[],
        plus: &[(W, "three_public_over_budget")],
        at: &[("three_public_over_budget", "basic_data.expenses[3].final")],
        says: &[("three_public_over_budget", "公车运行维护")],
    },
    quiet("office-over-budget"),
    Variant {
        file: "public-expense-over-budget",
        minus: &[],
        plus: &[(W, "expense_line_over_budget")],
        at: &[("expense_line_over_budget", "basic_data.expenses[11].final")],
        says: &[
            ("expense_line_over_budget", "公用经费"),
            ("expense_line_over_budget", "225.54%"),
        ],
    },
    // ---- staffing -----------------------------------------------------------
    Variant {
        file: "staffing-over-quota",
        minus: &[],
        plus: &[(W, "staffing_over_quota")],
        at: &[("staffing_over_quota", "basic_data.staffing.actual")],
        says: &[("staffing_over_quota", "110%")],
    },
    Variant {
        file: "staffing-over-quota-rate-wrong",
        minus: &[],
        plus: &[(W, "staffing_over_quota"), (E, "staffing_rate_mismatch")],
        at: &[("staffing_rate_mismatch", "basic_data.staffing.control_rate")],
        says: &[
            ("staffing_over_quota", "110%"),
            ("staffing_rate_mismatch", "110%"),
        ],
    },
    Variant {
        file: "staffing-rate-wrong",
        minus: &[],
        plus: &[(E, "staffing_rate_mismatch")],
        at: &[("staffing_rate_mismatch", "basic_data.staffing.control_rate")],
        says: &[("staffing_rate_mismatch", "90%")],
    },
    quiet("staffing-rate-rounded"),
    Variant {
        file: "staffing-zero-authorized",
        minus: &[],
        // Over quota is still reported without a control rate; only the
        // rate check cannot be made.
        plus: &[(W, "staffing_over_quota"), (W, "undefined_ratio")],
        at: &[("undefined_ratio", "basic_data.staffing.authorized")],
        says: &[
            ("staffing_over_quota", "超过编制数 0 人"),
            ("undefined_ratio", "控制率应等于实际在职人数"),
        ],
    },
    // ---- group sums ---------------------------------------------------------
    Variant {
        file: "group-final-exceeds",
        minus: &[],
        plus: &[(E, "group_sum_exceeds"), (W, "expense_line_over_budget")],
        at: &[("group_sum_exceeds", "basic_data.expenses[11].final")],
        says: &[("group_sum_exceeds", "30.54")],
    },
    Variant {
        file: "group-budget-exceeds",
        minus: &[],
        plus: &[(E, "group_sum_exceeds")],
        at: &[("group_sum_exceeds", "basic_data.expenses[11].budget")],
        says: &[("group_sum_exceeds", "30.7")],
    },
    Variant {
        file: "three-public-children-exceed",
        minus: &[],
        plus: &[(E, "group_sum_exceeds"), (E, "group_sum_exceeds")],
        at: &[
            ("group_sum_exceeds", "basic_data.expenses[0].final"),
            ("group_sum_exceeds", "basic_data.expenses[0].budget"),
        ],
        says: &[("group_sum_exceeds", "2.9")],
    },
    quiet("group-sum-within-tolerance"),
    // ---- report against the tables ------------------------------------------
    Variant {
        file: "report-self-score-98",
        minus: &[(E, "self_score_mismatch")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "report-self-score-fullwidth",
        minus: &[(E, "self_score_mismatch")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "report-self-score-absent",
        minus: &[(E, "self_score_mismatch")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "report-figures-correct",
        minus: &[(W, "report_figure_mismatch"), (W, "report_figure_mismatch")],
        plus: &[],
        at: &[],
        says: &[],
    },
    Variant {
        file: "report-executed-differs",
        minus: &[],
        plus: &[(W, "report_figure_mismatch")],
        at: &[("report_figure_mismatch", "overall.funds.executed")],
        says: &[("report_figure_mismatch", "执行数为 1115 万元")],
    },
    Variant {
        file: "report-rate-within-tolerance",
        minus: &[(W, "report_figure_mismatch")],
        plus: &[],
        at: &[("report_figure_mismatch", "overall.funds.full_year_budget")],
        says: &[],
    },
    // ---- attachments --------------------------------------------------------
    Variant {
        file: "attachment-listed-without-data",
        minus: &[],
        plus: &[(E, "attachment_without_data")],
        at: &[("attachment_without_data", "attachments[3]")],
        says: &[("attachment_without_data", "运行维护经费")],
    },
    Variant {
        file: "project-data-without-attachment",
        minus: &[],
        plus: &[(E, "attachment_without_data")],
        at: &[("attachment_without_data", "projects[0]")],
        says: &[("attachment_without_data", "业务工作经费")],
    },
    Variant {
        file: "basic-data-not-listed",
        minus: &[],
        plus: &[(E, "attachment_without_data")],
        at: &[("attachment_without_data", "basic_data")],
        says: &[("attachment_without_data", "部门整体支出绩效评价基础数据表")],
    },
    Variant {
        file: "overall-not-listed",
        minus: &[],
        plus: &[(E, "attachment_without_data")],
        at: &[("attachment_without_data", "overall")],
        says: &[("attachment_without_data", "部门整体支出绩效自评表")],
    },
    quiet("fund-table-listed"),
    Variant {
        file: "no-overall-data",
        minus: &[
            (I, "execution_score"),
            (W, "over_execution"),
            (I, "budget_adjustment"),
            (I, "unrefined_level2"),
            (I, "quantitative_score"),
            (E, "self_score_mismatch"),
            (W, "report_figure_mismatch"),
            (W, "report_figure_mismatch"),
        ],
        plus: &[(E, "attachment_without_data")],
        at: &[],
        says: &[("attachment_without_data", "部门整体支出绩效自评表")],
    },
];

/// Variants whose expectation follows `indicator-rules.md` but which the
/// engine once did not meet (a braced `for` over a blank list ended its check).
const FIXED_DEFECTS: &[Variant] = &[
    // docs/language.md, "Known defects": a braced `for` over a blank list
    // ends the check, so with no [[attachments]] at all the `for p in
    // projects { … }` of attachment_without_data never runs.
    Variant {
        file: "no-attachments-listed",
        minus: &[],
        plus: &[
            (E, "attachment_without_data"),
            (E, "attachment_without_data"),
            (E, "attachment_without_data"),
        ],
        at: &[
            ("attachment_without_data", "basic_data"),
            ("attachment_without_data", "overall"),
            ("attachment_without_data", "projects[0]"),
        ],
        says: &[],
    },
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `jixiao score --format json [--rules DIR] FILE`: exit 0 and the JSON object.
fn score(file: &Path, rules: Option<&Path>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(root())
        .arg("score")
        .arg("--format")
        .arg("json");
    if let Some(rules) = rules {
        cmd.arg("--rules").arg(rules);
    }
    let out = cmd.arg(file).output().expect("run jixiao");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}: exit {:?}\n{stderr}",
        file.display(),
        out.status.code()
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})", file.display()));
    assert!(
        json["score"].is_string(),
        "{}: no score: {}",
        file.display(),
        json["score"]
    );
    json
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("`findings` is an array")
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn paths(f: &Value) -> Vec<&str> {
    f["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|p| p["path"].as_str()).collect())
        .unwrap_or_default()
}

/// (severity, id) → count.
fn multiset<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<(String, String), i32> {
    let mut m = BTreeMap::new();
    for (sev, id) in items {
        *m.entry((sev.to_string(), id.to_string())).or_insert(0) += 1;
    }
    m
}

fn example_multiset() -> BTreeMap<(String, String), i32> {
    multiset(EXAMPLE.iter().map(|(s, id, _, _)| (*s, *id)))
}

fn listing(fs: &[Value]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "  {} {} {:?}: {}",
                str_of(f, "severity"),
                str_of(f, "id"),
                paths(f),
                str_of(f, "message")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example gives exactly the list at the end of `indicator-rules.md`.
#[test]
fn example_findings_exactly() {
    let json = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        None,
    );
    let fs = findings(&json);
    let got = multiset(fs.iter().map(|f| (str_of(f, "severity"), str_of(f, "id"))));
    assert_eq!(
        got,
        example_multiset(),
        "findings of the example:\n{}",
        listing(fs)
    );
    for (sev, id, want_paths, figures) in EXAMPLE {
        let hit = fs.iter().any(|f| {
            str_of(f, "severity") == sev
                && str_of(f, "id") == id
                && paths(f) == want_paths
                && figures.iter().all(|t| str_of(f, "message").contains(t))
        });
        assert!(
            hit,
            "no {sev} {id} at {want_paths:?} naming {figures:?}:\n{}",
            listing(fs)
        );
    }
    for f in fs {
        let rule = &f["rule"];
        assert_eq!(str_of(rule, "file"), "builtin:2022/indicators.jx", "{f}");
        assert!(
            rule["line"].as_u64().is_some_and(|l| l > 0)
                && rule["column"].as_u64().is_some_and(|c| c > 0),
            "{f}"
        );
    }
}

/// The problems of one variant against its row; empty when it passes.
fn check_variant(v: &Variant, example_score: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let file = root()
        .join("tests/findings")
        .join(format!("{}.toml", v.file));
    let text = std::fs::read_to_string(&file).expect("read variant");
    if !text.starts_with("# finding-variant:") {
        failures.push(format!("{}: no `# finding-variant:` header", v.file));
    }
    let json = score(&file, None);
    let fs = findings(&json);

    let mut want = example_multiset();
    for (sev, id) in v.minus {
        let n = want.entry((sev.to_string(), id.to_string())).or_insert(0);
        assert!(
            *n > 0,
            "{}: removes {sev} {id}, which the example does not have",
            v.file
        );
        *n -= 1;
    }
    for (sev, id) in v.plus {
        *want.entry((sev.to_string(), id.to_string())).or_insert(0) += 1;
    }
    want.retain(|_, n| *n > 0);
    let got = multiset(fs.iter().map(|f| (str_of(f, "severity"), str_of(f, "id"))));
    if got != want {
        let missing: Vec<_> = want
            .iter()
            .filter(|(k, n)| got.get(*k).copied().unwrap_or(0) < **n)
            .map(|(k, _)| k)
            .collect();
        let extra: Vec<_> = got
            .iter()
            .filter(|(k, n)| want.get(*k).copied().unwrap_or(0) < **n)
            .map(|(k, _)| k)
            .collect();
        failures.push(format!(
            "{}: missing {missing:?}, unexpected {extra:?}\n{}",
            v.file,
            listing(fs)
        ));
        return failures;
    }
    for (id, path) in v.at {
        if !fs
            .iter()
            .any(|f| str_of(f, "id") == *id && paths(f).contains(path))
        {
            failures.push(format!("{}: no {id} at {path}\n{}", v.file, listing(fs)));
        }
    }
    for (id, text) in v.says {
        if !fs
            .iter()
            .any(|f| str_of(f, "id") == *id && str_of(f, "message").contains(text))
        {
            failures.push(format!(
                "{}: no {id} saying {text:?}\n{}",
                v.file,
                listing(fs)
            ));
        }
    }
    // A zero denominator stops one check, not the scoring.
    if v.plus.iter().any(|(_, id)| *id == "undefined_ratio") && &json["score"] != example_score {
        failures.push(format!(
            "{}: score {} (the example's is {example_score})",
            v.file, json["score"]
        ));
    }
    failures
}

fn check_all(variants: &[Variant]) {
    let example_score = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        None,
    )["score"]
        .clone();
    let failures: Vec<String> = variants
        .iter()
        .flat_map(|v| check_variant(v, &example_score))
        .collect();
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every file has a row (in one of the two tables) and every row a file.
#[test]
fn table_matches_files() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/findings"))
        .expect("tests/findings")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| n.trim_end_matches(".toml").to_string())
        .collect();
    files.sort();
    let mut rows: Vec<String> = VARIANTS
        .iter()
        .chain(FIXED_DEFECTS)
        .map(|v| v.file.to_string())
        .collect();
    rows.sort();
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!(rows, unique, "a variant is listed twice");
    assert_eq!(files, rows, "tests/findings/*.toml and the tables differ");
}

#[test]
fn variants() {
    check_all(VARIANTS);
}

#[test]
fn no_attachments_listed() {
    check_all(FIXED_DEFECTS);
}

/// Every check fires somewhere, and every check the example fires is
/// silenced by some variant: the table covers both sides of each check.
#[test]
fn every_check_fires_and_stays_quiet() {
    let base = example_multiset();
    for id in CHECK_IDS {
        let in_example = base.keys().any(|(_, i)| i == id);
        let added = VARIANTS
            .iter()
            .any(|v| v.plus.iter().any(|(_, i)| *i == id));
        let removed = VARIANTS
            .iter()
            .any(|v| v.minus.iter().any(|(_, i)| *i == id));
        assert!(in_example || added, "no variant makes {id} fire");
        assert!(!in_example || removed, "no variant keeps {id} quiet");
    }
}

/// The quantitative formulas are rule parameters: a copy of the rules whose
/// `at_most_score` is the linear formula of `params.jx`'s comment scores the
/// example's 总成本控制 (target ≤1085.09万, actual 1115.09万, weight 10) as
/// (1 − (1115.09 − 1085.09) ÷ 1085.09) × 10 = 9.72 instead of 9.73.
#[test]
fn linear_at_most_formula_by_editing_params() {
    let copy =
        std::env::temp_dir().join(format!("jixiao-findings-linear-{:010}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).expect("temp rules dir");
    for entry in std::fs::read_dir(root().join("rules/2022")).expect("rules/2022") {
        let entry = entry.expect("entry");
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("copy rule file");
        }
    }
    let params: PathBuf = copy.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("params.jx");
    let ratio = "if actual <= target then weight else target / actual * weight";
    let linear =
        "if actual <= target then weight else max(0, (1 - (actual - target) / target) * weight)";
    assert_eq!(
        text.matches(ratio).count(),
        1,
        "params.jx no longer has the at_most_score body this test replaces"
    );
    std::fs::write(&params, text.replace(ratio, linear)).expect("write params.jx");

    let json = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        Some(&copy),
    );
    let _ = std::fs::remove_dir_all(&copy);
    let fs = findings(&json);
    let got = multiset(fs.iter().map(|f| (str_of(f, "severity"), str_of(f, "id"))));
    assert_eq!(got, example_multiset(), "{}", listing(fs));
    let cost = fs
        .iter()
        .find(|f| {
            str_of(f, "id") == "quantitative_score" && paths(f) == ["overall.indicators[6].score"]
        })
        .unwrap_or_else(|| panic!("no quantitative_score for 总成本控制:\n{}", listing(fs)));
    assert!(
        str_of(cost, "message").contains("应得 9.72，自评 9"),
        "{}",
        str_of(cost, "message")
    );
}
