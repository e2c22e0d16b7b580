//! The `jixiao` command. Thin: arguments in, library calls, output and exit
//! status out.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
