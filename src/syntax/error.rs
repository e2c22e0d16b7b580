//! Parse errors: pest's failures in words bureau staff can read, and the
//! nesting guard that runs before pest.

use super::Rule;
use crate::source::Span;
use miette::SourceSpan;

/// A rule file that cannot be read as the language.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ParseError {
    /// `criterion x "t" max { }` (a token missing or misplaced)
    #[error("规则文件语法错误：{message}")]
    #[diagnostic(code(rules::syntax), help("{hint}"))]
    Syntax {
        /// What was expected.
        message: String,
        /// Where.
        #[label("这里")]
        span: SourceSpan,
        /// A hint.
        hint: String,
    },
    /// `((((((…))))))` beyond `MAX_NESTING`
    #[error("规则文件嵌套过深（超过 {limit} 层）")]
    #[diagnostic(code(rules::too_deep), help("把复杂的表达式拆成几个 let 命名值"))]
    TooDeep {
        /// Where the limit was passed.
        #[label("这里超过了嵌套上限")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// `a + b + …` with more than `MAX_OPERATORS` operators. The code is
    /// `rules::too_deep`, as for nesting: the expression's tree is as deep
    /// as its chain.
    #[error("一个表达式中的运算符过多（超过 {limit} 个）")]
    #[diagnostic(
        code(rules::too_deep),
        help("把长的算式拆成几个 let 命名值，每个不超过 {limit} 个运算符")
    )]
    TooManyOperators {
        /// Where the limit was passed.
        #[label("这里超过了运算符个数的上限")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// A rule file over `MAX_RULE_FILE_BYTES`.
    #[error("规则文件过大（上限 {limit} 字节）")]
    #[diagnostic(code(rules::too_large), help("把规则拆成几个文件"))]
    TooLarge {
        /// The file's start.
        #[label("此文件")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// A literal that is well formed but not a value: `2023-02-30`, a number
    /// beyond the decimal range, a `\x` escape.
    #[error("{message}")]
    #[diagnostic(code(rules::bad_literal), help("{hint}"))]
    BadLiteral {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("这里")]
        span: SourceSpan,
        /// How to fix it.
        hint: String,
    },
}

impl ParseError {
    /// The span, for ordering and for the file index.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Syntax { span, .. }
            | ParseError::TooDeep { span, .. }
            | ParseError::TooManyOperators { span, .. }
            | ParseError::TooLarge { span, .. }
            | ParseError::BadLiteral { span, .. } => span.offset(),
        }
    }
}

/// Reject nesting beyond `MAX_NESTING` before pest recurses into it.
pub(super) fn check_nesting(file: u16, text: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > super::MAX_NESTING {
                    return Err(ParseError::TooDeep {
                        span: Span::new(file, at..at + 1).source_span(),
                        limit: super::MAX_NESTING,
                    });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// pest's error in words: what was expected at the farthest point the
/// parser reached, as literal tokens (`{`, `max`) and rule names.
pub(super) fn from_pest(file: u16, text: &str, e: &pest::error::Error<Rule>) -> ParseError {
    let mut at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut words: Vec<String> = Vec::new();
    if let Some(attempts) = e.parse_attempts() {
        if attempts.max_position >= at {
            at = attempts.max_position;
            for token in attempts.expected_tokens() {
                // Literal tokens only: ranges print as `a..z`, built-ins by name.
                let token = token.to_string();
                let skipped = ["#", "\u{FEFF}", "\u{3000}", "BUILTIN_RULE"];
                if !token.trim().is_empty()
                    && !token.contains("..")
                    && !skipped.contains(&token.as_str())
                {
                    words.push(format!("`{token}`"));
                }
            }
            // Rule names only where no literal token says it better.
            if words.is_empty() {
                for stack in attempts.call_stacks() {
                    if let Some(rule) = stack.deepest.get_rule() {
                        words.push(rule_name(*rule).to_string());
                    }
                }
            }
        }
    }
    if words.is_empty() {
        if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
            words.extend(positives.iter().map(|r| rule_name(*r).to_string()));
        }
    }
    words.sort_unstable();
    words.dedup();
    let end = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8());
    let found = text
        .get(at..)
        .and_then(|rest| rest.split_whitespace().next())
        .map_or_else(
            || "文件结尾".to_string(),
            |w| format!("`{}`", w.chars().take(20).collect::<String>()),
        );
    let message = match &e.variant {
        pest::error::ErrorVariant::CustomError { message } if message.contains("stack") => {
            format!("表达式嵌套过深，超过了解析器的上限（{message}）")
        }
        // The parser's call limit (`PARSER_CALLS_BASE`): nesting that makes
        // it backtrack.
        pest::error::ErrorVariant::CustomError { message } if message.contains("call limit") => {
            "规则过于复杂，解析器未能在限定步数内读完（多层嵌套或未闭合的方括号、函数调用）"
                .to_string()
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
        _ if words.is_empty() => format!("无法识别 {found}"),
        _ => format!("这里应为 {}，实际是 {found}", words.join("、")),
    };
    let mut hint =
        "对照 docs/language.md 检查这一行的写法；常见原因是少了引号、括号或关键字".to_string();
    if matches!(&e.variant, pest::error::ErrorVariant::CustomError { message } if message.contains("call limit"))
    {
        hint = "检查方括号、圆括号是否成对；把层层嵌套的表达式拆成几个 let 命名值".to_string();
    } else if unclosed_string_before(text, at) {
        hint = "前面可能有未闭合的引号：字符串从某个 \" 开始，一直延续到了这里".to_string();
    }
    ParseError::Syntax {
        message,
        span: Span::new(file, at..end).source_span(),
        hint,
    }
}

/// Does an odd number of unescaped quotes precede `at` on an earlier line
/// than the error? Then a string probably ran on.
fn unclosed_string_before(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    before.lines().rev().skip(1).take(20).any(|line| {
        let code = line.split('#').next().unwrap_or("");
        let mut count = 0;
        let mut escaped = false;
        for c in code.chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => count += 1,
                _ => {}
            }
        }
        count % 2 == 1
    })
}

