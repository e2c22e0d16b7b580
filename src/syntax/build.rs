//! pest pairs → AST, one `build_<rule>` function per grammar rule. Spans are
//! converted here and nowhere else.

use super::{ParseError, Rule};
use crate::ast::*;
use crate::source::Span;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;
use std::sync::LazyLock;

type Result<T> = std::result::Result<T, ParseError>;

/// Operator precedence, loosest first.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

struct Builder {
    /// How deeply `build_expr` is nested now (`if` needs no brackets, so
    /// the bracket count alone does not bound it).
    depth: std::cell::Cell<usize>,
    file: u16,
    /// Where the parsed text starts in its file (non-zero for holes).
    offset: usize,
}

impl Builder {
    /// The pair's place, without the blank lines and comments the grammar
    /// lets an expression run on into (`param a = 60 / x` and the comment
    /// on the lines after it): an error underlines the code only.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + code_len(pair.as_str());
        Span::new(self.file, s.start() + self.offset..end + self.offset)
    }

    fn name(&self, pair: Pair<Rule>) -> Name {
        Name {
            span: self.span(&pair),
            text: pair.as_str().to_string(),
        }
    }

    fn bad(&self, pair: &Pair<Rule>, message: String, hint: &str) -> ParseError {
        ParseError::BadLiteral {
            message,
            span: self.span(pair).source_span(),
            hint: hint.to_string(),
        }
    }
}

/// The length of `text` up to its last character of code: trailing
/// whitespace and comments (a `#` outside a string to the line's end) left
/// out.
fn code_len(text: &str) -> usize {
    let last = text.as_bytes().last().copied();
    if !last.is_some_and(|b| b.is_ascii_whitespace()) && !text.contains('#') {
        return text.len();
    }
    let mut end = text.trim_end().len();
    loop {
        let head = text.get(..end).unwrap_or_default();
        let line_start = head.rfind('\n').map_or(0, |i| i + 1);
        let line = head.get(line_start..).unwrap_or_default();
        let code = line_start + comment_start(line).unwrap_or(line.len());
        let trimmed = text.get(..code).unwrap_or_default().trim_end().len();
        if trimmed == end || trimmed == 0 {
            return end.max(trimmed);
        }
        end = trimmed;
    }
}

/// Where a comment starts on a line of code: a `#` outside a string.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') => in_string = !in_string,
            (false, _, '#') => return Some(at),
            _ => {}
        }
    }
    None
}

/// Build a whole file.
pub(super) fn build_file(file: u16, mut pairs: Pairs<Rule>) -> Result<File> {
    let b = Builder {
        depth: std::cell::Cell::new(0),
        file,
        offset: 0,
    };
    let mut items = Vec::new();
    let Some(top) = pairs.next() else {
        return Ok(File::default());
    };
    for pair in top.into_inner() {
        let item = match pair.as_rule() {
            Rule::sheet_decl => Item::Sheet(build_sheet_decl(&b, pair)?),
            Rule::param_decl => Item::Param(build_binding(&b, pair)?),
            Rule::let_decl => Item::Let(build_binding(&b, pair)?),
            Rule::section | Rule::criterion => Item::Node(build_node(&b, pair)?),
            Rule::fn_decl => Item::Function(build_fn_decl(&b, pair)?),
            Rule::check_decl => Item::Check(build_check_decl(&b, pair)?),
            Rule::record_decl => Item::Record(build_record_decl(&b, pair)?),
            Rule::root_decl => Item::Root(build_root_decl(&b, pair)?),
            Rule::EOI => continue,
            rule => unreachable!("{rule:?} in build_file"),
        };
        items.push(item);
    }
    Ok(File { items })
}

/// Build a message hole's expression.
pub(super) fn build_hole(file: u16, offset: usize, mut pairs: Pairs<Rule>) -> Result<Expr> {
    let b = Builder {
        depth: std::cell::Cell::new(0),
        file,
        offset,
    };
    let hole = next(&mut pairs, "build_hole");
    let expr = next(&mut hole.into_inner(), "build_hole");
    build_expr(&b, expr)
}

