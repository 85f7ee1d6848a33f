use std::process::ExitCode;

fn main() -> ExitCode {
    sigmalens::cli::main()
}
