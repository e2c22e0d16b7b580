//! Command-line parsing and the commands (`score`, `check`). Exit status:
//! 0 done, 1 bad input or rules, 2 usage (clap's own).

use jixiao::diag::Code;

/// `eprint!` that does not panic when stderr is closed (`2>&1 | head`):
/// what is left unwritten is lost, and the exit status stays the
/// command's own instead of a panic's 101.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprintln!`, as `note!`.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!`, as `note!` for stdout (`| head`); any other failure to
/// write (a full disk) is kept for the exit status (`stdout_failed`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::cli::stdout_error(&e);
        }
    }};
}

/// The first failure to write a result to stdout other than a closed
/// pipe: a result not written is no result, whatever the command found.
static STDOUT_FAILED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keep a failure to write to stdout (see `STDOUT_FAILED`).
pub(crate) fn stdout_error(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    let mut failed = STDOUT_FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    failed.get_or_insert_with(|| jixiao::files::write_error_words(e));
}

mod diff;
mod fmt;
mod import;
mod inputs;
mod output;
mod review;
mod score;
mod test;
mod usage;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "绩效自评工作考核评分：规则即数据，每一分都有来由"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score submissions (TOML files or folders of them).
    #[command(about = "为报送材料评分（.toml 文件、Word 材料 .docx，或它们所在的目录）")]
    Score {
        /// One year's rules folder, used whatever `unit.year` says.
        #[arg(
            long,
            help = "使用这个年度的规则目录，不论材料中写的年度",
            value_name = "目录"
        )]
        rules: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = score::ReportFormat::Text, help = "输出格式：text 文字说明（默认）、json、markdown、html、csv 汇总表、xlsx 工作簿（需 -o）", value_name = "格式")]
        format: score::ReportFormat,
        /// Write the result to this file (whole or not at all).
        #[arg(
            short = 'o',
            long = "output",
            // `review` writes with `--out`: the same word works here.
            alias = "out",
            help = "把结果写入这个文件（要么完整写出，要么不写）",
            value_name = "文件"
        )]
        output: Option<PathBuf>,
        /// Write one report per input into this folder (named after the input).
        #[arg(
            long,
            conflicts_with = "output",
            help = "每份材料一个报告，写入这个目录（以材料文件名命名）",
            value_name = "目录"
        )]
        out_dir: Option<PathBuf>,
        /// The date a `.docx` package reached the bureau (2023-06-14).
        #[arg(long, value_parser = import::parse_date, help = "Word 材料的送达日期，如 2023-06-14", value_name = "日期")]
        received_on: Option<jixiao::data::Date>,
        /// The role of the units of `.docx` packages (a Word package does
        /// not say it).
        #[arg(long, value_parser = ["预算单位", "主管部门"], help = "Word 材料的单位类型：预算单位（默认）或 主管部门（Word 材料中没有这一项）", value_name = "类型")]
        role: Option<String>,
        /// Reviewers' judgments: filled review worksheets (`.xlsx`),
        /// review files (`.toml`), or folders of them; repeatable.
        #[arg(
            long = "reviews",
            help = "评审人的评分：填好的评审表（.xlsx）、评审文件（.toml）或它们所在的目录；可写多次",
            value_name = "文件或目录"
        )]
        reviews: Vec<PathBuf>,
        /// Who the report is for: the bureau's working paper, or the
        /// unit's notice (评分结果告知书).
        #[arg(long = "for", value_enum, default_value_t = score::Audience::Bureau, help = "报告给谁看：bureau 财政局的工作底稿（默认），unit 给单位的评分结果告知书", value_name = "对象")]
        audience: score::Audience,
        /// Submission files (`.toml`), Word packages (`.docx`) or folders.
        #[arg(
            required = true,
            help = "报送材料：.toml 文件、Word 材料（.docx）或目录",
            value_name = "材料"
        )]
        inputs: Vec<PathBuf>,
    },
    /// Write a review worksheet (`.xlsx`): one row per unit and criterion
    /// that needs a reviewer's judgment.
    #[command(about = "生成评审表（.xlsx）：每个单位、每个需要评审判定的评分项一行")]
    Review {
        /// One year's rules folder, used whatever `unit.year` says.
        #[arg(
            long,
            help = "使用这个年度的规则目录，不论材料中写的年度",
            value_name = "目录"
        )]
        rules: Option<PathBuf>,
        /// The date a `.docx` package reached the bureau (2023-06-14).
        #[arg(long, value_parser = import::parse_date, help = "Word 材料的送达日期，如 2023-06-14", value_name = "日期")]
        received_on: Option<jixiao::data::Date>,
        /// The worksheet to write.
        #[arg(
            short = 'o',
            long = "out",
            // `score` writes with `--output`: the same word works here.
            alias = "output",
            help = "要写出的评审表（.xlsx）",
            value_name = "文件"
        )]
        out: PathBuf,
        /// Submission files (`.toml`), Word packages (`.docx`) or folders.
        #[arg(
            required = true,
            help = "报送材料：.toml 文件、Word 材料（.docx）或目录",
            value_name = "材料"
        )]
        inputs: Vec<PathBuf>,
    },
    /// Turn Word packages (.docx) into submission files.
    #[command(about = "把 Word 材料（.docx）转成报送材料文件（.toml）")]
    Import {
        /// The date the package reached the bureau (2023-06-14).
        #[arg(long, value_parser = import::parse_date, help = "材料的送达日期，如 2023-06-14", value_name = "日期")]
        received_on: Option<jixiao::data::Date>,
        /// The unit's role.
        #[arg(long, default_value = "预算单位", value_parser = ["预算单位", "主管部门"], help = "单位类型：预算单位（默认）或 主管部门", value_name = "类型")]
        role: String,
        /// A rules folder whose templates.toml describes the Word templates.
        #[arg(
            long,
            help = "用这个规则目录的 templates.toml 识别 Word 模板",
            value_name = "目录"
        )]
        rules: Option<PathBuf>,
        /// Write the submission to this file (one input).
        #[arg(
            short = 'o',
            long = "output",
            conflicts_with = "out_dir",
            help = "写入这个文件（只转换一份材料时）",
            value_name = "文件"
        )]
        output: Option<PathBuf>,
        /// Write one `<name>.toml` per input into this folder.
        #[arg(
            long,
            help = "每份材料写一个 <名称>.toml 到这个目录",
            value_name = "目录"
        )]
        out_dir: Option<PathBuf>,
        /// Word packages.
        #[arg(required = true, help = "Word 材料（.docx）", value_name = "材料")]
        inputs: Vec<PathBuf>,
    },
    /// Score the same submissions under two rule folders and show what
    /// changed, and why.
    #[command(about = "用修改前后的两个规则目录为同一批材料评分，列出哪些分数变了、为什么")]
    Diff {
        /// The rules before the change.
        #[arg(long, help = "修改前的规则目录", value_name = "目录")]
        old: PathBuf,
        /// The rules after the change.
        #[arg(long, help = "修改后的规则目录", value_name = "目录")]
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Text, help = "输出格式：text 文字（默认）、json、markdown", value_name = "格式")]
        format: diff::DiffFormat,
        /// Write the result to this file.
        #[arg(
            short = 'o',
            long = "output",
            help = "把结果写入这个文件",
            value_name = "文件"
        )]
        output: Option<PathBuf>,
        /// The date a `.docx` package reached the bureau (2023-06-14).
        #[arg(long, value_parser = import::parse_date, help = "Word 材料的送达日期，如 2023-06-14", value_name = "日期")]
        received_on: Option<jixiao::data::Date>,
        /// The reviewers' judgments (filled worksheets, review files),
        /// given under the old rules; repeatable.
        #[arg(
            long = "reviews",
            help = "评审人的评分（按修改前的规则给出）：填好的评审表（.xlsx）、评审文件（.toml）或它们所在的目录；可写多次",
            value_name = "文件或目录"
        )]
        reviews: Vec<PathBuf>,
        /// Submission files or folders.
        #[arg(
            required = true,
            help = "报送材料：.toml 文件、Word 材料（.docx）或目录",
            value_name = "材料"
        )]
        inputs: Vec<PathBuf>,
    },
    /// Rewrite rule files in the canonical layout.
    #[command(about = "把规则文件改写成统一的格式（半角标点、缩进、注释对齐）")]
    Fmt {
        /// Change nothing; exit 1 if a file would change.
        #[arg(long, help = "只检查、不改写：有文件需要改写时退出码为 1")]
        check: bool,
        /// Rule files or folders of them.
        #[arg(
            required = true,
            help = "规则文件（.jx）或它们所在的目录",
            value_name = "文件"
        )]
        files: Vec<PathBuf>,
    },
    /// Run the test cases kept with the rules (`DIR/tests/*.toml`; default:
    /// every shipped year's).
    #[command(
        about = "运行规则目录中的测试用例（tests/*.toml；不加 --rules 时运行程序内置各年度的用例）"
    )]
    Test {
        /// The rules folder.
        #[arg(long, help = "规则目录，如 rules/2024", value_name = "目录")]
        rules: Option<PathBuf>,
        /// Rewrite each failing case's `[expect]` with the actual result
        /// (cases on disk only: needs `--rules`, or case files named).
        #[arg(
            long,
            help = "按实际结果改写失败用例的 [expect]（只改磁盘上的用例，需 --rules 或写明用例文件）"
        )]
        bless: bool,
        /// With `--bless`: also take criteria and findings out of an
        /// expectation, or turn a scored case into an error case.
        #[arg(
            long,
            requires = "bless",
            help = "与 --bless 同用：也允许从期望中去掉评分项和发现，或把评分的用例改为出错的用例"
        )]
        allow_loss: bool,
        /// Run only these cases: a case's name (its file name without
        /// `.toml`) or its file.
        #[arg(
            value_name = "用例",
            help = "只运行这些用例：用例名（tests 中的文件名，不带 .toml，如 funds-score-blank）或用例文件（如 rules/2024/tests/funds-score-blank.toml，这时可不写 --rules）"
        )]
        cases: Vec<String>,
    },
    /// Statically check a rules folder (default: every shipped year).
    #[command(about = "静态检查规则目录（不加 --rules 时检查程序内置的各年度规则）")]
    Check {
        /// The rules folder.
        #[arg(
            long,
            help = "规则目录，如 rules/2024（写 rules 则检查其下每个年度）",
            value_name = "目录"
        )]
        rules: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text, help = "输出格式：text 文字（默认）或 json", value_name = "格式")]
        format: Format,
    },
}

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Explanations as annotated source snippets.
    Text,
    /// The JSON of the output contract.
    Json,
}