fn build_sheet_decl(b: &Builder, pair: Pair<Rule>) -> Result<SheetDecl> {
    let span = b.span(&pair);
    let mut inner = pair.into_inner();
    let title = build_string(b, next(&mut inner, "build_sheet_decl"))?;
    let mut settings = Vec::new();
    let mut reviews = Vec::new();
    for setting in inner {
        if setting.as_rule() == Rule::reviews_decl {
            reviews.push(build_reviews(b, setting)?);
            continue;
        }
        let mut parts = setting.into_inner();
        let name = b.name(next(&mut parts, "build_sheet_decl"));
        let value = build_number(b, next(&mut parts, "build_sheet_decl"))?;
        settings.push((name, value));
    }
    Ok(SheetDecl {
        title,
        settings,
        reviews,
        span,
    })
}

fn build_reviews(b: &Builder, pair: Pair<Rule>) -> Result<ReviewsDecl> {
    let mut decl = ReviewsDecl {
        combine: Vec::new(),
        disagree: Vec::new(),
        require_note: Vec::new(),
        span: b.span(&pair),
    };
    for setting in pair.into_inner() {
        let span = b.span(&setting);
        match setting.as_rule() {
            Rule::combine_setting => {
                let method = next(&mut setting.into_inner(), "build_reviews");
                decl.combine
                    .push((method.as_str().to_string(), b.span(&method)));
            }
            Rule::disagree_setting => {
                let number = next(&mut setting.into_inner(), "build_reviews");
                let at = b.span(&number);
                decl.disagree.push((build_number(b, number)?, at));
            }
            _ => decl.require_note.push(span),
        }
    }
    Ok(decl)
}

fn build_binding(b: &Builder, pair: Pair<Rule>) -> Result<Binding> {
    let mut inner = pair.into_inner();
    let name = b.name(next(&mut inner, "build_binding"));
    let value = build_expr(b, next(&mut inner, "build_binding"))?;
    Ok(Binding { name, value })
}

fn build_node(b: &Builder, pair: Pair<Rule>) -> Result<Node> {
    let is_section = pair.as_rule() == Rule::section;
    let extent = b.span(&pair);
    let mut inner = pair.into_inner();
    let id = b.name(next(&mut inner, "build_node"));
    let title = build_string(b, next(&mut inner, "build_node"))?;
    let points = next(&mut inner, "build_node");
    let max_span = b.span(&points);
    let max = build_number(b, next(&mut points.into_inner(), "build_node"))?;
    let span = id.span.to(max_span);
    let mut says = None;
    let mut related = Vec::new();
    let mut children = Vec::new();
    let mut body = Body::default();
    for part in inner {
        match part.as_rule() {
            Rule::related_clause => related.extend(part.into_inner().map(|n| b.name(n))),
            Rule::says => says = Some(build_says(b, next(&mut part.into_inner(), "build_node"))?),
            Rule::section | Rule::criterion => children.push(build_node(b, part)?),
            Rule::body => body = build_body(b, part)?,
            rule => unreachable!("{rule:?} in build_node"),
        }
    }
    let kind = if is_section {
        NodeKind::Section(children)
    } else {
        NodeKind::Criterion(body)
    };
    Ok(Node {
        id,
        title,
        max,
        max_span,
        says,
        related,
        kind,
        span,
        extent,
    })
}

fn build_body(b: &Builder, pair: Pair<Rule>) -> Result<Body> {
    let span = b.span(&pair);
    let mut statements = Vec::new();
    for part in pair.into_inner() {
        statements.push(build_statement(b, part)?);
    }
    Ok(Body { statements, span })
}

