//! Usage errors (exit status 2) in the bureau's words. clap's own messages
//! are English: each is led by a Chinese line saying what kind of mistake
//! it is, and clap's text follows for the detail (the option as typed, the
//! usage line). Help and version are clap's, unchanged.

use clap::error::ErrorKind;

/// Exit status of a usage error.
const USAGE_STATUS: i32 = 2;

/// Help pages laid out as clap's, with Chinese headings.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The command line with its help in Chinese: clap's own headings
/// (`Usage`, `Options`, `Arguments`, `Commands`) and its `--help` and
/// `--version` flags' words are English; bureau staff read these pages.
fn localize(command: clap::Command) -> clap::Command {
    let top = command.get_name() == "jixiao";
    let command = command
        .disable_help_subcommand(true)
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        // Each option's Chinese help names its values and default itself.
        .mut_args(|a| {
            let a = match a.get_action().takes_values() {
                true => a.hide_possible_values(true).hide_default_value(true),
                false => a,
            };
            match a.is_positional() {
                true => a.help_heading("参数"),
                false => a.help_heading("选项"),
            }
        })
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .help("显示这份说明")
                .help_heading("选项")
                .action(clap::ArgAction::Help),
        )
        .mut_subcommands(localize);
    match top {
        true => command.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .help("显示版本号")
                .help_heading("选项")
                .action(clap::ArgAction::Version),
        ),
        false => command,
    }
}

/// Parse the command line, or say what is wrong with it and exit.
pub fn parse<T: clap::Parser + clap::CommandFactory + clap::FromArgMatches>() -> T {
    let parsed = localize(T::command())
        .try_get_matches()
        .and_then(|mut matches| T::from_arg_matches_mut(&mut matches));
    match parsed {
        Ok(parsed) => parsed,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                // clap's usage line says `[OPTIONS]` whatever the headings.
                let mut page = e.render().to_string().replace("[OPTIONS]", "[选项]");
                for heading in ["命令", "选项", "参数"] {
                    page = page.replace(&format!("\n{heading}:\n"), &format!("\n{heading}：\n"));
                }
                match e.use_stderr() {
                    true => note!("{page}"),
                    false => {
                        use std::io::Write as _;
                        let _ = write!(std::io::stdout(), "{page}");
                    }
                }
                std::process::exit(e.exit_code())
            }
            kind => {
                let commands: Vec<String> = T::command()
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .collect();
                let takes_rules = std::env::args().nth(1).is_some_and(|name| {
                    T::command()
                        .find_subcommand(&name)
                        .is_some_and(|c| c.get_arguments().any(|a| a.get_id() == "rules"))
                });
                let rules_not_taken = kind == ErrorKind::UnknownArgument
                    && !takes_rules
                    && matches!(
                        e.get(clap::error::ContextKind::InvalidArg),
                        Some(clap::error::ContextValue::String(a)) if a.starts_with("--rules")
                    );
                let words = match stray_value(&e) {
                    Some(value) => stray_words(&value, takes_rules),
                    None if rules_not_taken => {
                        let name = std::env::args().nth(1).unwrap_or_default();
                        format!(
                            "{name} 不用 --rules：它读的文件或目录直接写在命令后面（如 jixiao {name} rules/2024）"
                        )
                    }
                    None => kind_words(kind, &commands),
                };
                noteln!("用法错误：{words}");
                for line in details(&e) {
                    noteln!("{line}");
                }
                noteln!("运行 jixiao --help 或 jixiao 命令 --help 查看说明");
                std::process::exit(USAGE_STATUS)
            }
        },
    }
}

/// What clap knows about the mistake, in Chinese: the argument as typed,
/// the closest spelling, the values allowed, the usage line. (clap's own
/// rendering is English.)
fn details(e: &clap::Error) -> Vec<String> {
    use clap::error::{ContextKind, ContextValue};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let mut lines = Vec::new();
    match (
        text(ContextKind::InvalidValue),
        text(ContextKind::InvalidArg),
    ) {
        (Some(value), Some(arg)) => {
            let shown = if value.is_empty() {
                "（空）".to_string()
            } else {
                format!("`{value}`")
            };
            lines.push(format!("{arg} 的值 {shown} 不对"));
            // The option's own parser says what is wanted (`parse_date`).
            if let Some(why) = std::error::Error::source(e) {
                lines.push(why.to_string());
            }
        }
        (None, Some(arg)) if e.kind() == ErrorKind::MissingRequiredArgument => {
            lines.push(format!("缺少：{arg}"));
        }
        (None, Some(arg)) if e.kind() == ErrorKind::ArgumentConflict => {
            match text(ContextKind::PriorArg) {
                Some(prior) => lines.push(format!("{arg} 不能与 {prior} 同时使用")),
                None => lines.push(format!("{arg} 不能与前面的选项同时使用")),
            }
        }
        (None, Some(arg)) => lines.push(format!("写的是：{arg}")),
        _ => {}
    }
    if let Some(valid) = text(ContextKind::ValidValue) {
        lines.push(format!("可选：{valid}"));
    }
    let suggested =
        text(ContextKind::SuggestedArg).or_else(|| text(ContextKind::SuggestedSubcommand));
    if let Some(s) = suggested {
        lines.push(format!("您是不是想写 `{s}`？"));
    }
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").map_or(usage, str::trim);
        lines.push(format!("用法：{}", usage.replace("[OPTIONS]", "[选项]")));
    }
    lines
}

