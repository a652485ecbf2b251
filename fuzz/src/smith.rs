//! wasm-smith configurations: random valid modules for the execution targets, restricted to the
//! features both wasmlift and the oracle run, and made to terminate (wasm-smith's fuel counter).

use arbitrary::Unstructured;

/// The feature sets the execution targets generate modules for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// WebAssembly 2.0.
    Wasm2,
    /// 2.0 plus multi-memory and tail calls.
    Extra,
    /// `Extra` plus memory64: i64-indexed memories and tables (table64) next to i32 ones. The
    /// oracle runs memory64 too, so this flavour is compared.
    Memory64,
    /// `Extra` plus exception handling (tags, throw, throw_ref, try_table, exnref values, tag
    /// imports) and relaxed SIMD. Crash-only: the oracle runs neither exceptions nor relaxed
    /// SIMD deterministically (relaxed SIMD results are implementation-defined).
    ExnRelaxed,
}

impl Flavour {
    /// The flavours the differential target compares (the oracle supports each of them).
    pub const COMPARED: [Flavour; 3] = [Flavour::Wasm2, Flavour::Extra, Flavour::Memory64];
    /// The flavours the hostile-imports target runs.
    pub const HOSTILE: [Flavour; 3] = [Flavour::Wasm2, Flavour::Memory64, Flavour::ExnRelaxed];

    pub fn name(self) -> &'static str {
        match self {
            Flavour::Wasm2 => "wasm2",
            Flavour::Extra => "extra",
            Flavour::Memory64 => "memory64",
            Flavour::ExnRelaxed => "exn-relaxed",
        }
    }

    /// Multi-memory and tail calls (the engine's `extra` knobs).
    pub fn extra(self) -> bool {
        self != Flavour::Wasm2
    }
}

/// An engine for modules of `flavour`: `extra` as in `capi::new_engine`, plus memory64 for
/// `Memory64` and relaxed SIMD and exceptions for `ExnRelaxed`. The knobs are set explicitly (on
/// or off), so the fuzzers do not depend on the defaults.
pub fn new_engine_flavour(config: crate::capi::EngineConfig, flavour: Flavour) -> *mut crate::capi::wasm_engine_t {
    crate::capi::new_engine_with(
        config,
        flavour.extra(),
        Some((flavour == Flavour::Memory64, flavour == Flavour::ExnRelaxed)),
    )
}

/// WebAssembly 2.0 (plus, when `extra`, the multi-memory and tail-call proposals, which both the
/// engine — behind its knobs — and the oracle support). NaNs are canonicalised by the generated
/// code itself, so memories and globals can be compared bit for bit.
pub fn config(extra: bool) -> wasm_smith::Config {
    config_of(if extra { Flavour::Extra } else { Flavour::Wasm2 })
}

/// The wasm-smith configuration of one flavour (see `config`).
pub fn config_of(flavour: Flavour) -> wasm_smith::Config {
    let extra = flavour.extra();
    let memory64 = flavour == Flavour::Memory64;
    let exn_relaxed = flavour == Flavour::ExnRelaxed;
    wasm_smith::Config {
        simd_enabled: true,
        relaxed_simd_enabled: exn_relaxed,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        extended_const_enabled: true,
        gc_enabled: false,
        exceptions_enabled: exn_relaxed,
        memory64_enabled: memory64,
        threads_enabled: false,
        tail_call_enabled: extra,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        // More than one memory turns multi-memory on.
        max_memories: if extra { 3 } else { 1 },
        max_tables: 3,
        max_memory32_bytes: 1 << 22,
        // i64 memories as small as i32 ones: what memory64 changes is the index type, the
        // bounds checks of 64-bit addresses and offsets, not the size.
        max_memory64_bytes: 1 << 22,
        max_table_elements: 1000,
        // Declared maxima make growth deterministic: memory.grow and table.grow may fail at
        // any size by the spec, and the two engines' allocation limits differ (a table grown
        // by 4e9 elements succeeds in wasmi and fails in wasmlift; both are correct).
        table_max_size_required: true,
        memory_max_size_required: true,
        max_funcs: 20,
        min_funcs: 1,
        max_instructions: 200,
        export_everything: true,
        canonicalize_nans: true,
        ..wasm_smith::Config::default()
    }
}

/// Fuel for wasm-smith's termination counter: every loop header and function entry spends one
/// and traps with `unreachable` once it is used up, identically in every engine.
pub const TERMINATION_FUEL: u32 = 5_000;

/// A random valid, terminating module from the fuzzer's bytes; None when the bytes run out.
pub fn module(u: &mut Unstructured, extra: bool) -> Option<Vec<u8>> {
    module_of(u, if extra { Flavour::Extra } else { Flavour::Wasm2 })
}

/// A random valid, terminating module of one flavour; None when the bytes run out.
pub fn module_of(u: &mut Unstructured, flavour: Flavour) -> Option<Vec<u8>> {
    let mut m = wasm_smith::Module::new(config_of(flavour), u).ok()?;
    m.ensure_termination(TERMINATION_FUEL).ok()?;
    Some(m.to_bytes())
}

/// A deterministic byte stream for `seed` (xorshift), for the seeded loops of the smoke test.
pub fn seeded_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
