//! Stable-toolchain smoke of every fuzz target (CI runs it with `cargo test`): the committed
//! corpus of each target (fuzz/corpus/<target>/) is replayed, then a seeded random loop runs
//! each target's harness for a few seconds' worth of inputs. The harness is the fuzz crate's
//! own code, included by path, so the smoke and the libFuzzer targets test the same thing.
//! `FUZZ_SMOKE_SCALE` multiplies the number of seeded inputs (default 1).

#[path = "../fuzz/src/api_sequence.rs"]
#[allow(dead_code)]
mod api_sequence;
#[path = "../fuzz/src/bounds64.rs"]
#[allow(dead_code)]
mod bounds64;
#[path = "../fuzz/src/bytes.rs"]
#[allow(dead_code)]
mod bytes;
#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;
#[path = "../fuzz/src/differential.rs"]
#[allow(dead_code)]
mod differential;
#[path = "../fuzz/src/hostile.rs"]
#[allow(dead_code)]
mod hostile;
#[path = "../fuzz/src/oracle_bugs.rs"]
mod oracle_bugs;
#[path = "../fuzz/src/smith.rs"]
#[allow(dead_code)]
mod smith;
#[path = "../fuzz/src/wasi_paths.rs"]
#[allow(dead_code)]
mod wasi_paths;

use std::path::PathBuf;

/// Runs `f` on a thread with a large stack: wasm code runs on the calling thread's stack and
/// may use 1 MiB of it (the engine's default limit) on top of the unoptimised host frames.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).expect("thread").join().expect("the smoke run panicked");
}

fn scale() -> u64 {
    std::env::var("FUZZ_SMOKE_SCALE").ok().and_then(|v| v.parse().ok()).unwrap_or(1)
}

/// The committed corpus of one target (empty when there is none).
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    files.into_iter().filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b))).collect()
}

#[test]
fn module_new_smoke() {
    let t = bytes::ByteTargets::new();
    let files = corpus("module_new");
    for (_, data) in &files {
        t.module_new(data);
    }
    // Seeded mutations of valid modules: flipped, inserted and removed bytes, truncations.
    let mut compiled = 0;
    for seed in 0..60 * scale() {
        let data = smith::seeded_bytes(seed, 4096);
        let mut u = arbitrary::Unstructured::new(&data);
        let Some(wasm) = smith::module(&mut u, seed % 2 == 1) else { continue };
        t.module_new(&wasm);
        compiled += 1;
        let noise = smith::seeded_bytes(seed ^ 0xfeed, 64);
        for k in 0..20usize {
            let mut m = wasm.clone();
            let at = (noise[k] as usize * 257 + noise[k + 1] as usize) % m.len().max(1);
            match k % 4 {
                0 => m[at] ^= 1 << (noise[k + 2] % 8),
                1 => m.insert(at, noise[k + 3]),
                2 => {
                    m.remove(at);
                }
                _ => m.truncate(at),
            }
            t.module_new(&m);
        }
    }
    for seed in 0..2000 * scale() {
        t.module_new(&smith::seeded_bytes(seed, (seed % 97) as usize));
    }
    println!("module_new smoke: {} corpus files, {compiled} generated modules and their mutations", files.len());
}

#[test]
fn deserialize_smoke() {
    let t = bytes::ByteTargets::new();
    let files = corpus("deserialize");
    for (_, data) in &files {
        t.deserialize(data);
    }
    let mut tried = 0;
    for wasm in bytes::serialize_seed_modules() {
        for s in t.serialize_all(&wasm) {
            t.deserialize(&s);
            let noise = smith::seeded_bytes(s.len() as u64, 256);
            for k in 0..200usize {
                let mut m = s.clone();
                let at = (noise[k] as usize * 131 + k * 7919) % m.len();
                match k % 3 {
                    0 => m[at] ^= 1 << (noise[k + 1] % 8),
                    1 => m.truncate(at),
                    _ => m.push(noise[k + 2]),
                }
                t.deserialize(&m);
                tried += 1;
            }
        }
    }
    // The recipe mode: untouched and bit-flipped authentic serializations.
    for k in 0..=255u8 {
        t.deserialize(&[0xa5, k]);
        t.deserialize(&[0xa5, k, k, k.wrapping_mul(7), 1 << (k % 8)]);
        tried += 2;
    }
    println!("deserialize smoke: {} corpus files, {tried} mutated serializations", files.len());
}

#[test]
fn api_sequence_smoke() {
    with_big_stack(api_sequence_smoke_body);
}

fn api_sequence_smoke_body() {
    let files = corpus("api_sequence");
    for (_, data) in &files {
        api_sequence::run(data);
    }
    for seed in 0..300 * scale() {
        api_sequence::run(&smith::seeded_bytes(seed, 1024));
    }
    println!("api_sequence smoke: {} corpus files, {} seeded sequences", files.len(), 300 * scale());
}

#[test]
fn hostile_imports_smoke() {
    with_big_stack(hostile_imports_smoke_body);
}