/// Parse the arguments and run the command.
pub fn run() -> ExitCode {
    output::clean_up_on_signals();
    let cli: Cli = usage::parse();
    let ok = match cli.command {
        Command::Score {
            rules,
            format,
            output,
            out_dir,
            received_on,
            role,
            reviews,
            audience,
            inputs,
        } => {
            import::for_score(received_on, rules.clone());
            import::role_for_score(role);
            score::run(
                rules.as_deref(),
                format,
                output.as_deref(),
                out_dir.as_deref(),
                &reviews,
                audience,
                &inputs,
            )
        }
        Command::Review {
            rules,
            received_on,
            out,
            inputs,
        } => {
            import::for_score(received_on, rules.clone());
            review::run(rules.as_deref(), &out, &inputs)
        }
        Command::Import {
            received_on,
            role,
            rules,
            output,
            out_dir,
            inputs,
        } => {
            if inputs.len() > 1 && out_dir.is_none() {
                usage::fail("导入多个文件时用 --out-dir 目录（-o 只用于一个文件）");
            }
            let options = jixiao::import::Options {
                received_on,
                role,
                ..jixiao::import::Options::default()
            };
            import::run(
                rules.as_deref(),
                &options,
                output.as_deref(),
                out_dir.as_deref(),
                &inputs,
            )
        }
        // Their result is written to stdout, line by line: refused when
        // the shell closed it, as every other result meant for stdout is.
        Command::Check { .. } | Command::Test { .. } if output::stdout_closed_said() => false,
        Command::Check { rules, format } => check(rules.as_deref(), format),
        Command::Fmt { check, files } => fmt::run(check, &files),
        Command::Diff {
            old,
            new,
            format,
            output,
            received_on,
            reviews,
            inputs,
        } => {
            // A Word package is read with its own year's templates (last
            // year's packages, under last year's and this year's rules).
            import::for_score(received_on, None);
            diff::run(&old, &new, format, output.as_deref(), &reviews, &inputs)
        }
        Command::Test {
            rules,
            bless,
            allow_loss,
            cases,
        } => test::run(
            rules.as_deref(),
            &cases,
            test::Bless {
                on: bless,
                allow_loss,
            },
        ),
    };
    let unwritten = STDOUT_FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(why) = &unwritten {
        noteln!("无法写出结果：{why}");
    }
    if ok && unwritten.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What a rules folder needs besides its rule files, and what looks wrong
/// though it compiles: errors (a broken `templates.toml`) and warnings (no
/// `templates.toml`, a folder named for another year, a deadline outside
/// the following year, a criterion without the sheet's words).
/// The `year N` line of the sheet header: its file and the span of `year N`.
fn year_line(
    rules: &jixiao::RuleSet,
) -> Option<(&jixiao::source::SourceFile, jixiao::source::Span)> {
    let written = format!("year {}", rules.year);
    rules.files.iter().enumerate().find_map(|(i, file)| {
        let mut offset = 0;
        for line in file.text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with(&written) {
                let start = offset + (line.len() - trimmed.len());
                let span =
                    jixiao::source::Span::new(u16::try_from(i).ok()?, start..start + written.len());
                return Some((file, span));
            }
            offset += line.len();
        }
        None
    })
}

