//! The bureau's judgments: each names a criterion, stays in its tier's band,
//! has no more decimals than the sheet rounds to, carries a note where the
//! rules ask for one, and overrides only with a note. Several reviewers'
//! judgments of one criterion are combined as the rules' `reviews { … }`
//! says. Errors point at the judgment where it is written (the submission's
//! `[review]`, a review file, a worksheet cell) and at the rule it breaks.

use super::outcome::{Deduction, DeductionKind, Finding, JudgmentAt, JudgmentShown};
use crate::data::{Judgment, Origin, Submission};
use crate::diag::Code;
use crate::diag::Problem;
use crate::ir::{Combine, JudgeIr, NodeIr, NodeIrKind, RuleSet, Severity, TierIr};
use crate::source::{SourceFile, Span, did_you_mean};
use rust_decimal::Decimal;

use super::outcome::REVIEWERS_DISAGREE;

/// A judgment that passed every check, ready to combine.
pub(super) struct Accepted {
    score: Decimal,
    shown: JudgmentShown,
    /// The tier's line in the rules (the criterion's for an override).
    rule_span: Span,
    /// The score's place in the submission, when it is written there.
    review_at: Option<(String, Span)>,
}

/// The column of a worksheet row, and the span in a TOML file, that a
/// problem points at.
#[derive(Clone, Copy)]
enum Field {
    Id,
    Tier,
    Score,
    Note,
}

impl Field {
    fn span(self, j: &Judgment) -> Span {
        match self {
            Field::Tier => j.tier.as_ref().map_or(j.id_span, |t| t.1),
            Field::Score => j.score.map_or(j.id_span, |s| s.1),
            Field::Id | Field::Note => j.id_span,
        }
    }

    fn column(self) -> usize {
        match self {
            Field::Id => 0,
            Field::Tier => 1,
            Field::Score => 2,
            Field::Note => 3,
        }
    }
}

/// A problem with a judgment, where it is written. A submission's own
/// `[review]` keeps its messages as they were; a review file names the
/// reviewer and the unit; a worksheet row names its cell, the unit and the
/// criterion's title.
fn problem(
    submission: &Submission,
    j: &Judgment,
    title: &str,
    field: Field,
    code: Code,
    message: String,
    label: &str,
) -> Problem {
    let span = field.span(j);
    match &j.origin {
        Origin::Submission => Problem::error(code, message, &submission.source, span, label),
        Origin::File(file) => Problem::error(
            code,
            format!("{}（单位“{}”）：{message}", who(j), submission.unit),
            file,
            span,
            label,
        ),
        // The criterion is named once: by the message, or else here.
        Origin::Sheet(row) if message.contains(&format!("“{title}”")) => Problem::plain(
            code,
            format!(
                "{}（{}，单位“{}”）：{message}",
                row.cell(field.column()),
                who(j),
                submission.unit
            ),
        ),
        Origin::Sheet(row) => Problem::plain(
            code,
            format!(
                "{}（{}，单位“{}”，评分项“{title}”）：{message}",
                row.cell(field.column()),
                who(j),
                submission.unit
            ),
        ),
    }
}

fn who(j: &Judgment) -> String {
    j.reviewer
        .as_deref()
        .map_or_else(|| "评审人".to_string(), |r| format!("评审人 {r}"))
}

/// Where a judgment is written, in words: at its score's cell (`field`
/// `Score`) or its note's.
fn place_words(submission: &Submission, j: &Judgment, field: Field) -> JudgmentAt {
    let line = |file: &SourceFile, table: Option<String>| JudgmentAt::Line {
        file: file.clone(),
        offset: j.id_span.start,
        table,
    };
    match &j.origin {
        Origin::Submission => line(&submission.source, Some(j.id.clone())),
        Origin::File(file) => line(file, None),
        Origin::Sheet(row) => JudgmentAt::Cell {
            words: row.cell(field.column()),
            file: row.file.len(),
        },
    }
}

fn rule_file(rules: &RuleSet, span: Span) -> SourceFile {
    rules
        .files
        .get(usize::from(span.file))
        .cloned()
        .unwrap_or_else(|| SourceFile::new("?", ""))
}

fn collect_nodes<'a>(nodes: &'a [NodeIr], out: &mut Vec<&'a NodeIr>) {
    for n in nodes {
        out.push(n);
        if let NodeIrKind::Section(children) = &n.kind {
            collect_nodes(children, out);
        }
    }
}