fn build_statement(b: &Builder, pair: Pair<Rule>) -> Result<Statement> {
    let mut span = b.span(&pair);
    // A statement ends with its last part: an optional clause that is not
    // there (`at …`) must not stretch it over the blanks that follow.
    if let Some(last) = pair.clone().into_inner().last() {
        span.end = b.span(&last).end;
    }
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    Ok(match rule {
        Rule::let_decl => {
            let name = b.name(next(&mut inner, "build_statement"));
            let value = build_expr(b, next(&mut inner, "build_statement"))?;
            Statement::Let(Binding { name, value })
        }
        Rule::hint | Rule::show => {
            let long = rule == Rule::show;
            let label = build_string(b, next(&mut inner, "build_statement"))?;
            let value = build_expr(b, next(&mut inner, "build_statement"))?;
            Statement::Hint {
                label,
                value,
                span,
                long,
            }
        }
        Rule::full => {
            let because = build_because(b, next(&mut inner, "build_statement"))?;
            Statement::Full { because, span }
        }
        Rule::zero => {
            let when = build_expr(b, next(&mut inner, "build_statement"))?;
            let because = build_because(b, next(&mut inner, "build_statement"))?;
            Statement::Zero {
                when,
                because,
                span,
            }
        }
        Rule::award => {
            let value = build_expr(b, next(&mut inner, "build_statement"))?;
            let because = build_because(b, next(&mut inner, "build_statement"))?;
            let at = match inner.next() {
                Some(clause) => build_at(b, clause)?,
                None => Vec::new(),
            };
            Statement::Award {
                value,
                because,
                span,
                at,
            }
        }
        Rule::deduct => Statement::Deduct(build_deduct(b, span, inner)?),
        Rule::judge => Statement::Judge(build_judge(b, span, inner)?),
        Rule::cases => build_cases(b, span, inner)?,
        rule => unreachable!("{rule:?} in build_statement"),
    })
}

fn build_deduct(b: &Builder, span: Span, mut inner: Pairs<Rule>) -> Result<Deduct> {
    let points = build_number(b, next(&mut inner, "build_deduct"))?;
    let (mut per, mut when, mut cap, mut because) = (None, None, None, None);
    let mut at = Vec::new();
    for part in inner {
        let part_span = b.span(&part);
        match part.as_rule() {
            Rule::per_clause => {
                per = Some(build_expr(b, next(&mut part.into_inner(), "build_deduct"))?)
            }
            Rule::when_clause => {
                when = Some(build_expr(b, next(&mut part.into_inner(), "build_deduct"))?)
            }
            Rule::cap_clause => {
                cap = Some((
                    build_number(b, next(&mut part.into_inner(), "build_deduct"))?,
                    part_span,
                ))
            }
            Rule::because => because = Some(build_because(b, part)?),
            Rule::at_clause => at = build_at(b, part)?,
            rule => unreachable!("{rule:?} in build_deduct"),
        }
    }
    let because = because.unwrap_or_else(|| unreachable!("because in build_deduct"));
    Ok(Deduct {
        points,
        per,
        when,
        cap,
        because,
        at,
        span,
    })
}

/// `at e, …`
fn build_at(b: &Builder, clause: Pair<Rule>) -> Result<Vec<Expr>> {
    clause.into_inner().map(|e| build_expr(b, e)).collect()
}

fn build_judge(b: &Builder, span: Span, inner: Pairs<Rule>) -> Result<Judge> {
    let mut tiers = Vec::new();
    for part in inner {
        let part_span = b.span(&part);
        match part.as_rule() {
            Rule::band => {
                let mut part_span = part_span;
                part_span.end = part
                    .clone()
                    .into_inner()
                    .last()
                    .map_or(part_span.end, |n| b.span(&n).end);
                let (low, high) = build_band(b, part)?;
                tiers.push(Tier {
                    name: String::new(),
                    low,
                    high,
                    free: false,
                    span: part_span,
                });
            }
            Rule::tier => {
                let mut parts = part.into_inner();
                let name = build_string(b, next(&mut parts, "build_judge"))?;
                let band = next(&mut parts, "build_judge");
                // The tier's own text, without the white space pest keeps
                // after an optional `free`.
                // A band ends at its last number: pest keeps the white space
                // it skipped looking for `to`.
                let mut part_span = part_span;
                part_span.end = band
                    .clone()
                    .into_inner()
                    .last()
                    .map_or(b.span(&band).end, |n| b.span(&n).end);
                let (low, high) = build_band(b, band)?;
                let free = match parts.next() {
                    Some(f) => {
                        part_span.end = b.span(&f).end;
                        true
                    }
                    None => false,
                };
                tiers.push(Tier {
                    name,
                    low,
                    high,
                    free,
                    span: part_span,
                });
            }
            rule => unreachable!("{rule:?} in build_judge"),
        }
    }
    Ok(Judge { tiers, span })
}