fn folder_checks(
    folder: Option<&std::path::Path>,
    rules: &jixiao::RuleSet,
) -> (Vec<jixiao::Problem>, Vec<jixiao::Problem>) {
    let warn = |message: String, help: &str| {
        let mut p = jixiao::Problem::plain(Code::RulesFolder, message).with_help(help);
        p.severity = miette::Severity::Warning;
        p
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if let Some(dir) = folder {
        let shown = dir.display();
        if dir.join(jixiao::import::TEMPLATES_FILE).is_file() {
            match jixiao::import::Templates::from_dir(dir) {
                Err(p) => errors.push(*p),
                Ok(_) => {
                    // Labels with a year name the columns in every report.
                    // They change no value read, only words: warnings.
                    for file in &rules.files {
                        for mut p in
                            jixiao::import::label_year_slips(&file.name, &file.text, rules.year)
                        {
                            p.severity = miette::Severity::Warning;
                            warnings.push(p);
                        }
                    }
                    let path = dir.join(jixiao::import::TEMPLATES_FILE);
                    if let Ok(text) = jixiao::files::read_text(&path) {
                        let slips = jixiao::import::template_year_slips(
                            &path.display().to_string(),
                            &text,
                            rules.year,
                        );
                        for p in slips {
                            match p.severity {
                                miette::Severity::Error => errors.push(p),
                                _ => warnings.push(p),
                            }
                        }
                    }
                }
            }
            let missing: Vec<&str> = jixiao::import::WRITTEN_PATHS
                .iter()
                .copied()
                .filter(|path| !rules.schema.has_path(path))
                .collect();
            if !missing.is_empty() {
                warnings.push(warn(
                    format!(
                        "schema.jx 中没有 Word 导入写出的字段：{}；这个年度的规则导入 Word 材料时会出错",
                        missing.join("、")
                    ),
                    "schema.jx 改了字段名时，导入程序仍按原来的名称写出（见 docs/import.md）：把字段名改回，或同时修改导入程序",
                ));
            }
        } else {
            warnings.push(warn(
                format!("{shown} 没有 templates.toml：这个年度的规则不能导入 Word 材料"),
                "从上一年度的规则目录复制 templates.toml，并按本年度的模板修改",
            ));
        }
        // `2024`, or a year within the name (`rules2024`, `2024-草稿`).
        let named = dir.file_name().and_then(|n| n.to_str()).and_then(|n| {
            let digits: Vec<&str> = n
                .split(|c: char| !c.is_ascii_digit())
                .filter(|d| d.len() == 4)
                .collect();
            match digits.as_slice() {
                [year] => year
                    .parse::<i64>()
                    .ok()
                    .filter(|y| (2000..=2099).contains(y)),
                _ => None,
            }
        });
        if let Some(named) = named.filter(|n| *n != rules.year) {
            let folder = dir
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let message = match folder == named.to_string() {
                true => format!("目录名是 {named}，而 sheet 中写的是 year {}", rules.year),
                false => format!(
                    "目录名 {folder} 中的年份是 {named}，而 sheet 中写的是 year {}",
                    rules.year
                ),
            };
            let help = "复制上一年度的目录后，记得改 sheet.jx 开头的 year";
            // Shown at the sheet's `year` line, found by its text.
            warnings.push(match year_line(rules) {
                Some((file, span)) => {
                    let mut p =
                        jixiao::Problem::error(Code::RulesFolder, message, file, span, "评价年度");
                    p = p.with_help(help);
                    p.severity = miette::Severity::Warning;
                    p
                }
                None => warn(message, help),
            });
        }
    }
    if let Some(jixiao::data::Value::Date(d)) = rules.param("deadline") {
        let (y, _, _) = d.parts();
        if i64::from(y) != rules.year + 1 {
            let message = format!("截止日期 {d} 不在评价年度 {} 的下一年", rules.year);
            // Either may be the slip: a folder copied from last year keeps
            // last year's `year` as often as its deadline.
            let help = format!(
                "自评材料在评价年度的次年报送：截止日期对的，把 sheet.jx 开头的 year 改为 {}；评价年度对的，改 params.jx 中的 deadline",
                i64::from(y) - 1
            );
            // Shown at its definition, so the author lands on the line.
            let defined = rules
                .definitions
                .iter()
                .find(|def| def.name == "deadline")
                .and_then(|def| Some((rules.files.get(def.extent.file as usize)?, def.extent)));
            warnings.push(match defined {
                Some((file, span)) => {
                    let mut p =
                        jixiao::Problem::error(Code::RulesFolder, message, file, span, "截止日期")
                            .with_help(help);
                    p.severity = miette::Severity::Warning;
                    p
                }
                None => warn(message, &help),
            });
        }
    }
    // Each criterion and check without its `says` is said at its header,
    // so the author can go to it.
    let at_header = |message: String, span: jixiao::source::Span, help: &str| {
        let file = rules.files.get(span.file as usize);
        match file {
            Some(file) => {
                let mut p = jixiao::Problem::error(Code::RulesFolder, message, file, span, "这里")
                    .with_help(help);
                p.severity = miette::Severity::Warning;
                p
            }
            None => warn(message, help),
        }
    };
    fn no_says<'n>(nodes: &'n [jixiao::NodeIr], out: &mut Vec<&'n jixiao::NodeIr>) {
        for n in nodes {
            match &n.kind {
                jixiao::NodeIrKind::Section(children) => no_says(children, out),
                jixiao::NodeIrKind::Criterion(_) if n.says.is_none() => out.push(n),
                jixiao::NodeIrKind::Criterion(_) => {}
            }
        }
    }
    let mut missing = Vec::new();
    no_says(&rules.nodes, &mut missing);
    for n in missing {
        warnings.push(at_header(
            format!("评分项“{}”（{}）没有写评分表原文（says）", n.title, n.id),
            n.span,
            "在评分项开头写 says \"评分表中的原文\"：报告和告知书引用它",
        ));
    }
    // A check's `says` heads its findings in every report, as a
    // criterion's does its deductions.
    for c in rules.checks.iter().filter(|c| c.says.is_none()) {
        warnings.push(at_header(
            format!("检查 {} 没有写说明（says）", c.id),
            c.span,
            "在检查开头写 says \"查的是什么\"：报告在每条发现上方引用它",
        ));
    }
    (errors, warnings)
}