/// Judgments naming no criterion or a section, and one reviewer judging a
/// criterion twice.
pub(super) fn check_ids(rules: &RuleSet, submission: &Submission) -> Vec<Problem> {
    let mut all = Vec::new();
    collect_nodes(&rules.nodes, &mut all);
    let mut problems = Vec::new();
    let judgments = &submission.review.judgments;
    for (i, j) in judgments.iter().enumerate() {
        let title = all
            .iter()
            .find(|n| n.id == j.id)
            .map_or(j.id.as_str(), |n| n.title.as_str());
        if let Some(first) = judgments
            .iter()
            .take(i)
            .find(|k| k.id == j.id && k.reviewer == j.reviewer)
        {
            problems.push(
                problem(
                    submission,
                    j,
                    title,
                    Field::Score,
                    Code::ReviewDuplicate,
                    format!(
                        "评分项“{title}”评了两次：同一评审人对同一单位的同一评分项只能评一次（另一处：{}）",
                        place_words(submission, first, Field::Score)
                    ),
                    "重复",
                )
                .with_help("删去其中一处；若是两位评审人，请分别署名"),
            );
        }
        match all.iter().find(|n| n.id == j.id) {
            None => {
                let help = did_you_mean(&j.id, all.iter().map(|n| n.id.as_str())).or_else(|| {
                    Some(format!(
                        "评分项编号：{}",
                        all.iter()
                            .map(|n| n.id.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ))
                });
                problems.push(
                    problem(
                        submission,
                        j,
                        title,
                        Field::Id,
                        Code::ReviewUnknownCriterion,
                        format!("没有编号为 `{}` 的评分项", j.id),
                        "未知的评分项",
                    )
                    .with_help_opt(help),
                );
            }
            Some(n) if matches!(n.kind, NodeIrKind::Section(_)) => problems.push(
                problem(
                    submission,
                    j,
                    title,
                    Field::Id,
                    Code::ReviewSection,
                    format!("`{}` 是汇总项，不能直接评审", j.id),
                    "汇总项",
                )
                .with_help("汇总项的得分是下级评分项之和：请评审它的下级评分项"),
            ),
            Some(_) => {}
        }
    }
    problems.extend(review_before_receipt(submission));
    problems
}

/// A review date before the unit's package was received: a slip that
/// would be printed on the unit's notice. Said once per reviewer. (A date
/// in no year a review of the sheet's year can fall in is said when the
/// worksheet is read: `data::review_year`.)
fn review_before_receipt(submission: &Submission) -> Vec<Problem> {
    let judgments = &submission.review.judgments;
    let received = submission.received_on();
    let mut problems = Vec::new();
    let mut said: std::collections::HashSet<Option<&str>> = std::collections::HashSet::new();
    for j in judgments {
        let Some(on) = j.reviewed_on else { continue };
        if !said.insert(j.reviewer.as_deref()) {
            continue;
        }
        let Some(r) = received.filter(|r| on < *r) else {
            continue;
        };
        let at = match &j.origin {
            Origin::Sheet(row) => format!("{} 的评审日期", row.date_words()),
            Origin::File(file) => format!("{} 的 reviewed_on", file.name),
            Origin::Submission => "[review] 的 reviewed_on".to_string(),
        };
        problems.push(
            Problem::plain(
                Code::ReviewBadValue,
                format!(
                    "{at} {on}（{}）早于单位“{}”材料的送达日期 {r}",
                    who(j),
                    submission.unit
                ),
            )
            .with_help(before_receipt_help(submission.year, r)),
        );
    }
    problems
}

/// Which of the two dates to correct. A received date years after the
/// package's year is the likelier slip (`2033` typed for `2023`); else the
/// review date, or either.
fn before_receipt_help(year: i64, received: crate::data::Date) -> String {
    let where_received = "送达日期写在评审表的“单位”工作表，或材料的 received_on";
    if i64::from(received.parts().0) > year + 2 {
        return format!(
            "送达日期 {received} 在 {year} 年度材料的两年之后，多半是送达日期写错了：改正送达日期（{where_received}）"
        );
    }
    format!(
        "评审应在材料送达之后：评审日期写错的，改为评审人实际评审的日期；送达日期写错的，改正送达日期（{where_received}）"
    )
}

/// A judgment on an automatic criterion without `override = true`.
pub(super) fn judgment_on_auto(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
) -> Problem {
    // A worksheet has no row for an automatic criterion: one was added by
    // hand, and the reviewer reads the criterion's title, not its id, and
    // cannot write `override` there.
    let (message, help) = match j.origin {
        Origin::Sheet(_) => (
            format!("评分项“{}”按规则自动计分，不接受评审评分", node.title),
            "评审表中自动计分的评分项没有评审行：这一行的编号若被改过，请改回原样；若是另加的，请删去。确需改判时，由评分组织人在评审文件（.toml）中写明 override = true 和理由",
        ),
        _ => (
            format!(
                "`{}`（{}）按规则自动计分，不接受评审评分",
                node.id, node.title
            ),
            "本项按规则自动计分，评审表不需要这一行；确需改判时，在评审文件中写 override = true 并在 note 中说明理由",
        ),
    };
    problem(
        submission,
        j,
        &node.title,
        Field::Id,
        Code::ReviewJudgmentOnAuto,
        message,
        "对自动计分项的评审",
    )
    .with_help(help)
    .with_related(rule_here(
        rules,
        node,
        Code::ReviewJudgmentOnAuto,
        "自动计分项",
    ))
}

/// The criterion's line in the rules, beside a problem with a judgment.
fn rule_here(rules: &RuleSet, node: &NodeIr, code: Code, label: &str) -> Problem {
    Problem::error(
        code,
        "规则在这里",
        &rule_file(rules, node.span),
        node.span,
        label,
    )
}

/// An override (`j`) of a criterion other reviewers (`judging`) judged
/// as the rules ask: said at the override.
pub(super) fn mixed_override(
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    judging: &[&str],
) -> Problem {
    problem(
        submission,
        j,
        &node.title,
        Field::Id,
        Code::ReviewMixedOverride,
        format!(
            "“{}”在这里改判（override），而 {} 按规则评审：同一评分项不能既改判又评审",
            node.title,
            judging.join("、")
        ),
        "改判",
    )
    .with_help("确需改判的，由评分组织人统一改判，并去掉其他评审人对这一项的评分；否则去掉 override = true，按评分表评分")
}

/// The score, checked for presence and for the sheet's decimals; `tier`:
/// the band it must be in, for the help when it is missing.
fn score_of(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    tier: Option<&TierIr>,
    problems: &mut Vec<Problem>,
) -> Option<Decimal> {
    let Some((score, _)) = j.score else {
        if j.score_unread {
            // Said where its row was read (a score that is no number).
            return None;
        }
        let help = match tier {
            Some(t) if !t.name.is_empty() && t.low == t.high => {
                format!("档次“{}”为 {} 分：在得分处写 {}", t.name, t.low, t.low)
            }
            Some(t) if !t.name.is_empty() => format!(
                "档次“{}”的得分在 {} 到 {} 分之间：在得分处写上其中的分数",
                t.name, t.low, t.high
            ),
            Some(t) => format!("在得分处写上 {} 到 {} 之间的分数", t.low, t.high),
            None => "写上分数".to_string(),
        };
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Score,
                Code::ReviewMissingScore,
                format!("“{}”缺少得分", node.title),
                "缺少得分",
            )
            .with_help(help),
        );
        return None;
    };
    if score.normalize().scale() > rules.round {
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Score,
                Code::ReviewTooPrecise,
                format!("评分 {score} 的小数位数多于评分表保留的 {} 位", rules.round),
                "小数位数过多",
            )
            .with_help(format!(
                "评分表得分保留 {} 位小数：写成 {}",
                rules.round,
                crate::eval::round_score(score, rules.round).normalize()
            )),
        );
        return None;
    }
    Some(score)
}

