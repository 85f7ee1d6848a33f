//! `cargo bench --bench lint`: wall time to lint every active SigmaHQ rule
//! in-process and as a whole `sigmalens lint` process, and one file as a
//! whole process. Needs `../shared/corpus`; prints a skip line without it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sigmalens::config::Settings;
use sigmalens::lint;

const RUNS: usize = 10;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sigma = root.join("../shared/corpus/sigma");
    if !sigma.is_dir() {
        println!("skipped: ../shared/corpus/sigma not found");
        return;
    }
    let folders: Vec<PathBuf> = ["rules", "rules-emerging-threats", "rules-threat-hunting"]
        .iter()
        .map(|f| sigma.join(f))
        .collect();
    let files = lint::discover(&folders).expect("corpus readable").len();

    let in_process = measure(|| {
        let inputs = lint::discover(&folders).unwrap();
        let linted = lint::lint_inputs(inputs, &Settings::default());
        assert_eq!(linted.len(), files);
    });
    report(&format!("lint {files} rules, in-process"), &in_process);

    let binary = release_binary(&root);
    let folder_args: Vec<&Path> = folders.iter().map(PathBuf::as_path).collect();
    let whole = measure(|| run(&binary, &folder_args));
    report(
        &format!("lint {files} rules, `sigmalens lint` process"),
        &whole,
    );

    let one = sigma.join("rules/windows/process_creation/proc_creation_win_netsh_fw_add_rule.yml");
    let one = if one.is_file() {
        one
    } else {
        lint::discover(&folders[..1]).unwrap()[0].path.clone()
    };
    let single = measure(|| run(&binary, &[one.as_path()]));
    report("lint 1 rule, `sigmalens lint` process", &single);
}

fn release_binary(root: &Path) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--bin", "sigmalens"])
        .current_dir(root)
        .status()
        .expect("cargo runs");
    assert!(status.success());
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    target.join("release/sigmalens")
}

fn run(binary: &Path, paths: &[&Path]) {
    let output = Command::new(binary)
        .arg("lint")
        .args(paths)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("sigmalens runs");
    assert!(output.status.success());
}

fn measure(mut work: impl FnMut()) -> Vec<Duration> {
    work(); // warm the file cache
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(what: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}