fn build_band(b: &Builder, pair: Pair<Rule>) -> Result<(Decimal, Decimal)> {
    let mut parts = pair.into_inner();
    let low = build_number(b, next(&mut parts, "build_band"))?;
    let high = match parts.next() {
        Some(p) => build_number(b, p)?,
        None => low,
    };
    Ok((low, high))
}

fn build_cases(b: &Builder, span: Span, inner: Pairs<Rule>) -> Result<Statement> {
    let mut cases = Vec::new();
    let mut otherwise = Body::default();
    for part in inner {
        match part.as_rule() {
            Rule::case => {
                let mut parts = part.into_inner();
                let cond = build_expr(b, next(&mut parts, "build_cases"))?;
                let body = build_body(b, next(&mut parts, "build_cases"))?;
                cases.push((cond, body));
            }
            Rule::otherwise => {
                otherwise = build_body(b, next(&mut part.into_inner(), "build_cases"))?
            }
            rule => unreachable!("{rule:?} in build_cases"),
        }
    }
    Ok(Statement::Cases {
        cases,
        otherwise,
        span,
    })
}

fn build_because(b: &Builder, pair: Pair<Rule>) -> Result<Message> {
    let string = next(&mut pair.into_inner(), "build_because");
    Ok(Message {
        span: b.span(&string),
        template: build_template(string),
    })
}

fn build_fn_decl(b: &Builder, pair: Pair<Rule>) -> Result<FunctionDecl> {
    let extent = b.span(&pair);
    let mut inner = pair.into_inner();
    let name = b.name(next(&mut inner, "build_fn_decl"));
    let mut params = Vec::new();
    let mut body = None;
    for part in inner {
        match part.as_rule() {
            Rule::fn_param => {
                let mut parts = part.into_inner();
                let param = b.name(next(&mut parts, "build_fn_decl"));
                let ty = build_type_expr(b, next(&mut parts, "build_fn_decl"));
                params.push((param, ty));
            }
            Rule::expr => body = Some(build_expr(b, part)?),
            rule => unreachable!("{rule:?} in build_fn_decl"),
        }
    }
    let body = body.unwrap_or_else(|| unreachable!("body in build_fn_decl"));
    Ok(FunctionDecl {
        name,
        params,
        body,
        extent,
    })
}

fn build_check_decl(b: &Builder, pair: Pair<Rule>) -> Result<CheckDecl> {
    let extent = b.span(&pair);
    let mut inner = pair.into_inner();
    let id = b.name(next(&mut inner, "build_check_decl"));
    let mut says = None;
    let mut steps = Vec::new();
    for part in inner {
        match part.as_rule() {
            Rule::says => {
                says = Some(build_says(
                    b,
                    next(&mut part.into_inner(), "build_check_decl"),
                )?)
            }
            _ => steps.push(build_check_step(b, part)?),
        }
    }
    Ok(CheckDecl {
        id,
        says,
        steps,
        extent,
    })
}

fn build_check_step(b: &Builder, part: Pair<Rule>) -> Result<CheckStep> {
    let span = b.span(&part);
    Ok(match part.as_rule() {
        Rule::for_step => {
            let mut parts = part.into_inner();
            let var = b.name(next(&mut parts, "build_check_step"));
            let list = build_expr(b, next(&mut parts, "build_check_step"))?;
            let body = match parts.next() {
                Some(body) => Some(
                    body.into_inner()
                        .map(|s| build_check_step(b, s))
                        .collect::<Result<_>>()?,
                ),
                None => None,
            };
            CheckStep::For { var, list, body }
        }
        Rule::let_decl => CheckStep::Let(build_binding(b, part)?),
        Rule::raise => {
            let mut parts = part.into_inner();
            let severity = b.name(next(&mut parts, "build_check_step"));
            let when = build_expr(b, next(&mut parts, "build_check_step"))?;
            let because = build_because(b, next(&mut parts, "build_check_step"))?;
            let mut at = Vec::new();
            let mut related = Vec::new();
            for clause in parts {
                match clause.as_rule() {
                    Rule::related_clause => related.extend(clause.into_inner().map(|n| b.name(n))),
                    _ => {
                        for e in clause.into_inner() {
                            at.push(build_expr(b, e)?);
                        }
                    }
                }
            }
            CheckStep::Raise(Raise {
                severity,
                when,
                because,
                at,
                related,
                span,
            })
        }
        rule => unreachable!("{rule:?} in build_check_step"),
    })
}