/// A score below the criterion's max without a note, where the rules ask
/// for one (`require note below max`).
fn note_required(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    score: Decimal,
    has_note: bool,
    problems: &mut Vec<Problem>,
) -> bool {
    match rules.reviews.note_below_max {
        Some(rule) if score < node.max && !has_note => {
            problems.push(
                problem(
                    submission,
                    j,
                    &node.title,
                    Field::Note,
                    Code::ReviewNoteRequired,
                    // A note that is there but gives no reason is quoted.
                    match j.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                        Some(note) => format!(
                            "“{}”评 {} 分，低于满分 {}，评审意见“{note}”没有说明扣分理由",
                            node.title,
                            score.normalize(),
                            node.max.normalize()
                        ),
                        None => format!(
                            "“{}”评 {} 分，低于满分 {}，须写评审意见说明扣分理由",
                            node.title,
                            score.normalize(),
                            node.max.normalize()
                        ),
                    },
                    if j.note.as_deref().is_some_and(|n| !n.trim().is_empty()) {
                        "没有说明理由"
                    } else {
                        "缺少评审意见"
                    },
                )
                .with_help("写明扣分的理由（评审表的“评审意见”，评审文件的 note）；“同上”“/”“无”不算理由，告知书中单位看不到上一行")
                .with_related(Problem::error(
                    Code::ReviewNoteRequired,
                    "规则要求：低于满分须写评审意见",
                    &rule_file(rules, rule),
                    rule,
                    "require note below max",
                )),
            );
            true
        }
        _ => false,
    }
}

/// A note's line breaks as `\n` alone: a cell typed on Windows (or a
/// review file saved there) may break its lines with `\r\n` or `\r`, and a
/// carriage return written into a report sends the terminal back to the
/// line's start, over the diagnostic's gutter.
fn one_line_break(note: &str) -> String {
    match note.contains('\r') {
        true => note.replace("\r\n", "\n").replace('\r', "\n"),
        false => note.to_string(),
    }
}

fn shown(
    submission: &Submission,
    j: &Judgment,
    tier: Option<&str>,
    score: Decimal,
) -> JudgmentShown {
    JudgmentShown {
        reviewer: j.reviewer.clone(),
        tier: tier.map(str::to_string),
        score: score.normalize(),
        note: j
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .map(one_line_break),
        at: place_words(submission, j, Field::Score),
        note_at: place_words(submission, j, Field::Note),
        in_submission: matches!(j.origin, Origin::Submission),
        reviewed_on: j.reviewed_on,
    }
}