/// Every grammar rule in words. A new rule fails to compile until it has one.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::WHITESPACE | Rule::COMMENT => "空白",
        Rule::keyword => "关键字",
        Rule::ident => "名称",
        Rule::number => "数字",
        Rule::date => "日期（如 2023-06-15）",
        Rule::string | Rule::string_body => "带引号的文字",
        Rule::kw_true | Rule::kw_false => "true 或 false",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::infix_op => "运算符",
        Rule::op_not | Rule::op_neg | Rule::prefix_op => "not 或 -",
        Rule::expr | Rule::postfix | Rule::primary => "表达式",
        Rule::field_access => "`.字段`",
        Rule::index_access => "`[下标]`",
        Rule::if_expr => "if … then … else …",
        Rule::count_expr => "count(x in 列表 where 条件)",
        Rule::aggregate | Rule::agg_name => "sum/all/any/min/max/first(… for x in 列表)",
        Rule::comprehension => "[… for x in 列表]",
        Rule::where_clause => "where 条件",
        Rule::call => "函数调用",
        Rule::list => "列表 [ … ]",
        Rule::record_lit | Rule::record_field => "记录 { 键: 值 }",
        Rule::file | Rule::item => {
            "sheet、param、let、fn、section、criterion、check、record 或 root"
        }
        Rule::EOI => "文件结尾",
        Rule::hole => "{表达式}",
        Rule::sheet_decl => "sheet",
        Rule::sheet_setting | Rule::setting_name => "year、total、round 或 reviews { … }",
        Rule::reviews_decl => "reviews { combine …  disagree above …  require note below max }",
        Rule::combine_setting => "combine mean|median|lowest|highest",
        Rule::combine_method => "mean、median、lowest 或 highest",
        Rule::disagree_setting => "disagree above 分数",
        Rule::note_setting => "require note below max",
        Rule::param_decl => "param",
        Rule::let_decl => "let",
        Rule::section => "section",
        Rule::criterion => "criterion",
        Rule::points => "max 分值",
        Rule::says => "says \"评分标准原文\"",
        Rule::body | Rule::statement => "let、hint、show、full、zero、deduct、award、judge 或 when",
        Rule::hint => "hint",
        Rule::show => "show \"标题\" 文字",
        Rule::zero => "zero when",
        Rule::full => "full because \"说明\"",
        Rule::deduct => "deduct",
        Rule::per_clause => "per",
        Rule::when_clause => "when",
        Rule::cap_clause => "cap",
        Rule::because => "because \"说明\"",
        Rule::award => "award",
        Rule::judge => "judge",
        Rule::band => "分数段（如 16 to 18）",
        Rule::tier => "tier",
        Rule::free => "free",
        Rule::cases | Rule::case => "when 条件 { … }",
        Rule::otherwise => "otherwise { … }",
        Rule::fn_decl => "fn 名称(参数: 类型) = 表达式",
        Rule::fn_param => "参数（名称: 类型）",
        Rule::check_decl => "check",
        Rule::check_step => "for、let 或 raise",
        Rule::for_step => "for x in 列表",
        Rule::for_body => "{ … }",
        Rule::raise => "raise error|warning|info when 条件 because \"说明\"",
        Rule::severity => "error、warning 或 info",
        Rule::at_clause => "at 数据位置",
        Rule::related_clause => "related to 检查编号",
        Rule::record_decl => "record",
        Rule::root_decl => "root",
        Rule::field_decl => "字段声明（名称: 类型 \"表格中的名称\"）",
        Rule::field_label => "字段在表格中的名称（带引号的文字）",
        Rule::optional => "?",
        Rule::one_of => "in [ … ]",
        Rule::type_expr | Rule::list_type | Rule::map_type => "类型",
    }
}