fn build_record_decl(b: &Builder, pair: Pair<Rule>) -> Result<RecordDecl> {
    let mut inner = pair.into_inner();
    let name = b.name(next(&mut inner, "build_record_decl"));
    let fields = inner
        .map(|f| build_field_decl(b, f))
        .collect::<Result<_>>()?;
    Ok(RecordDecl { name, fields })
}

fn build_root_decl(b: &Builder, pair: Pair<Rule>) -> Result<RecordDecl> {
    let span = b.span(&pair);
    let fields = pair
        .into_inner()
        .map(|f| build_field_decl(b, f))
        .collect::<Result<_>>()?;
    Ok(RecordDecl {
        name: Name {
            text: "root".to_string(),
            span,
        },
        fields,
    })
}

fn build_field_decl(b: &Builder, pair: Pair<Rule>) -> Result<FieldDecl> {
    let mut inner = pair.into_inner();
    let name = b.name(next(&mut inner, "build_field_decl"));
    let ty = build_type_expr(b, next(&mut inner, "build_field_decl"));
    let mut optional = false;
    let mut one_of = None;
    let mut label = None;
    let mut table = None;
    for part in inner {
        match part.as_rule() {
            Rule::optional => optional = true,
            Rule::field_label => {
                let mut strings = Vec::new();
                for s in part.into_inner() {
                    let span = b.span(&s);
                    strings.push((build_string(b, s)?, span));
                }
                // Two strings: the whole table's name, then a row's.
                let row = strings.pop();
                table = strings.pop();
                label = row;
            }
            Rule::one_of => {
                let list = next(&mut part.into_inner(), "build_field_decl");
                let mut texts = Vec::new();
                for e in list.into_inner() {
                    let e_span = e.clone();
                    match build_expr(b, e)?.kind {
                        ExprKind::Text(t) => texts.push(t),
                        _ => {
                            return Err(b.bad(
                                &e_span,
                                "取值范围只能列出文字".into(),
                                "写成 in [\"甲\", \"乙\"]",
                            ));
                        }
                    }
                }
                one_of = Some(texts);
            }
            rule => unreachable!("{rule:?} in build_field_decl"),
        }
    }
    Ok(FieldDecl {
        name,
        ty,
        optional,
        one_of,
        label,
        table,
    })
}

fn build_type_expr(b: &Builder, pair: Pair<Rule>) -> TypeExpr {
    let inner = next(&mut pair.into_inner(), "build_type_expr");
    let span = b.span(&inner);
    match inner.as_rule() {
        Rule::ident => TypeExpr::Named(b.name(inner)),
        Rule::list_type => TypeExpr::List(
            Box::new(build_type_expr(
                b,
                next(&mut inner.into_inner(), "build_type_expr"),
            )),
            span,
        ),
        Rule::map_type => TypeExpr::Map(
            Box::new(build_type_expr(
                b,
                next(&mut inner.into_inner(), "build_type_expr"),
            )),
            span,
        ),
        rule => unreachable!("{rule:?} in build_type_expr"),
    }
}

/// An `expr` pair: operators by precedence.
fn build_expr(b: &Builder, pair: Pair<Rule>) -> Result<Expr> {
    let depth = b.depth.get() + 1;
    if depth > super::MAX_NESTING {
        return Err(ParseError::TooDeep {
            span: b.span(&pair).source_span(),
            limit: super::MAX_NESTING,
        });
    }
    b.depth.set(depth);
    let built = build_expr_at_depth(b, pair);
    b.depth.set(depth - 1);
    built
}