fn review_at(node: &NodeIr, j: &Judgment) -> Option<(String, Span)> {
    match (&j.origin, j.score) {
        (Origin::Submission, Some((_, span))) => Some((format!("review.{}.score", node.id), span)),
        _ => None,
    }
}

/// `override = true` on a criterion the rules leave to the reviewers (for
/// this package): there is nothing to override.
pub(super) fn override_on_judged(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
) -> Problem {
    problem(
        submission,
        j,
        &node.title,
        Field::Id,
        Code::ReviewOverrideOnJudged,
        format!(
            "“{}”按规则由评审判定，不是自动计分，不能改判（override）",
            node.title
        ),
        "改判",
    )
    .with_help("去掉 override = true，按评分表的档次和分数段评分（写明档次的，分数须在该档次之内）")
    .with_related(rule_here(
        rules,
        node,
        Code::ReviewOverrideOnJudged,
        "评审判定项",
    ))
}

/// `override = true`: needs a note and a score within the criterion's
/// points. A tier written with it (a 问题 section zeroed for asking only
/// for funds, judged 较全面 after all) is checked and kept as a judgment's.
pub(super) fn apply_override(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    plan: &crate::ir::Plan,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) -> Option<Accepted> {
    if !has_note(rules, j) {
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Note,
                Code::ReviewOverrideWithoutNote,
                format!("改判“{}”必须说明理由", node.title),
                "缺少评审意见",
            )
            .with_help("写明改判的理由（评审表的“评审意见”，评审文件的 note）"),
        );
        return None;
    }
    if let Some((tier, _)) = &j.tier {
        if let Some(judge) = judge_of(plan) {
            let a = apply_judgment(rules, submission, node, judge, j, problems)?;
            return Some(Accepted {
                rule_span: node.span,
                ..a
            });
        }
        // No tiers to check it against: refused, not dropped in silence.
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Tier,
                Code::ReviewTierNotUsed,
                format!("“{}”不分档次，改判处却写了档次“{tier}”", node.title),
                "多余的档次",
            )
            .with_help("改判只写分数和理由：删去档次（评审文件的 tier）"),
        );
        return None;
    }
    let score = score_of(rules, submission, node, j, None, problems)?;
    if score < Decimal::ZERO || score > node.max {
        let file = rule_file(rules, node.span);
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Score,
                Code::ReviewOutOfBand,
                format!("“{}”的改判分数 {score} 超出本项 0–{}", node.title, node.max),
                "超出范围",
            )
            .with_related(Problem::error(
                Code::ReviewOutOfBand,
                "本项分值",
                &file,
                node.span,
                "",
            )),
        );
        return None;
    }
    Some(Accepted {
        score,
        shown: shown(submission, j, None, score),
        rule_span: node.span,
        review_at: review_at(node, j),
    })
}

/// A judgment on a judged criterion (or on a mixed one whose judged case
/// applies): tier named, score in its band, note where the tier or the
/// rules need one.
pub(super) fn apply_judgment(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    judge: &JudgeIr,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) -> Option<Accepted> {
    let named = judge.tiers.iter().any(|t| !t.name.is_empty());
    let tier = match (&j.tier, named) {
        (Some((name, _)), true) => match judge.tiers.iter().find(|t| same_tier(&t.name, name)) {
            Some(t) => t,
            None => {
                let tiers: Vec<&TierIr> = judge.tiers.iter().collect();
                problems.push(unknown_tier(submission, node, j, name, &tiers));
                return None;
            }
        },
        (None, true) => {
            let names: Vec<&str> = judge.tiers.iter().map(|t| t.name.as_str()).collect();
            problems.push(
                problem(
                    submission,
                    j,
                    &node.title,
                    Field::Tier,
                    Code::ReviewMissingTier,
                    format!("“{}”需要写明档次", node.title),
                    "缺少档次",
                )
                .with_help(format!("可选档次：{}", names.join("、"))),
            );
            return None;
        }
        (Some(_), false) => {
            problems.push(
                problem(
                    submission,
                    j,
                    &node.title,
                    Field::Tier,
                    Code::ReviewTierNotUsed,
                    format!(
                        "“{}”不分档次，档次处却写了“{}”",
                        node.title,
                        j.tier.as_ref().map_or("", |(t, _)| t.as_str())
                    ),
                    "多余的档次",
                )
                .with_help("档次留空，分数写在得分处（评审表的“得分”列，评审文件的 score）"),
            );
            return None;
        }
        (None, false) => judge.tiers.first()?,
    };
    let has_note = has_note(rules, j);
    let Some(score) = score_of(rules, submission, node, j, Some(tier), problems) else {
        // A score that is no number is said where its row was read; what
        // else the row lacks is said with it, for one round of mending.
        if j.score_unread && tier.free && !has_note {
            problems.push(free_tier_without_note(submission, node, j, tier));
        }
        return None;
    };
    if score < tier.low || score > tier.high {
        let file = rule_file(rules, tier.span);
        let band = if tier.name.is_empty() {
            String::new()
        } else {
            format!("档次“{}”的", tier.name)
        };
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Score,
                Code::ReviewOutOfBand,
                format!(
                    "“{}”的评分 {score} 不在{band}分数段 {}–{} 之内",
                    node.title, tier.low, tier.high
                ),
                "超出分数段",
            )
            .with_help(if tier.name.is_empty() {
                "改为分数段之内的分数"
            } else {
                "改为分数段之内的分数，或选择相应的档次"
            })
            .with_related(Problem::error(
                Code::ReviewOutOfBand,
                "分数段在这里",
                &file,
                tier.span,
                format!("{}–{}", tier.low, tier.high),
            )),
        );
        return None;
    }
    if tier.free && !has_note {
        problems.push(free_tier_without_note(submission, node, j, tier));
        return None;
    }
    if note_required(rules, submission, node, j, score, has_note, problems) {
        return None;
    }
    let tier_name = (!tier.name.is_empty()).then_some(tier.name.as_str());
    Some(Accepted {
        score,
        shown: shown(submission, j, tier_name, score),
        rule_span: tier.span,
        review_at: review_at(node, j),
    })
}