fn hostile_imports_smoke_body() {
    let h = hostile::Hostile::new();
    let mut c = hostile::HostileCounters::default();
    let files = corpus("hostile_imports");
    for (_, data) in &files {
        h.run(data, &mut c);
    }
    for seed in 0..150 * scale() {
        h.run(&smith::seeded_bytes(seed, 8192), &mut c);
    }
    // A few seeds of each new flavour for sure (the loop above mixes them).
    let mut per_flavour = Vec::new();
    for flavour in [smith::Flavour::Memory64, smith::Flavour::ExnRelaxed] {
        let h = hostile::Hostile::pinned(flavour);
        let mut fc = hostile::HostileCounters::default();
        for seed in 0..24 * scale() {
            h.run(&smith::seeded_bytes(seed ^ 0x5eed_f1a5, 8192), &mut fc);
        }
        assert!(fc.instantiated > 0 && fc.calls > 0, "no {} module was called: {fc:?}", flavour.name());
        if flavour == smith::Flavour::ExnRelaxed {
            assert!(fc.tag_imports > 0, "no tag import was provided: {fc:?}");
        }
        per_flavour.push((flavour.name(), fc));
    }
    println!("hostile_imports smoke: {} corpus files, {c:?}, pinned flavours {per_flavour:?}", files.len());
    assert!(c.host_calls > 0, "no host function was ever called");
}

#[test]
fn wasi_paths_smoke() {
    with_big_stack(|| {
        let engine = capi::new_engine(capi::EngineConfig::Default, false);
        let (mut calls, mut succeeded) = (0, 0);
        for (_, data) in corpus("wasi_paths") {
            let (c, s) = wasi_paths::run(&data, engine);
            (calls, succeeded) = (calls + c, succeeded + s);
        }
        for seed in 0..200 * scale() {
            let (c, s) = wasi_paths::run(&smith::seeded_bytes(seed, 256), engine);
            (calls, succeeded) = (calls + c, succeeded + s);
        }
        // SAFETY: the engine is no longer used.
        unsafe { capi::wasm_engine_delete(engine) };
        println!("wasi_paths smoke: {calls} WASI path calls, {succeeded} succeeded");
        assert!(calls > 1000 && succeeded > 20, "too few WASI calls did anything");
    });
}

#[test]
fn differential_smoke() {
    with_big_stack(differential_smoke_body);
}

fn differential_smoke_body() {
    let d = differential::Differential::new();
    let mut c = differential::Counters::default();
    let files = corpus("differential");
    let trace = std::env::var("FUZZ_DIFF_TRACE").is_ok();
    for (p, data) in &files {
        if trace {
            eprintln!("{}", p.display());
        }
        if let Err(div) = d.run(data, None, &mut c) {
            panic!("{}: divergence in {}: {}", p.display(), div.config.name(), div.what);
        }
    }
    for config in capi::EngineConfig::ALL {
        for seed in 0..60 * scale() {
            if trace {
                eprintln!("seed {seed} {}", config.name());
            }
            if let Err(div) = d.run(&smith::seeded_bytes(seed, 8192), Some(config), &mut c) {
                panic!("seed {seed}: divergence in {}: {}", div.config.name(), div.what);
            }
        }
    }
    // A few memory64 modules in every configuration for sure (the loop above mixes flavours).
    let d64 = differential::Differential::pinned(smith::Flavour::Memory64);
    let mut c64 = differential::Counters::default();
    for config in capi::EngineConfig::ALL {
        for seed in 0..12 * scale() {
            if let Err(div) = d64.run(&smith::seeded_bytes(seed ^ 0x6464, 8192), Some(config), &mut c64) {
                panic!("memory64 seed {seed}: divergence in {}: {}", div.config.name(), div.what);
            }
        }
    }
    // Generated memory64 address computations (bounds-check elision).
    let mut cb = differential::Counters::default();
    for config in capi::EngineConfig::ALL {
        for seed in 0..12 * scale() {
            if let Err(div) = bounds64::run(&d64, &smith::seeded_bytes(seed ^ 0xb0_b0, 512), config, &mut cb) {
                panic!("bounds64 seed {seed}: divergence in {}: {}", div.config.name(), div.what);
            }
        }
    }
    println!("differential smoke: {} corpus files, {c:?}; memory64 {c64:?}; bounds64 {cb:?}", files.len());
    assert!(cb.calls_by_config.iter().all(|n| *n > 0), "bounds64 compared nothing in some configuration: {cb:?}");
    assert!(c.calls > 0, "no call was compared");
    assert!(
        c64.modules_with_64bit_index > 0 && c64.calls_by_config.iter().all(|n| *n > 0),
        "memory64 was not compared in every configuration: {c64:?}"
    );
}

/// A divergence in a module with the shape of oracle bug 2 (KNOWN-ORACLE-BUGS.md) is attributed
/// to wasmi only when wasmi's answers depend on stale memory: true for the bug's reproduction
/// on the path that reads the unwritten slot, false on the path that writes it first.
#[test]
fn stale_read_confirmation() {
    use differential::Value;
    let d = differential::Differential::new();
    let wasm = capi::wat2wasm(
        r#"(module
          (func (export "f") (param i32) (result i64) (local i64)
            (local.set 1 (i64.const 0x5eedf00d))
            (local.get 1) (i32.const 7) (local.get 0)
            (if (param i32) (result i32) (then (block)))
            (drop)))"#,
    );
    assert_eq!(oracle_bugs::known_oracle_bug(&wasm), Some("block-params-skip-local"));
    assert!(d.oracle_reads_stale_memory(&wasm, &[("f".into(), vec![Value::I32(0)])]));
    assert!(!d.oracle_reads_stale_memory(&wasm, &[("f".into(), vec![Value::I32(1)])]));
    // A well-behaved module never reads stale memory.
    let plain = capi::wat2wasm(r#"(module (func (export "f") (param i32) (result i32) (local.get 0)))"#);
    assert!(!d.oracle_reads_stale_memory(&plain, &[("f".into(), vec![Value::I32(3)])]));
}