fn build_expr_at_depth(b: &Builder, pair: Pair<Rule>) -> Result<Expr> {
    // An expression's tree is as deep as its operator chain: bound both the
    // run of prefix operators and the number of operators.
    let mut prefix_run = 0usize;
    for (count, p) in pair.clone().into_inner().enumerate() {
        if count > 2 * super::MAX_OPERATORS {
            return Err(ParseError::TooManyOperators {
                span: b.span(&p).source_span(),
                limit: super::MAX_OPERATORS,
            });
        }
        match p.as_rule() {
            Rule::op_not | Rule::op_neg => {
                prefix_run += 1;
                if prefix_run > super::MAX_NESTING {
                    return Err(ParseError::TooDeep {
                        span: b.span(&p).source_span(),
                        limit: super::MAX_NESTING,
                    });
                }
            }
            _ => prefix_run = 0,
        }
    }
    PRATT
        .map_primary(|p| build_postfix(b, p))
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let span = b.span(&op).to(rhs.span);
            let kind = match op.as_rule() {
                Rule::op_not => ExprKind::Not(Box::new(rhs)),
                _ => ExprKind::Neg(Box::new(rhs)),
            };
            Ok(Expr { kind, span })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let span = lhs.span.to(rhs.span);
            let op = match op.as_rule() {
                Rule::op_or => BinOp::Or,
                Rule::op_and => BinOp::And,
                Rule::op_eq => BinOp::Eq,
                Rule::op_ne => BinOp::Ne,
                Rule::op_lt => BinOp::Lt,
                Rule::op_le => BinOp::Le,
                Rule::op_gt => BinOp::Gt,
                Rule::op_ge => BinOp::Ge,
                Rule::op_add => BinOp::Add,
                Rule::op_sub => BinOp::Sub,
                Rule::op_mul => BinOp::Mul,
                Rule::op_div => BinOp::Div,
                rule => unreachable!("{rule:?} in build_expr"),
            };
            Ok(Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            })
        })
        .parse(pair.into_inner())
}

fn build_postfix(b: &Builder, pair: Pair<Rule>) -> Result<Expr> {
    let whole = b.span(&pair);
    let mut inner = pair.into_inner();
    let primary = next(&mut inner, "build_postfix");
    // `( e )`: the parentheses belong to the expression, so that an
    // underline or a quoted formula starts at `(`.
    let parenthesized = primary.as_rule() == Rule::expr;
    let mut expr = build_primary(b, primary)?;
    if parenthesized {
        expr.span.start = whole.start;
        if inner.peek().is_none() {
            expr.span.end = whole.end;
        }
    }
    for (count, access) in inner.enumerate() {
        if count >= super::MAX_NESTING {
            return Err(ParseError::TooDeep {
                span: b.span(&access).source_span(),
                limit: super::MAX_NESTING,
            });
        }
        let span = expr.span.to(b.span(&access));
        let rule = access.as_rule();
        let target = next(&mut access.into_inner(), "build_postfix");
        let kind = match rule {
            Rule::field_access => ExprKind::Field(Box::new(expr), b.name(target)),
            Rule::index_access => ExprKind::Index(Box::new(expr), Box::new(build_expr(b, target)?)),
            rule => unreachable!("{rule:?} in build_postfix"),
        };
        expr = Expr { kind, span };
    }
    Ok(expr)
}