/// A tier that needs a reason (`free`) given without one.
fn free_tier_without_note(
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    tier: &TierIr,
) -> Problem {
    problem(
        submission,
        j,
        &node.title,
        Field::Note,
        Code::ReviewNoteRequired,
        format!("档次“{}”需要说明理由", tier.name),
        "缺少评审意见",
    )
    .with_help("写明理由（评审表的“评审意见”，评审文件的 note）")
}

/// What a criterion's accepted judgments give: its score, the deduction
/// below the max, the notes, every judgment as shown, and a
/// `reviewers_disagree` finding when the scores lie too far apart.
pub(super) struct Combined {
    pub score: Decimal,
    pub deductions: Vec<Deduction>,
    pub notes: Vec<String>,
    pub judgments: Vec<JudgmentShown>,
    pub combined: Option<Combine>,
    pub finding: Option<Finding>,
}

/// One judgment in words: `张三：档次“较全面”（16–18），18 分（理由）`.
fn one_in_words(judge: Option<&JudgeIr>, s: &JudgmentShown, out: &mut String) {
    use crate::base::{push_decimal, push_decimal_as_written};
    if let Some(tier) = s.tier.as_deref() {
        out.push_str("档次“");
        out.push_str(tier);
        out.push('”');
        let band = judge.and_then(|j| j.tiers.iter().find(|t| t.name == tier));
        if let Some(t) = band.filter(|t| t.low != t.high) {
            out.push('（');
            push_decimal(out, t.low);
            out.push('–');
            push_decimal(out, t.high);
            out.push('）');
        }
        out.push('，');
    }
    out.push_str("得 ");
    // As `Display` writes it: the score as the reviewer wrote it.
    push_decimal_as_written(out, s.score);
    out.push_str(" 分");
    if let Some(note) = s.note.as_deref() {
        out.push('：');
        out.push_str(note);
    }
}