/// Writes the seed corpora into fuzz/corpus/ (run once with `--ignored`; libFuzzer then grows
/// and minimises them): valid modules for module_new, serializations for deserialize.
#[test]
#[ignore]
fn write_seed_corpora() {
    use std::hash::{Hash, Hasher};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let write = |target: &str, data: &[u8]| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        data.hash(&mut h);
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{:016x}", h.finish())), data).unwrap();
    };
    for seed in 0..150u64 {
        let data = smith::seeded_bytes(seed, 4096);
        let mut u = arbitrary::Unstructured::new(&data);
        if let Some(wasm) = smith::module(&mut u, seed % 2 == 1) {
            write("module_new", &wasm);
        }
    }
    let t = bytes::ByteTargets::new();
    for wasm in bytes::serialize_seed_modules() {
        write("module_new", &wasm);
        for s in t.serialize_all(&wasm) {
            write("deserialize", &s);
        }
    }
    // Recipes (see ByteTargets::deserialize): authentic in every build.
    for k in 0..10u8 {
        write("deserialize", &[0xa5, k]);
    }
}

/// Seeds for the structured targets: random byte strings long enough for wasm-smith to build
/// modules with many functions (libFuzzer's own inputs start at a few bytes).
#[test]
#[ignore]
fn write_structured_seeds() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, n, len) in
        [("differential", 64u64, 8192usize), ("hostile_imports", 32, 8192), ("api_sequence", 32, 1024)]
    {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for seed in 0..n {
            std::fs::write(dir.join(format!("seed-{seed:04}")), smith::seeded_bytes(seed * 7919 + 13, len)).unwrap();
        }
    }
}

/// The differential executor, with the flavour pinned by FUZZ_DIFF_FLAVOUR (wasm2, extra,
/// memory64) or picked by the data.
fn differential_for_env() -> differential::Differential {
    match std::env::var("FUZZ_DIFF_FLAVOUR") {
        Ok(name) => differential::Differential::pinned(
            *smith::Flavour::COMPARED.iter().find(|f| f.name() == name).expect("unknown FUZZ_DIFF_FLAVOUR"),
        ),
        Err(_) => differential::Differential::new(),
    }
}

/// Reproduces one input of a target: `FUZZ_REPRO=<target>:<file> cargo test --test fuzz_smoke
/// reproduce -- --ignored --nocapture`. For the execution targets the generated module is
/// written next to the input as `<file>.wasm` (to minimise by hand or with wasm-tools).
#[test]
#[ignore]
fn reproduce() {
    let spec = std::env::var("FUZZ_REPRO").expect("FUZZ_REPRO=<target>:<file>");
    let (target, file) = spec.split_once(':').expect("<target>:<file>");
    let data = std::fs::read(file).expect("input file");
    let file = file.to_string();
    match target {
        "module_new" => bytes::ByteTargets::new().module_new(&data),
        "deserialize" => bytes::ByteTargets::new().deserialize(&data),
        "api_sequence" => with_big_stack(move || api_sequence::run(&data)),
        "hostile_imports" => with_big_stack(move || hostile::Hostile::new().run(&data, &mut Default::default())),
        "differential" => with_big_stack(move || {
            // The module and configuration the data picks (as Differential::run does), written
            // out first so that a crash leaves them behind.
            let d = differential_for_env();
            let mut u = arbitrary::Unstructured::new(&data);
            let config = *u.choose(&capi::EngineConfig::ALL).unwrap();
            let flavour = d.pick_flavour(&mut u);
            if let Some(wasm) = smith::module_of(&mut u, flavour) {
                std::fs::write(format!("{file}.wasm"), &wasm).unwrap();
                println!("configuration {}, flavour {}, module in {file}.wasm", config.name(), flavour.name());
            }
            let mut c = differential::Counters::default();
            let r = d.run(&data, None, &mut c);
            println!("{c:?}");
            if let Err(div) = r {
                std::fs::write(format!("{file}.wasm"), &div.wasm).unwrap();
                panic!("divergence in {}: {} (module in {file}.wasm)", div.config.name(), div.what);
            }
        }),
        other => panic!("unknown target {other}"),
    }
}