/// An option combination the command line cannot express.
pub fn fail(message: &str) -> ! {
    noteln!("用法错误：{message}");
    noteln!("运行 jixiao --help 或 jixiao 命令 --help 查看用法");
    std::process::exit(USAGE_STATUS)
}

/// The argument clap did not expect, when it is a value rather than an
/// option (`jixiao check rules/2024`: a folder where none is taken).
fn stray_value(e: &clap::Error) -> Option<String> {
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    match e.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::String(arg)) if !arg.starts_with('-') => Some(arg.clone()),
        _ => None,
    }
}

fn stray_words(value: &str, takes_rules: bool) -> String {
    if takes_rules && std::path::Path::new(value).is_dir() {
        format!(
            "多余的参数 `{value}`：这个命令不在这里接受目录；规则目录写成 --rules {value}（见 --help）"
        )
    } else {
        format!("多余的参数 `{value}`：这个命令不接受它（写法见 --help）")
    }
}

fn kind_words(kind: ErrorKind, commands: &[String]) -> String {
    if kind == ErrorKind::InvalidSubcommand {
        return format!(
            "没有这个命令（命令有 {}，见 jixiao --help）",
            commands.join("、")
        );
    }
    let words = match kind {
        ErrorKind::UnknownArgument => "没有这个选项（选项以 - 或 -- 开头，拼写见 --help）",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "选项的值不对",
        ErrorKind::MissingRequiredArgument => "少了必需的参数或选项",
        ErrorKind::ArgumentConflict => "这些选项不能同时使用",
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            "参数的个数不对"
        }
        ErrorKind::NoEquals => "选项的值要用 = 连接",
        ErrorKind::MissingSubcommand => "少了命令（见 jixiao --help）",
        ErrorKind::InvalidUtf8 => "参数不是 UTF-8 文字",
        _ => "命令行的写法不对",
    };
    words.to_string()
}

/// The output formats a file's extension names, as `--format` spells them;
/// `None` for an extension no output has (`.log`, none), which any format
/// may be written to.
fn format_of_extension(ext: &str) -> Option<&'static str> {
    Some(match ext.to_ascii_lowercase().as_str() {
        "xlsx" | "xls" | "et" => "xlsx",
        "csv" => "csv",
        "json" => "json",
        "html" | "htm" => "html",
        "md" | "markdown" => "markdown",
        "txt" => "text",
        "toml" => "toml",
        "docx" | "doc" | "wps" | "pdf" => "document",
        _ => return None,
    })
}

/// `-o FILE` whose extension says another kind of file than the one written
/// (`score -o 汇总.xlsx` writing the text report; `import -o 单位.xlsx`):
/// a usage error, before anything is read, so that no file is written that
/// Excel or Word then calls damaged, and no package is written over.
/// `format` is what is written, as `--format` spells it (`toml` for
/// `import`); `option` the flag as typed.
pub(super) fn check_output_extension(option: &str, path: &std::path::Path, format: &str) {
    // An import is a package: always a `.toml`, which every command reads
    // as one (`单位`, `x.toml.bak` would be read as nothing).
    let ext = path.extension().and_then(|e| e.to_str());
    if format == "toml" && !ext.is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        fail(&format!(
            "{option} {}：导入写出的是报送材料，文件名要以 .toml 结尾",
            path.display()
        ));
    }
    let Some(ext) = ext else {
        return;
    };
    let Some(named) = format_of_extension(ext) else {
        return;
    };
    if named == format {
        return;
    }
    let shown = path.display();
    let message = match (named, format) {
        ("document", _) => format!(
            "{option} {shown}：.{ext} 是 Word、WPS 或 PDF 文件的扩展名（可能是单位报送的材料），不能用作输出文件"
        ),
        ("toml", _) => format!(
            "{option} {shown}：.toml 是报送材料的扩展名，不能用作 {format} 输出的文件名（报送材料不会被覆盖）；请换用 .{} 文件名",
            extension_of(format)
        ),
        (_, "toml") => format!(
            "{option} {shown}：导入写出的是报送材料（.toml），不是 .{ext} 文件；请用 .toml 文件名"
        ),
        _ => format!(
            "{option} {shown}：.{ext} 文件应是 {named} 格式，而这次写出的是 {format} 格式；要 {named} 请加 --format {named}，要 {format} 请用 .{} 文件名",
            extension_of(format)
        ),
    };
    fail(&message)
}

/// The extension a format's file is named with.
fn extension_of(format: &str) -> &'static str {
    match format {
        "xlsx" => "xlsx",
        "csv" => "csv",
        "json" => "json",
        "html" => "html",
        "markdown" => "md",
        "toml" => "toml",
        _ => "txt",
    }
}