fn build_primary(b: &Builder, pair: Pair<Rule>) -> Result<Expr> {
    let span = b.span(&pair);
    let kind = match pair.as_rule() {
        Rule::expr => return build_expr(b, pair),
        Rule::number => ExprKind::Number(build_number(b, pair)?),
        Rule::string => ExprKind::Text(build_string(b, pair)?),
        Rule::date => ExprKind::Date(build_date(b, pair)?),
        Rule::kw_true => ExprKind::Bool(true),
        Rule::kw_false => ExprKind::Bool(false),
        Rule::ident => ExprKind::Name(pair.as_str().to_string()),
        Rule::if_expr => {
            let mut inner = pair.into_inner();
            let c = build_expr(b, next(&mut inner, "build_primary"))?;
            let t = build_expr(b, next(&mut inner, "build_primary"))?;
            let e = build_expr(b, next(&mut inner, "build_primary"))?;
            ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
        }
        Rule::count_expr => {
            let mut inner = pair.into_inner();
            let var = b.name(next(&mut inner, "build_primary"));
            let list = build_expr(b, next(&mut inner, "build_primary"))?;
            let filter = build_where(b, inner.next())?;
            ExprKind::Aggregate {
                kind: AggKind::Count,
                var,
                list: Box::new(list),
                filter,
                body: None,
            }
        }
        Rule::aggregate | Rule::comprehension => build_aggregate(b, pair)?,
        Rule::call => {
            let mut inner = pair.into_inner();
            let name = b.name(next(&mut inner, "build_primary"));
            let args = inner.map(|a| build_expr(b, a)).collect::<Result<_>>()?;
            ExprKind::Call(name, args)
        }
        Rule::list => {
            if let Some(item) = pair
                .clone()
                .into_inner()
                .find(|a| words_in_one_item(a.as_str()))
            {
                return Err(b.bad(
                    &item,
                    format!("列表的这一项 {} 用中文逗号连着几个词，它只是一项", item.as_str()),
                    "列表的每一项各加一对英文引号，用英文逗号分隔，如 [\"加大资金投入\", \"加大投入\"]",
                ));
            }
            ExprKind::List(
                pair.into_inner()
                    .map(|a| build_expr(b, a))
                    .collect::<Result<_>>()?,
            )
        }
        Rule::record_lit => {
            let mut fields = Vec::new();
            for field in pair.into_inner() {
                let mut parts = field.into_inner();
                let key = next(&mut parts, "build_primary");
                let key = match key.as_rule() {
                    Rule::string => Name {
                        span: b.span(&key),
                        text: build_string(b, key)?,
                    },
                    _ => b.name(key),
                };
                fields.push((key, build_expr(b, next(&mut parts, "build_primary"))?));
            }
            ExprKind::Record(fields)
        }
        rule => unreachable!("{rule:?} in build_primary"),
    };
    Ok(Expr { kind, span })
}

fn build_aggregate(b: &Builder, pair: Pair<Rule>) -> Result<ExprKind> {
    let is_list = pair.as_rule() == Rule::comprehension;
    let mut inner = pair.into_inner();
    let kind = if is_list {
        AggKind::List
    } else {
        match next(&mut inner, "build_aggregate").as_str() {
            "sum" => AggKind::Sum,
            "all" => AggKind::All,
            "any" => AggKind::Any,
            "min" => AggKind::Min,
            "max" => AggKind::Max,
            _ => AggKind::First,
        }
    };
    let body = build_expr(b, next(&mut inner, "build_aggregate"))?;
    let var = b.name(next(&mut inner, "build_aggregate"));
    let list = build_expr(b, next(&mut inner, "build_aggregate"))?;
    let filter = build_where(b, inner.next())?;
    Ok(ExprKind::Aggregate {
        kind,
        var,
        list: Box::new(list),
        filter,
        body: Some(Box::new(body)),
    })
}

fn build_where(b: &Builder, pair: Option<Pair<Rule>>) -> Result<Option<Box<Expr>>> {
    match pair {
        Some(p) => Ok(Some(Box::new(build_expr(
            b,
            next(&mut p.into_inner(), "build_where"),
        )?))),
        None => Ok(None),
    }
}

fn build_number(b: &Builder, pair: Pair<Rule>) -> Result<Decimal> {
    // Exact or refused: a 29th significant digit is not rounded away.
    Decimal::from_str_exact(pair.as_str()).map_err(|_| {
        b.bad(
            &pair,
            format!("数字 `{}` 超出可精确表示的范围", pair.as_str()),
            "数字最多 28 位有效数字",
        )
    })
}