/// Combine the accepted judgments of one criterion as the rules say.
pub(super) fn combine(
    rules: &RuleSet,
    node: &NodeIr,
    judge: Option<&JudgeIr>,
    accepted: Vec<Accepted>,
    kind: DeductionKind,
) -> Combined {
    let mut scores: Vec<Decimal> = accepted.iter().map(|a| a.score).collect();
    scores.sort();
    let several = accepted.len() > 1;
    let method = rules.reviews.combine;
    let raw = match method {
        _ if !several => scores.first().copied().unwrap_or_default(),
        Combine::Mean => {
            scores.iter().copied().sum::<Decimal>() / Decimal::from(scores.len().max(1))
        }
        Combine::Median => {
            let mid = scores.len() / 2;
            let upper = scores.get(mid).copied().unwrap_or_default();
            if scores.len() % 2 == 0 {
                let lower = scores.get(mid.wrapping_sub(1)).copied().unwrap_or(upper);
                (lower + upper) / Decimal::TWO
            } else {
                upper
            }
        }
        Combine::Lowest => scores.first().copied().unwrap_or_default(),
        Combine::Highest => scores.last().copied().unwrap_or_default(),
    };
    let score = crate::eval::round_score(raw, rules.round);
    let judgments: Vec<JudgmentShown> = accepted.iter().map(|a| a.shown.clone()).collect();
    let override_words = kind == DeductionKind::Override;
    let (message, notes) = if several {
        let each: Vec<String> = judgments
            .iter()
            .map(|s| {
                let tier = s
                    .tier
                    .as_deref()
                    .map_or_else(|| " ".to_string(), |t| format!("（{t}）"));
                let note = s
                    .note
                    .as_deref()
                    .map(|n| format!("：{}", n.trim_end_matches('。')))
                    .unwrap_or_default();
                format!("{}{tier}{} 分{note}", s.who(), s.score)
            })
            .collect();
        let verb = if override_words { "改判" } else { "评分" };
        (
            format!(
                "{} 名评审人{verb}，{} {} 分{}：{}",
                judgments.len(),
                method.words(),
                score.normalize(),
                unrounded_words(method, raw, score, rules.round),
                each.join("；")
            ),
            judgments
                .iter()
                .filter_map(|s| {
                    s.note
                        .as_deref()
                        .map(|note| format!("评审意见{}：{note}", s.note_source_words_located()))
                })
                .collect(),
        )
    } else {
        let s = judgments.first();
        let who = s.map(JudgmentShown::source_words).unwrap_or_default();
        let note = s.and_then(|s| s.note.clone()).unwrap_or_default();
        let message = match (override_words, s) {
            (true, _) => format!("评审改判{who}为 {} 分：{note}", score.normalize()),
            (false, Some(s)) => {
                // A message per criterion of every unit: written without
                // the formatting machinery.
                let mut message = String::with_capacity(64);
                message.push_str("评审判定");
                message.push_str(&who);
                one_in_words(judge, s, &mut message);
                message
            }
            (false, None) => String::new(),
        };
        let notes = if override_words {
            vec![format!("评审改判（override）{who}：{note}")]
        } else if note.is_empty() {
            s.filter(|s| !s.in_submission)
                .map(|s| {
                    vec![format!(
                        "评审意见{}：（未写评审意见）",
                        s.note_source_words()
                    )]
                })
                .unwrap_or_default()
        } else {
            // Said where the note is written (评审意见's cell), not the score.
            let at = s.map(JudgmentShown::note_source_words).unwrap_or_default();
            vec![format!("评审意见{at}：{note}")]
        };
        (message, notes)
    };
    let first = accepted.first();
    let mut deductions = Vec::new();
    if score < node.max {
        // Several reviewers' score comes from the rules' `combine`.
        let span = match first {
            Some(a) if !several => a.rule_span,
            _ => rules.reviews.combine_at.unwrap_or(node.span),
        };
        deductions.push(Deduction {
            points: crate::eval::round_score(node.max - score, rules.round).normalize(),
            message,
            span,
            focus: span,
            values: Vec::new(),
            computed_from: Vec::new(),
            places: Vec::new(),
            review_at: first.filter(|_| !several).and_then(|a| a.review_at.clone()),
            kind,
            judgments: judgments.clone(),
            combined: several.then_some(method),
        });
    }
    let finding = disagreement(rules, node, &judgments, &scores);
    Combined {
        score,
        deductions,
        notes,
        judgments,
        combined: several.then_some(method),
        finding,
    }
}

/// `（平均数约为 17.6667，按评分表保留 2 位小数）`: a combined score the
/// sheet's rounding changed, with what it was before, so that an auditor
/// can redo the sum; nothing when rounding changed nothing.
fn unrounded_words(method: Combine, raw: Decimal, score: Decimal, round: u32) -> String {
    let what = match method {
        Combine::Mean => "平均数",
        Combine::Median => "中位数",
        // The lowest or highest of scores the sheet already rounds.
        Combine::Lowest | Combine::Highest => return String::new(),
    };
    if raw == score {
        return String::new();
    }
    // Two decimals more than the score has, and at least `SHOWN_DECIMALS`.
    let decimals = SHOWN_DECIMALS.max(round.saturating_add(2));
    let shown = raw.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let about = if shown == raw { "" } else { "约" };
    format!(
        "（{what}{about}为 {}，按评分表保留 {round} 位小数）",
        shown.normalize()
    )
}

/// Decimals of an unrounded combined score said in words, at least.
const SHOWN_DECIMALS: u32 = 4;

/// `reviewers_disagree`: the highest and lowest scores lie further apart
/// than the rules allow.
fn disagreement(
    rules: &RuleSet,
    node: &NodeIr,
    judgments: &[JudgmentShown],
    sorted: &[Decimal],
) -> Option<Finding> {
    let (limit, span) = rules.reviews.disagree_above?;
    let spread = *sorted.last()? - *sorted.first()?;
    if spread <= limit {
        return None;
    }
    // Where each score is written, so whoever rechecks finds the cell (a
    // worksheet's, or a review file's line); a score in the package's own
    // `[review]` is the package's.
    let each: Vec<String> = judgments
        .iter()
        .map(|s| match s.in_submission {
            true => format!("{} {} 分", s.who(), s.score),
            false => format!("{} {} 分（{}）", s.who(), s.score, s.at),
        })
        .collect();
    Some(Finding {
        id: REVIEWERS_DISAGREE.to_string(),
        severity: Severity::Warning,
        message: format!(
            "评分项“{}”的评审分数相差 {} 分，超过 {} 分：{}。请复核",
            node.title,
            spread.normalize(),
            limit.normalize(),
            each.join("，")
        ),
        span,
        focus: span,
        // Named as the rules' identifiers are (`disagree above 3`), like
        // every other finding's values: a program reads them by name.
        values: vec![
            (
                "spread".to_string(),
                crate::data::Value::Num(spread.normalize()),
            ),
            (
                "disagree_above".to_string(),
                crate::data::Value::Num(limit.normalize()),
            ),
        ],
        computed_from: Vec::new(),
        places: Vec::new(),
        says: Some("多名评审人对同一评分项的评分相差过大时提示复核".to_string()),
        related: Vec::new(),
        judged: Some(Box::new((node.id.clone(), judgments.to_vec()))),
    })
}