fn check(dir: Option<&std::path::Path>, format: Format) -> bool {
    let mut results = Vec::new();
    match dir {
        Some(d) => {
            for year in jixiao::rules::year_folders(d) {
                results.push((year.display().to_string(), jixiao::rules::from_dir(&year)));
            }
        }
        None => {
            for year in jixiao::rules::builtin_years() {
                let y = year.parse().unwrap_or(0);
                results.push((format!("builtin:{year}"), jixiao::rules::builtin(y)));
            }
        }
    }
    let mut all = Vec::new();
    let mut advice = Vec::new();
    for (name, result) in results {
        match result {
            Ok(rules) => {
                let folder = dir.map(|_| std::path::PathBuf::from(&name));
                let (errors, warnings) = folder_checks(folder.as_deref(), &rules);
                // The verdict is the command's result: stdout, as results
                // are; problems and advice go to stderr.
                if format == Format::Text && errors.is_empty() {
                    outln!(
                        "{name}：检查通过（{}，{} 个文件）",
                        rules.title,
                        rules.files.len()
                    );
                }
                all.extend(errors);
                advice.extend(warnings);
            }
            Err(problems) => all.extend(problems),
        }
    }
    if format == Format::Text && !advice.is_empty() {
        note!("{}", jixiao::diag::render(&advice));
    }
    if dir.is_none() && format == Format::Text {
        noteln!(
            "以上检查的是程序内置的规则；检查正在编辑的规则目录请加 --rules 目录（如 --rules rules/2024；--rules rules 检查其下每个年度）"
        );
    }
    match format {
        // Warnings too (`"severity": "warning"`): a deadline outside the
        // year or a criterion without `says` must not vanish from a
        // script's view. They do not change the exit status.
        Format::Json => {
            let shown: Vec<_> = all.iter().chain(&advice).cloned().collect();
            outln!("{}", jixiao::explain::problems_json(&shown));
        }
        Format::Text => {
            if !all.is_empty() {
                note!("{}", jixiao::diag::render(&all));
                noteln!("共 {} 个问题", all.len());
            }
        }
    }
    all.is_empty()
}

/// A unit's name as two packages of one unit are told apart: spaces typed
/// into it (full-width ones too) do not make another unit.
fn unit_key(unit: &str) -> String {
    unit.chars().filter(|c| !c.is_whitespace()).collect()
}