/// The long seeded differential run (not coverage-guided, no sanitizer, so many more modules
/// per second than the libFuzzer target): `FUZZ_DIFF_SECONDS=3600 FUZZ_DIFF_FIRST_SEED=0 cargo
/// test --test fuzz_smoke differential_long -- --ignored --nocapture`. The configurations take
/// turns (all six, or those named in FUZZ_DIFF_CONFIGS); every divergence is written to fuzz/artifacts/differential-long/ and fails the run.
#[test]
#[ignore]
fn differential_long() {
    with_big_stack(|| {
        let seconds: u64 = std::env::var("FUZZ_DIFF_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
        let first: u64 = std::env::var("FUZZ_DIFF_FIRST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/artifacts/differential-long");
        // FUZZ_DIFF_CONFIGS=lazy,tiered restricts the rotation (names as EngineConfig::name).
        let configs: Vec<capi::EngineConfig> = match std::env::var("FUZZ_DIFF_CONFIGS") {
            Ok(names) => names
                .split(',')
                .map(|n| *capi::EngineConfig::ALL.iter().find(|c| c.name() == n).expect("unknown configuration"))
                .collect(),
            Err(_) => capi::EngineConfig::ALL.to_vec(),
        };
        let trace = std::env::var("FUZZ_DIFF_TRACE").is_ok();
        let d = differential_for_env();
        // FUZZ_DIFF_BOUNDS64=1: the modules come from the memory64 address generator
        // (fuzz/src/bounds64.rs) instead of wasm-smith.
        let bounds64 = std::env::var_os("FUZZ_DIFF_BOUNDS64").is_some();
        // FUZZ_DIFF_PATTERN_ONLY=1: only modules matching a known_oracle_bug pattern are run.
        let pattern_only = std::env::var_os("FUZZ_DIFF_PATTERN_ONLY").is_some();
        let mut c = differential::Counters::default();
        let start = std::time::Instant::now();
        let mut divergences = 0;
        let mut seed = first;
        while start.elapsed().as_secs() < seconds {
            let config = configs[(seed % configs.len() as u64) as usize];
            if trace {
                // Before the run, so that a crash names its seed.
                eprintln!("seed {seed} {}", config.name());
            }
            let data = smith::seeded_bytes(seed, 8192);
            if pattern_only && !bounds64 {
                // Triage: only the modules with the shape of a documented oracle bug.
                let mut u = arbitrary::Unstructured::new(&data);
                let flavour = d.pick_flavour(&mut u);
                if smith::module_of(&mut u, flavour).is_none_or(|m| oracle_bugs::known_oracle_bug(&m).is_none()) {
                    seed += 1;
                    continue;
                }
            }
            let attributed = c.oracle_bugs;
            let r = if bounds64 {
                bounds64::run(&d, &data[..512], config, &mut c)
            } else {
                d.run(&data, Some(config), &mut c)
            };
            if c.oracle_bugs > attributed {
                println!(
                    "ORACLE-BUG seed {seed} in {}: a divergence attributed to a documented oracle bug",
                    config.name()
                );
            }
            if let Err(div) = r {
                divergences += 1;
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(out.join(format!("seed-{seed}.wasm")), &div.wasm).unwrap();
                std::fs::write(
                    out.join(format!("seed-{seed}.txt")),
                    format!("{} ({}): {}\n", div.config.name(), div.flavour.name(), div.what),
                )
                .unwrap();
                println!("DIVERGENCE seed {seed} in {} ({}): {}", div.config.name(), div.flavour.name(), div.what);
            }
            seed += 1;
            if seed % 2000 == 0 {
                println!("DIFFERENTIAL-LONG seeds {first}..{seed} secs={} {c:?}", start.elapsed().as_secs());
            }
        }
        println!(
            "DIFFERENTIAL-LONG done: seeds {first}..{seed} secs={} divergences={divergences} {c:?}",
            start.elapsed().as_secs()
        );
        assert_eq!(divergences, 0, "unexplained divergences (see fuzz/artifacts/differential-long/)");
    });
}

/// A long seeded run of one byte-level or structured target without coverage guidance or
/// sanitizer (many more inputs per second than libFuzzer under ASan):
/// `FUZZ_LONG_TARGET=api_sequence FUZZ_LONG_SECONDS=600 FUZZ_LONG_FIRST_SEED=0 cargo test --test
/// fuzz_smoke long_run -- --ignored --nocapture`. Any failure panics with the seed.
#[test]
#[ignore]
fn long_run() {
    with_big_stack(|| {
        let target = std::env::var("FUZZ_LONG_TARGET").expect("FUZZ_LONG_TARGET");
        let seconds: u64 = std::env::var("FUZZ_LONG_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
        let first: u64 = std::env::var("FUZZ_LONG_FIRST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let bytes_targets = bytes::ByteTargets::new();
        // FUZZ_HOSTILE_FLAVOUR=wasm2|memory64|exn-relaxed pins the hostile modules' flavour.
        let hostile = match std::env::var("FUZZ_HOSTILE_FLAVOUR") {
            Ok(name) => hostile::Hostile::pinned(
                *smith::Flavour::HOSTILE.iter().find(|f| f.name() == name).expect("unknown FUZZ_HOSTILE_FLAVOUR"),
            ),
            Err(_) => hostile::Hostile::new(),
        };
        let mut hc = hostile::HostileCounters::default();
        let mut wasi_engine = None;
        let start = std::time::Instant::now();
        let mut seed = first;
        let trace = std::env::var("FUZZ_LONG_TRACE").is_ok();
        while start.elapsed().as_secs() < seconds {
            if trace {
                eprintln!("seed {seed}");
            }
            match target.as_str() {
                "api_sequence" => api_sequence::run(&smith::seeded_bytes(seed, 1024)),
                "hostile_imports" => hostile.run(&smith::seeded_bytes(seed, 8192), &mut hc),
                "module_new" => bytes_targets.module_new(&smith::seeded_bytes(seed, (seed % 512) as usize)),
                "deserialize" => bytes_targets.deserialize(&smith::seeded_bytes(seed, (seed % 64) as usize)),
                "wasi_paths" => {
                    let engine =
                        *wasi_engine.get_or_insert_with(|| capi::new_engine(capi::EngineConfig::Default, false));
                    let (c, s) = wasi_paths::run(&smith::seeded_bytes(seed, 256), engine);
                    hc.calls += c;
                    hc.traps += s; // (succeeded calls, for the report)
                }
                other => panic!("unknown target {other}"),
            }
            seed += 1;
            if seed % 1000 == 0 {
                println!("LONG {target} seeds {first}..{seed} secs={} {hc:?}", start.elapsed().as_secs());
            }
        }
        println!(
            "LONG {target} done: seeds {first}..{seed} ({} inputs) secs={} {hc:?}",
            seed - first,
            start.elapsed().as_secs()
        );
    });
}

/// Re-runs one seed of `differential_long`: `FUZZ_DIFF_SEED=<seed> FUZZ_DIFF_CONFIG=<name>
/// cargo test --test fuzz_smoke replay_seed -- --ignored --nocapture`.
#[test]
#[ignore]
fn replay_seed() {
    with_big_stack(|| {
        let seed: u64 = std::env::var("FUZZ_DIFF_SEED").expect("FUZZ_DIFF_SEED").parse().unwrap();
        let name = std::env::var("FUZZ_DIFF_CONFIG").expect("FUZZ_DIFF_CONFIG");
        let config = *capi::EngineConfig::ALL.iter().find(|c| c.name() == name).expect("configuration");
        let mut c = differential::Counters::default();
        let data = smith::seeded_bytes(seed, 8192);
        let r = if std::env::var_os("FUZZ_DIFF_BOUNDS64").is_some() {
            // The module's text, for triage.
            if let Some(text) = bounds64::module_text(&mut arbitrary::Unstructured::new(&data[..512])) {
                println!("{text}");
            }
            bounds64::run(&differential_for_env(), &data[..512], config, &mut c)
        } else {
            let d = differential_for_env();
            // The module, for triage (written before the run, which may crash).
            let mut u = arbitrary::Unstructured::new(&data);
            // FUZZ_DIFF_LEGACY=1: the first campaign's generator (before flavours, seeds up to
            // 1e9 of that campaign): one bool picks wasm2 or extra.
            let legacy = std::env::var_os("FUZZ_DIFF_LEGACY").is_some();
            let flavour = if legacy {
                if u.arbitrary::<bool>().unwrap_or(false) {
                    smith::Flavour::Extra
                } else {
                    smith::Flavour::Wasm2
                }
            } else {
                d.pick_flavour(&mut u)
            };
            let wasm = smith::module_of(&mut u, flavour);
            if let Some(wasm) = &wasm {
                let path = std::env::temp_dir().join(format!("replay-seed-{seed}.wasm"));
                std::fs::write(&path, wasm).unwrap();
                println!("flavour {}, module in {}", flavour.name(), path.display());
            }
            match (legacy, wasm) {
                (true, Some(wasm)) => d.run_wasm(wasm, config, flavour, &mut u, &mut c),
                (true, None) => Ok(()),
                (false, _) => d.run(&data, Some(config), &mut c),
            }
        };
        println!("{c:?}");
        if let Err(div) = r {
            panic!("divergence in {}: {}", div.config.name(), div.what);
        }
    });
}

/// Triage helper for oracle crashes: runs exports of a module in wasmi alone (every import a
/// function returning zeros), with zero arguments, in the order FUZZ_CALLS names them (comma
/// separated), printing each call before it runs: `FUZZ_WASM=<file> FUZZ_CALLS=1,2 cargo test
/// --test fuzz_smoke oracle_calls -- --ignored --nocapture`.
#[test]
#[ignore]
fn oracle_calls() {
    with_big_stack(|| {
        let wasm = std::fs::read(std::env::var("FUZZ_WASM").expect("FUZZ_WASM")).unwrap();
        let calls = std::env::var("FUZZ_CALLS").expect("FUZZ_CALLS");
        let mut config = wasmi::Config::default();
        config.wasm_tail_call(true).wasm_multi_memory(true).wasm_memory64(true);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, &wasm).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let imports: Vec<wasmi::Extern> = module
            .imports()
            .map(|i| match i.ty() {
                wasmi::ExternType::Func(ft) => {
                    let results: Vec<wasmi::ValType> = ft.results().to_vec();
                    wasmi::Func::new(&mut store, ft.clone(), move |_, _, out| {
                        for (o, t) in out.iter_mut().zip(&results) {
                            *o = wasmi::Val::default_for_ty(*t);
                        }
                        Ok(())
                    })
                    .into()
                }
                other => panic!("only function imports: {other:?}"),
            })
            .collect();
        let instance = wasmi::Instance::new(&mut store, &module, &imports).unwrap();
        for name in calls.split(',') {
            let f = instance.get_func(&store, name).expect("an exported function");
            let ty = f.ty(&store);
            let args: Vec<wasmi::Val> = ty.params().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
            let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
            println!("call {name:?}");
            let r = f.call(&mut store, &args, &mut results);
            println!("  -> {r:?} {results:?}");
        }
    });
}

/// Triage helper for divergences: runs a module (FUZZ_WASM, binary or text) in wasmlift
/// (configuration FUZZ_DIFF_CONFIG, default "default"; memory64, multi-memory and tail calls on)
/// and in wasmi (the differential executor's oracle configuration), calls the exports FUZZ_CALLS
/// names (`name=bits,bits;name=...`: each argument as the raw bits of its parameter type,
/// references null; imports as the differential executor provides them: functions returning
/// zeros, zero globals, null tables, fresh memories), each call first in wasmlift and
/// then in wasmi as the differential executor does, and prints each call's results and every
/// exported scalar global in both engines. FUZZ_ORACLE_FIRST=1 runs wasmi's call first,
/// FUZZ_ORACLE_ONLY=1 runs wasmi alone, FUZZ_LIFT_ONLY=1 wasmlift alone (wasmi still compiles
/// and instantiates the module, which translates nothing yet). The last line is `RESULT AGREE` or `RESULT DIVERGE`, for
/// reducer scripts: `FUZZ_WASM=m.wat FUZZ_CALLS='5=1065353216' cargo test --test fuzz_smoke
/// compare_script -- --ignored --nocapture`.
#[test]
#[ignore]
fn compare_script() {
    with_big_stack(|| {
        use capi::*;
        let file = std::env::var("FUZZ_WASM").expect("FUZZ_WASM");
        let bytes = std::fs::read(&file).unwrap();
        let wasm = if bytes.starts_with(b"\0asm") { bytes } else { wat2wasm(&String::from_utf8(bytes).unwrap()) };
        let name = std::env::var("FUZZ_DIFF_CONFIG").unwrap_or_else(|_| "default".into());
        let config = *capi::EngineConfig::ALL.iter().find(|c| c.name() == name).expect("configuration");
        println!(
            "patterns: known_oracle_bug {:?}, oracle_crash {:?}, oracle_panic {:?}",
            oracle_bugs::known_oracle_bug(&wasm),
            oracle_bugs::oracle_crash(&wasm),
            oracle_bugs::oracle_panic(&wasm)
        );
        let oracle_first = std::env::var_os("FUZZ_ORACLE_FIRST").is_some();
        let oracle_only = std::env::var_os("FUZZ_ORACLE_ONLY").is_some();
        let lift_only = std::env::var_os("FUZZ_LIFT_ONLY").is_some();
        let calls: Vec<(String, Vec<u64>)> = std::env::var("FUZZ_CALLS")
            .expect("FUZZ_CALLS")
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|c| {
                let (n, a) = c.split_once('=').unwrap_or((c, ""));
                (n.to_string(), a.split(',').filter(|s| !s.is_empty()).map(|x| x.parse().expect("bits")).collect())
            })
            .collect();
        // ---- wasmi
        let oracle = differential::Differential::new().oracle_engine().clone();
        let module = wasmi::Module::new(&oracle, &wasm).expect("wasmi compiles");
        let mut ostore = wasmi::Store::new(&oracle, ());
        // The differential executor's imports (zeros, nulls, fresh memories).
        let imports = differential::oracle_imports(&mut ostore, &module, None).expect("wasmi imports");
        let oinstance = wasmi::Instance::new(&mut ostore, &module, &imports).expect("wasmi instantiates");
        let mut oglobals: Vec<(String, wasmi::Global)> = module
            .exports()
            .filter_map(|e| oinstance.get_global(&ostore, e.name()).map(|g| (e.name().to_string(), g)))
            .collect();
        oglobals.sort_by(|a, b| a.0.cmp(&b.0));
        let mut oracle_call = |name: &str, args: &[u64]| -> String {
            let f = oinstance.get_func(&ostore, name).expect("an exported function");
            let ty = f.ty(&ostore);
            let a: Vec<wasmi::Val> = ty
                .params()
                .iter()
                .zip(args.iter().chain(std::iter::repeat(&0)))
                .map(|(t, b)| match t {
                    wasmi::ValType::I32 => wasmi::Val::I32(*b as i32),
                    wasmi::ValType::I64 => wasmi::Val::I64(*b as i64),
                    wasmi::ValType::F32 => wasmi::Val::F32(wasmi::F32::from_bits(*b as u32)),
                    wasmi::ValType::F64 => wasmi::Val::F64(wasmi::F64::from_bits(*b)),
                    t => wasmi::Val::default_for_ty(*t),
                })
                .collect();
            let mut r: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
            let out = match f.call(&mut ostore, &a, &mut r) {
                Ok(()) => format!("{:?}", r.iter().map(scalar_bits_wasmi).collect::<Vec<_>>()),
                Err(e) => format!("trap {:?}", differential::TrapClass::from_wasmi(&e)),
            };
            let g: Vec<String> =
                oglobals.iter().map(|(n, g)| format!("{n}={:?}", scalar_bits_wasmi(&g.get(&ostore)))).collect();
            format!("call {name}{args:?} -> {out}; globals {}", g.join(" "))
        };
        // ---- wasmlift
        let mut agree = true;
        // SAFETY: every handle is created and deleted here, once, in reverse order.
        unsafe {
            let engine = smith::new_engine_flavour(config, smith::Flavour::Memory64);
            let store = wasm_store_new(engine);
            match config {
                // Enough for any triage script (the comparison is about results, not limits).
                capi::EngineConfig::Fuel => wasmlift_store_set_fuel(store, 1 << 40),
                capi::EngineConfig::Epoch => wasmlift_store_set_epoch_deadline(store, 1 << 40),
                _ => {}
            }
            let module = compile(store, &wasm);
            assert!(!module.is_null(), "{}", last_error());
            let mut import_types = wasm_importtype_vec_t::empty();
            wasm_module_imports(module, &mut import_types);
            let mut externs: Vec<*mut wasm_extern_t> = import_types
                .as_slice()
                .iter()
                .map(|it| {
                    let ty = wasm_importtype_type(*it);
                    match wasm_externtype_kind(ty) {
                        WASM_EXTERN_FUNC => wasm_func_as_extern(wasm_func_new(
                            store,
                            wasm_externtype_as_functype_const(ty),
                            Some(script_zero),
                        )),
                        WASM_EXTERN_GLOBAL => {
                            let gt = wasm_externtype_as_globaltype_const(ty);
                            let v = zero_val(wasm_valtype_kind(wasm_globaltype_content(gt)));
                            wasm_global_as_extern(wasm_global_new(store, gt, &v))
                        }
                        WASM_EXTERN_TABLE => wasm_table_as_extern(wasm_table_new(
                            store,
                            wasm_externtype_as_tabletype_const(ty),
                            std::ptr::null_mut(),
                        )),
                        _ => wasm_memory_as_extern(wasm_memory_new(store, wasm_externtype_as_memorytype_const(ty))),
                    }
                })
                .collect();
            wasm_importtype_vec_delete(&mut import_types);
            let imports = wasm_extern_vec_t { size: externs.len(), data: externs.as_mut_ptr() };
            let instance = wasm_instance_new(store, module, &imports, std::ptr::null_mut());
            assert!(!instance.is_null(), "{}", last_error());
            let mut etypes = wasm_exporttype_vec_t::empty();
            wasm_module_exports(module, &mut etypes);
            let names: Vec<String> = etypes
                .as_slice()
                .iter()
                .map(|t| String::from_utf8_lossy((*wasm_exporttype_name(*t)).bytes()).into_owned())
                .collect();
            wasm_exporttype_vec_delete(&mut etypes);
            let mut exports = wasm_extern_vec_t::empty();
            wasm_instance_exports(instance, &mut exports);
            let ex = exports.as_slice().to_vec();
            let lift_call = |name: &str, args: &[u64]| -> String {
                let i = names.iter().position(|n| n == name).expect("an exported function");
                let f = wasm_extern_as_func(ex[i]);
                let ft = wasm_func_type(f);
                let kinds: Vec<wasm_valkind_t> =
                    (*wasm_functype_params(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
                let rkinds: Vec<wasm_valkind_t> =
                    (*wasm_functype_results(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
                wasm_functype_delete(ft);
                let mut a: Vec<wasm_val_t> = kinds
                    .iter()
                    .zip(args.iter().chain(std::iter::repeat(&0)))
                    .map(|(k, b)| wasm_val_t {
                        kind: *k,
                        of: wasm_val_union { i64: if *k < WASM_EXTERNREF { *b as i64 } else { 0 } },
                    })
                    .collect();
                let mut r: Vec<wasm_val_t> = rkinds.iter().map(|k| zero_val(*k)).collect();
                let av = wasm_val_vec_t { size: a.len(), data: a.as_mut_ptr() };
                let mut rv = wasm_val_vec_t { size: r.len(), data: r.as_mut_ptr() };
                let t = wasm_func_call(f, &av, &mut rv);
                let out = if t.is_null() {
                    format!("{:?}", r.iter_mut().map(scalar_bits_lift).collect::<Vec<_>>())
                } else {
                    let m = trap_message(t);
                    wasm_trap_delete(t);
                    format!("trap {:?}", differential::TrapClass::from_wasmlift(&m))
                };
                let mut g = Vec::new();
                let mut sorted: Vec<(&String, &*mut wasm_extern_t)> = names.iter().zip(&ex).collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                for (n, e) in sorted {
                    if wasm_extern_kind(*e) == WASM_EXTERN_GLOBAL {
                        let gl = wasm_extern_as_global(*e);
                        let gt = wasm_global_type(gl);
                        let kind = wasm_valtype_kind(wasm_globaltype_content(gt));
                        wasm_globaltype_delete(gt);
                        let mut v = zero_val(WASM_I32);
                        if kind != WASM_V128 {
                            wasm_global_get(gl, &mut v);
                            g.push(format!("{n}={:?}", scalar_bits_lift(&mut v)));
                        } else {
                            g.push(format!("{n}={:?}", "v128"));
                        }
                    }
                }
                format!("call {name}{args:?} -> {out}; globals {}", g.join(" "))
            };
            for (name, args) in &calls {
                let (l, o) = if oracle_only {
                    (String::from("(not run)"), oracle_call(name, args))
                } else if lift_only {
                    (lift_call(name, args), String::from("(not run)"))
                } else if oracle_first {
                    let o = oracle_call(name, args);
                    (lift_call(name, args), o)
                } else {
                    let l = lift_call(name, args);
                    (l, oracle_call(name, args))
                };
                println!("wasmlift {l}\nwasmi    {o}");
                agree &= oracle_only || lift_only || l == o;
            }
            wasm_extern_vec_delete(&mut exports);
            wasm_instance_delete(instance);
            for e in externs {
                wasm_extern_delete(e);
            }
            wasm_module_delete(module);
            wasm_store_delete(store);
            wasm_engine_delete(engine);
        }
        println!("RESULT {}", if agree { "AGREE" } else { "DIVERGE" });
    });
}

fn scalar_bits_wasmi(v: &wasmi::Val) -> String {
    match v {
        wasmi::Val::I32(x) => format!("i32:{:#x}", *x as u32),
        wasmi::Val::I64(x) => format!("i64:{:#x}", *x as u64),
        wasmi::Val::F32(x) => format!("f32:{:#x}", x.to_bits()),
        wasmi::Val::F64(x) => format!("f64:{:#x}", x.to_bits()),
        wasmi::Val::V128(_) => "v128".into(),
        wasmi::Val::FuncRef(r) => format!("ref:{}", if r.is_null() { "null" } else { "nonnull" }),
        wasmi::Val::ExternRef(r) => format!("ref:{}", if r.is_null() { "null" } else { "nonnull" }),
    }
}

fn scalar_bits_lift(v: &mut capi::wasm_val_t) -> String {
    // SAFETY: the union member read matches `kind`; references are released once.
    unsafe {
        match v.kind {
            capi::WASM_I32 => format!("i32:{:#x}", v.of.i32 as u32),
            capi::WASM_I64 => format!("i64:{:#x}", v.of.i64 as u64),
            capi::WASM_F32 => format!("f32:{:#x}", v.of.f32.to_bits()),
            capi::WASM_F64 => format!("f64:{:#x}", v.of.f64.to_bits()),
            _ => {
                let null = v.of.r#ref.is_null();
                if !null {
                    capi::wasm_val_delete(v);
                }
                format!("ref:{}", if null { "null" } else { "nonnull" })
            }
        }
    }
}

unsafe extern "C" fn script_zero(
    _args: *const capi::wasm_val_vec_t,
    _results: *mut capi::wasm_val_vec_t,
) -> *mut capi::wasm_trap_t {
    // The engine pre-sets the results with zero (null) values: the host returns them.
    std::ptr::null_mut()
}

/// How often the oracle-bug patterns (src/oracle_bugs.rs) match generated modules: a pattern
/// that matches many modules would attribute (or skip) too much. `FUZZ_DIFF_FLAVOUR` pins the
/// flavour, `FUZZ_PATTERN_SEEDS` (default 2000) sets the number of seeds.
#[test]
#[ignore]
fn oracle_pattern_rates() {
    let d = differential_for_env();
    let n: u64 = std::env::var("FUZZ_PATTERN_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let (mut modules, mut bugs, mut crashes) =
        (0u64, std::collections::BTreeMap::new(), std::collections::BTreeMap::new());
    for seed in 0..n {
        let data = smith::seeded_bytes(seed, 8192);
        let mut u = arbitrary::Unstructured::new(&data);
        let flavour = d.pick_flavour(&mut u);
        let Some(wasm) = smith::module_of(&mut u, flavour) else { continue };
        modules += 1;
        if let Some(b) = oracle_bugs::known_oracle_bug(&wasm) {
            *bugs.entry(b).or_insert(0u64) += 1;
        }
        if let Some(c) = oracle_bugs::oracle_crash(&wasm) {
            *crashes.entry(c).or_insert(0u64) += 1;
        }
        if let Some(c) = oracle_bugs::oracle_panic(&wasm) {
            *crashes.entry(c).or_insert(0u64) += 1;
        }
    }
    println!("ORACLE-PATTERNS {modules} modules: known_oracle_bug {bugs:?}, oracle_crash/oracle_panic {crashes:?}");
}

/// Triage helper for modules wabt cannot print (memory64 offsets of 2^32 and more): the locals
/// and operators of one function body (FUZZ_FUNC, in code-section order) of FUZZ_WASM, one per
/// line: `FUZZ_WASM=m.wasm FUZZ_FUNC=1 cargo test --test fuzz_smoke print_function -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn print_function() {
    let wasm = std::fs::read(std::env::var("FUZZ_WASM").expect("FUZZ_WASM")).unwrap();
    let index: usize = std::env::var("FUZZ_FUNC").expect("FUZZ_FUNC").parse().unwrap();
    let body = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::CodeSectionEntry(body)) => Some(body),
            _ => None,
        })
        .nth(index)
        .expect("no such function body");
    for local in body.get_locals_reader().unwrap() {
        println!("local {:?}", local.unwrap());
    }
    let mut depth = 0usize;
    for op in body.get_operators_reader().unwrap() {
        let op = op.unwrap();
        if matches!(op, wasmparser::Operator::End | wasmparser::Operator::Else) {
            depth = depth.saturating_sub(1);
        }
        println!("{}{op:?}", "  ".repeat(depth));
        if matches!(
            op,
            wasmparser::Operator::Block { .. }
                | wasmparser::Operator::Loop { .. }
                | wasmparser::Operator::If { .. }
                | wasmparser::Operator::Else
        ) {
            depth += 1;
        }
    }
}