fn build_date(b: &Builder, pair: Pair<Rule>) -> Result<crate::base::Date> {
    crate::base::Date::parse(pair.as_str()).ok_or_else(|| {
        // Written as it should be, with a day the month does not have
        // (`2025-06-31`) or a month past 12: said so, not as a format.
        let parts: Vec<u32> = pair
            .as_str()
            .split('-')
            .filter_map(|p| p.parse().ok())
            .collect();
        let why = match parts.as_slice() {
            [_, m, _] if !(1..=12).contains(m) => format!("没有 {m} 月"),
            [y, m, _] => {
                let days = (28..=31)
                    .rev()
                    .find(|d| crate::base::Date::parse(&format!("{y:04}-{m:02}-{d:02}")).is_some())
                    .unwrap_or(28);
                format!("{y} 年 {m} 月只有 {days} 天")
            }
            _ => String::new(),
        };
        b.bad(
            &pair,
            match why.is_empty() {
                true => format!("日期 `{}` 不存在", pair.as_str()),
                false => format!("日期 `{}` 不存在：{why}", pair.as_str()),
            },
            "改成确实有的日期；日期写成 年-月-日，如 2023-06-15",
        )
    })
}

/// A `string` pair's text with escapes resolved.
/// A list item written as one text of several short words joined by a
/// Chinese comma (`["加大资金投入，加大投入，增加预算"]`): meant as several
/// items, it would match none of them. A sentence (with 。；：, quoted
/// words or a long piece) is a text of its own.
fn words_in_one_item(item: &str) -> bool {
    let Some(text) = item.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return false;
    };
    if text.contains(['"', '“', '”', '{', '。', '；', '：', '\\']) {
        return false;
    }
    // Only full-width commas: a 顿号 joins the parts of one name
    // (“水费、电费、差旅费”, a line of the forms).
    let pieces: Vec<&str> = text.split('，').collect();
    pieces.len() >= MIN_KEYWORDS
        && pieces
            .iter()
            .all(|p| !p.trim().is_empty() && p.chars().count() <= MAX_KEYWORD_CHARS)
}

/// The longest piece still taken for a keyword by `words_in_one_item`.
const MAX_KEYWORD_CHARS: usize = 8;

/// The fewest pieces taken for keywords run together: a sentence of two
/// short clauses (“因经费不足，部分工作未能开展”) is one text.
const MIN_KEYWORDS: usize = 3;

/// `says`: the sheet's own words, shown as written. A `{name}` in them
/// would reach the unit's notice as it stands: said here, where a value
/// belongs in `because` instead.
fn build_says(b: &Builder, pair: Pair<Rule>) -> Result<String> {
    let raw = pair.clone().into_inner().next().map_or("", |p| p.as_str());
    if let Some(hole) = unescaped_hole(raw) {
        return Err(b.bad(
            &pair,
            format!("says 是评分表的原文，照原样显示：其中的 `{{{hole}}}` 不会代入数值"),
            "要写出数值，写在 because 的说明中（because \"…{deadline}…\"）；原文中确有花括号的，写成 \\{ 和 \\}",
        ));
    }
    build_string(b, pair)
}

/// The name in the first `{name}` of a string's text not escaped (`\{`).
fn unescaped_hole(raw: &str) -> Option<&str> {
    let mut escaped = false;
    for (at, c) in raw.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '{') => {
                let rest = raw.get(at + 1..)?;
                let end = rest.find('}')?;
                let name = rest.get(..end)?;
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    return Some(name);
                }
            }
            _ => {}
        }
    }
    None
}

fn build_string(_b: &Builder, pair: Pair<Rule>) -> Result<String> {
    Ok(unescape(pair, false))
}

/// A message template keeps `\{` and `\}` so that its holes can be told
/// from literal braces.
fn build_template(pair: Pair<Rule>) -> String {
    unescape(pair, true)
}

fn unescape(pair: Pair<Rule>, keep_braces: bool) -> String {
    let body = pair.into_inner().next().map_or("", |p| p.as_str());
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // The grammar admits only these escapes.
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(brace @ ('{' | '}')) => {
                if keep_braces {
                    out.push('\\');
                }
                out.push(brace);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The next child, which the grammar guarantees.
fn next<'i>(pairs: &mut Pairs<'i, Rule>, in_fn: &str) -> Pair<'i, Rule> {
    pairs
        .next()
        .unwrap_or_else(|| unreachable!("missing child in {in_fn}"))
}