/// The first `judge` of a criterion's plan, in any of its cases.
fn judge_of(plan: &crate::ir::Plan) -> Option<&JudgeIr> {
    match &plan.method {
        crate::ir::Method::Judge(j) => Some(j),
        crate::ir::Method::Cases(cases, otherwise) => cases
            .iter()
            .find_map(|(_, p)| judge_of(p))
            .or_else(|| judge_of(otherwise)),
        crate::ir::Method::Deduct(_) | crate::ir::Method::Award(_) => None,
    }
}

fn tiers_of<'p>(plan: &'p crate::ir::Plan, out: &mut Vec<&'p TierIr>) {
    match &plan.method {
        crate::ir::Method::Judge(j) => out.extend(j.tiers.iter()),
        crate::ir::Method::Cases(cases, otherwise) => {
            for (_, p) in cases {
                tiers_of(p, out);
            }
            tiers_of(otherwise, out);
        }
        crate::ir::Method::Deduct(_) | crate::ir::Method::Award(_) => {}
    }
}

/// A judgment the rules do not use this time is still checked for form, so
/// a misspelt tier or an impossible score does not pass unnoticed.
pub(super) fn check_unused(
    submission: &Submission,
    node: &NodeIr,
    plan: &crate::ir::Plan,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) {
    let mut tiers = Vec::new();
    tiers_of(plan, &mut tiers);
    if let Some((name, _)) = &j.tier
        && !tiers.iter().any(|t| same_tier(&t.name, name))
    {
        problems.push(unknown_tier(submission, node, j, name, &tiers));
    }
    if let Some((score, _)) = j.score
        && (score < Decimal::ZERO || score > node.max)
    {
        problems.push(
            problem(
                submission,
                j,
                &node.title,
                Field::Score,
                Code::ReviewOutOfBand,
                format!("“{}”的评分 {score} 超出本项 0–{}", node.title, node.max),
                "超出范围",
            )
            .with_help("改为本项分值之内的分数"),
        );
    }
}

/// A judgment naming a tier the criterion does not have.
fn unknown_tier(
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    name: &str,
    tiers: &[&TierIr],
) -> Problem {
    let names: Vec<&str> = tiers
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    let help = did_you_mean(name, names.iter().copied())
        .or_else(|| Some(format!("可选档次：{}", names.join("、"))));
    problem(
        submission,
        j,
        &node.title,
        Field::Tier,
        Code::ReviewUnknownTier,
        format!("“{}”没有档次“{name}”", node.title),
        "未知的档次",
    )
    .with_help_opt(help)
}

/// A tier as written is the rules' tier, in traditional characters too
/// (“較全面” is “较全面”).
fn same_tier(rules: &str, written: &str) -> bool {
    rules == written || rules.chars().eq(written.chars().map(simplified))
}

/// The simplified form of the traditional characters tier names use.
fn simplified(c: char) -> char {
    match c {
        '較' => '较',
        '過' => '过',
        '於' => '于',
        '簡' => '简',
        '單' => '单',
        '優' => '优',
        '複' => '复',
        '參' => '参',
        '劃' => '划',
        '別' => '别',
        _ => c,
    }
}

/// Does the judgment carry a note that gives a reason?
fn has_note(rules: &RuleSet, j: &Judgment) -> bool {
    j.note.as_deref().is_some_and(|n| gives_reason(rules, n))
}

/// Does a reviewer's note give a reason? Not when it holds no words, or
/// only what the rules read as a blank cell (`blank_marks`) or as “none”
/// (`none_words`), as the forms' cells are read; nor “同上”, which points
/// at another row of the worksheet and means nothing where the note is
/// read (the unit's notice).
pub(crate) fn gives_reason(rules: &RuleSet, note: &str) -> bool {
    let note = note.trim().trim_end_matches(['。', '.']);
    let listed = |param: &str| {
        matches!(rules.param(param), Some(crate::data::Value::List(items))
            if items.iter().any(|v| matches!(v, crate::data::Value::Text(t) if &**t == note)))
    };
    crate::data::has_words(note)
        && !refers_elsewhere(note)
        && !listed("blank_marks")
        && !listed("none_words")
}

/// Does a note only point at another row of the worksheet, or leave its
/// reason out? “同上”, “同 上”, “同上行”, “如上”, “同第5行”, “略”, also
/// with an aside in brackets (“同上（见第5行）”). A note that goes on to
/// say something (“同上年相比未细化”) is a reason.
fn refers_elsewhere(note: &str) -> bool {
    // Quotes and a bracket around the whole note (“同上”, （同上）) say
    // nothing more.
    let wrappers = ['“', '”', '"', '「', '」', '（', '(', '）', ')'];
    // Each such note starts with one of these; most reasons do not, and
    // are answered without looking further.
    let first = note
        .trim_start()
        .trim_start_matches(wrappers)
        .chars()
        .next();
    if !first.is_some_and(|c| "同见如略从理原意参详".contains(c)) {
        return false;
    }
    let mut plain: String = note
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '「' | '」'))
        .collect();
    if plain.starts_with(['（', '(']) && plain.ends_with(['）', ')']) {
        plain = plain.trim_matches(wrappers).to_string();
    } else if plain.ends_with(['）', ')']) {
        // An aside in brackets after the referral: “同上（见第5行）”.
        if let Some(open) = plain.find(['（', '(']) {
            plain.truncate(open);
        }
    }
    let plain = plain.trim_end_matches(['。', '.', '，', ',', '；', ';', '！', '!']);
    if REFERS_ELSEWHERE.contains(&plain) {
        return true;
    }
    // “同第5行”, “见第 5 行”, “同第五条”, “同第12、13行”: rows named by
    // their numbers.
    ["同", "见", "参见", "详见", "如"].iter().any(|lead| {
        plain
            .strip_prefix(lead)
            .and_then(|rest| rest.strip_prefix('第'))
            .and_then(|rest| rest.strip_suffix(['行', '条']))
            .is_some_and(|n| {
                n.chars().next().is_some_and(|c| {
                    c.is_ascii_digit()
                        || ('０'..='９').contains(&c)
                        || "一二三四五六七八九十百".contains(c)
                }) && n.chars().all(|c| {
                    c.is_ascii_digit()
                        || ('０'..='９').contains(&c)
                        || "一二三四五六七八九十百、，,和及至-—".contains(c)
                })
            })
    })
}

/// Notes that only refer to another row of a reviewer's worksheet (the
/// worksheet is the engine's own form, so its words are the engine's), or
/// say the reason is left out.
const REFERS_ELSEWHERE: [&str; 30] = [
    "同上",
    "同上行",
    "同上一行",
    "同上条",
    "同上一条",
    "同前",
    "同前行",
    "同左",
    "见上",
    "见上行",
    "见上一行",
    "见上条",
    "见上文",
    "见前",
    "如上",
    "如前",
    "同上述",
    "同上文",
    "同上所述",
    "理由同上",
    "原因同上",
    "意见同上",
    "同上理由",
    "同上意见",
    "同上行意见",
    "参见上行",
    "参见上一行",
    "参见上文",
    "略",
    "从略",
];

#[cfg(test)]
mod tests {
    use super::gives_reason;

    #[test]
    fn tiers_in_traditional_characters_are_the_rules_tiers() {
        assert!(super::same_tier("较全面", "較全面"));
        assert!(super::same_tier("过于简单", "過於簡單"));
        assert!(!super::same_tier("不全面", "較全面"));
        // Equally near two tiers: no guess is offered.
        assert_eq!(
            crate::source::did_you_mean_name("较全", ["较全面", "不全面"]),
            Some("较全面")
        );
        assert_eq!(
            crate::source::did_you_mean_name("X全面", ["较全面", "不全面"]),
            None
        );
        // The same name offered twice is one candidate, not a tie.
        assert_eq!(
            crate::source::did_you_mean_name("late_dys", ["late_days", "late_days"]),
            Some("late_days")
        );
    }

    #[test]
    fn a_blank_mark_is_no_reason() {
        // The rules' own `blank_marks` and `none_words` say what a blank is.
        let rules = crate::rules::builtin(2022).expect("the 2022 rules");
        for blank in [
            "",
            "  ",
            "/",
            "／",
            "—",
            "——",
            "-",
            "无",
            " 暂无 ",
            "。",
            "同上",
            "同上。",
            "同 上",
            "同上行",
            "同上一条",
            "如上",
            "同上（见第5行）",
            "同第5行",
            "见第 12 行",
            "略",
            "（同上）",
            "“同上”",
            "同上行意见",
            "同第12、13行",
            "参见上一行",
            "见上条",
        ] {
            assert!(!gives_reason(&rules, blank), "{blank:?}");
        }
        for words in [
            "未细化",
            "无三级指标",
            "/ 见附件",
            "同上年相比未细化",
            "略显简单",
            "如上所列问题未分析原因",
        ] {
            assert!(gives_reason(&rules, words), "{words:?}");
        }
    }
}
