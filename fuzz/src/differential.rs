//! Differential execution: a wasm-smith module runs in wasmlift (through the C API, in one of
//! the engine configurations) and in the reference interpreter wasmi; instantiation outcome,
//! every exported function's results (NaNs canonicalised) or trap kind, and afterwards every
//! exported memory, global and table must agree. A divergence is either a wasmlift bug or one
//! of the oracle bugs documented, with a minimal reproduction, in fuzz/KNOWN-ORACLE-BUGS.md.

use crate::capi::*;
use crate::smith;
use crate::smith::Flavour;
use arbitrary::Unstructured;
use std::ptr;

/// A value as both engines can report it; references only by null-ness (their identities live
/// in different object spaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref { null: bool },
}

impl Value {
    /// Every NaN becomes the canonical NaN: NaN payloads and signs are nondeterministic in the
    /// spec, so they are not a divergence.
    fn canonical(self) -> Value {
        match self {
            Value::F32(b) if f32::from_bits(b).is_nan() => Value::F32(0x7fc0_0000),
            Value::F64(b) if f64::from_bits(b).is_nan() => Value::F64(0x7ff8_0000_0000_0000),
            v => v,
        }
    }
}

/// Trap kinds, at the granularity both engines distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapClass {
    Unreachable,
    MemoryOutOfBounds,
    /// Table index out of range (wasmlift says "undefined element" for call_indirect).
    TableOutOfBounds,
    /// call_indirect of a null entry.
    NullElement,
    SignatureMismatch,
    DivisionByZero,
    IntegerOverflow,
    BadConversion,
    StackOverflow,
    OutOfFuel,
    Interrupted,
    Other,
}

impl TrapClass {
    /// Outcomes that depend on resource limits the two engines set differently: the comparison
    /// of this instance ends here (side effects of a partly executed call cannot be compared).
    fn is_resource_limit(self) -> bool {
        matches!(self, TrapClass::StackOverflow | TrapClass::OutOfFuel | TrapClass::Interrupted)
    }

    pub fn from_wasmlift(message: &str) -> TrapClass {
        match message {
            "unreachable" => TrapClass::Unreachable,
            "out of bounds memory access" => TrapClass::MemoryOutOfBounds,
            "out of bounds table access" | "undefined element" => TrapClass::TableOutOfBounds,
            "uninitialized element" | "null function reference" => TrapClass::NullElement,
            "indirect call type mismatch" => TrapClass::SignatureMismatch,
            "integer divide by zero" => TrapClass::DivisionByZero,
            "integer overflow" => TrapClass::IntegerOverflow,
            "invalid conversion to integer" => TrapClass::BadConversion,
            "call stack exhausted" => TrapClass::StackOverflow,
            "all fuel consumed" => TrapClass::OutOfFuel,
            "interrupted" => TrapClass::Interrupted,
            _ => TrapClass::Other,
        }
    }

    pub fn from_wasmi(e: &wasmi::Error) -> TrapClass {
        use wasmi::TrapCode as T;
        match e.as_trap_code() {
            Some(T::UnreachableCodeReached) => TrapClass::Unreachable,
            Some(T::MemoryOutOfBounds) => TrapClass::MemoryOutOfBounds,
            Some(T::TableOutOfBounds) => TrapClass::TableOutOfBounds,
            Some(T::IndirectCallToNull) => TrapClass::NullElement,
            Some(T::BadSignature) => TrapClass::SignatureMismatch,
            Some(T::IntegerDivisionByZero) => TrapClass::DivisionByZero,
            Some(T::IntegerOverflow) => TrapClass::IntegerOverflow,
            Some(T::BadConversionToInteger) => TrapClass::BadConversion,
            Some(T::StackOverflow) => TrapClass::StackOverflow,
            Some(T::OutOfFuel) => TrapClass::OutOfFuel,
            _ => TrapClass::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Values(Vec<Value>),
    Trap(TrapClass),
    /// Not instantiated for a reason other than a trap (link or resource error).
    Refused,
}

impl Outcome {
    fn stops_comparison(&self) -> bool {
        matches!(self, Outcome::Trap(t) if t.is_resource_limit())
    }
}

/// What one or many runs compared.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    pub modules: u64,
    pub instantiated: u64,
    /// Calls whose outcomes were compared (both sides ran them).
    pub calls: u64,
    pub trapped_calls: u64,
    /// Instances whose comparison ended early at a resource limit (fuel, epoch, stack).
    pub stopped: u64,
    /// Exported memories, globals and tables compared after the calls.
    pub state_items: u64,
    /// Divergences attributed to a documented oracle bug (by KNOWN-ORACLE-BUGS.md pattern).
    pub oracle_bugs: u64,
    /// Modules matching a documented crash of the oracle (`oracle_crash` in
    /// src/oracle_bugs.rs), compared with the crash avoided: wasmi gets a wasm function that
    /// does nothing instead of a host function for each import of type [] -> [] (the same
    /// behaviour as the harness's host functions, which return nothing and do nothing).
    pub oracle_crash_workarounds: u64,
    /// Modules not compared because wasmi panics translating them (`oracle_panic` in
    /// src/oracle_bugs.rs, KNOWN-ORACLE-BUGS.md entry 4).
    pub oracle_panic_skips: u64,
    /// Modules not compared because they import a v128 global, or a function returning v128:
    /// the C API cannot create the one nor return the other from a host function.
    pub v128_imports: u64,
    /// Compared calls per configuration, in EngineConfig::ALL order.
    pub calls_by_config: [u64; 6],
    /// Compared calls per module flavour, in Flavour::COMPARED order (wasm2, extra, memory64).
    pub calls_by_flavour: [u64; 3],
    /// Modules with at least one i64-indexed memory or table (memory64 flavour).
    pub modules_with_64bit_index: u64,
}

impl Counters {
    pub fn add(&mut self, o: &Counters) {
        self.modules += o.modules;
        self.instantiated += o.instantiated;
        self.calls += o.calls;
        self.trapped_calls += o.trapped_calls;
        self.stopped += o.stopped;
        self.state_items += o.state_items;
        self.oracle_bugs += o.oracle_bugs;
        self.oracle_crash_workarounds += o.oracle_crash_workarounds;
        self.oracle_panic_skips += o.oracle_panic_skips;
        self.v128_imports += o.v128_imports;
        for (a, b) in self.calls_by_config.iter_mut().zip(o.calls_by_config) {
            *a += b;
        }
        for (a, b) in self.calls_by_flavour.iter_mut().zip(o.calls_by_flavour) {
            *a += b;
        }
        self.modules_with_64bit_index += o.modules_with_64bit_index;
    }
}

/// A divergence: the module, where it was found, and both sides' views.
#[derive(Debug)]
pub struct Divergence {
    pub wasm: Vec<u8>,
    pub config: EngineConfig,
    pub flavour: Flavour,
    pub what: String,
}

/// Engines reused across modules: one wasmlift engine per (configuration, flavour) and one
/// wasmi engine with every feature the generator may use.
pub struct Differential {
    engines: Vec<((EngineConfig, Flavour), *mut wasm_engine_t)>,
    oracle: wasmi::Engine,
    /// The flavour every module is generated in; None: the data picks one of Flavour::COMPARED.
    pinned_flavour: Option<Flavour>,
}

impl Default for Differential {
    fn default() -> Self {
        Self::new()
    }
}

/// Argument values that tend to reach edge cases, mixed with random ones.
fn arg_value(u: &mut Unstructured, kind: wasm_valkind_t) -> Value {
    let pick = u.int_in_range(0u8..=7).unwrap_or(0);
    match kind {
        WASM_I32 => Value::I32(match pick {
            0 => 0,
            1 => 1,
            2 => u32::MAX,
            3 => i32::MIN as u32,
            4 => i32::MAX as u32,
            5 => u.int_in_range(0..=70_000).unwrap_or(0),
            _ => u.arbitrary().unwrap_or(0),
        }),
        WASM_I64 => Value::I64(match pick {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            3 => i64::MIN as u64,
            4 => i64::MAX as u64,
            5 => u.int_in_range(0..=70_000).unwrap_or(0),
            _ => u.arbitrary().unwrap_or(0),
        }),
        WASM_F32 => Value::F32(match pick {
            0 => 0,
            1 => 0x8000_0000,
            2 => f32::INFINITY.to_bits(),
            3 => f32::NAN.to_bits(),
            4 => 2147483648.0f32.to_bits(),
            5 => (-1.5f32).to_bits(),
            _ => u.arbitrary().unwrap_or(0),
        }),
        WASM_F64 => Value::F64(match pick {
            0 => 0,
            1 => 0x8000_0000_0000_0000,
            2 => f64::NEG_INFINITY.to_bits(),
            3 => f64::NAN.to_bits(),
            4 => 9223372036854775808.0f64.to_bits(),
            5 => 4294967296.5f64.to_bits(),
            _ => u.arbitrary().unwrap_or(0),
        }),
        WASM_V128 => Value::V128(if pick < 2 { 0 } else { u.arbitrary().unwrap_or(0) }),
        _ => Value::Ref { null: true },
    }
}

fn to_c(v: &Value) -> wasm_val_t {
    match *v {
        Value::I32(x) => wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: x as i32 } },
        Value::I64(x) => wasm_val_t { kind: WASM_I64, of: wasm_val_union { i64: x as i64 } },
        Value::F32(x) => wasm_val_t { kind: WASM_F32, of: wasm_val_union { f32: f32::from_bits(x) } },
        Value::F64(x) => wasm_val_t { kind: WASM_F64, of: wasm_val_union { f64: f64::from_bits(x) } },
        // Only null references are passed in; the kind is fixed by the caller.
        _ => wasm_val_t { kind: WASM_FUNCREF, of: wasm_val_union { r#ref: ptr::null_mut() } },
    }
}

/// Reads (and releases) a value the C API handed out.
fn from_c(v: &mut wasm_val_t) -> Value {
    // SAFETY: the union member read matches `kind`; references are released with wasm_val_delete.
    unsafe {
        match v.kind {
            WASM_I32 => Value::I32(v.of.i32 as u32),
            WASM_I64 => Value::I64(v.of.i64 as u64),
            WASM_F32 => Value::F32(v.of.f32.to_bits()),
            WASM_F64 => Value::F64(v.of.f64.to_bits()),
            _ => {
                let null = v.of.r#ref.is_null();
                wasm_val_delete(v);
                Value::Ref { null }
            }
        }
    }
}

fn to_wasmi(v: &Value, ty: &wasmi::ValType) -> wasmi::Val {
    use wasmi::Val;
    match (v, ty) {
        (Value::I32(x), _) => Val::I32(*x as i32),
        (Value::I64(x), _) => Val::I64(*x as i64),
        (Value::F32(x), _) => Val::F32(wasmi::F32::from_bits(*x)),
        (Value::F64(x), _) => Val::F64(wasmi::F64::from_bits(*x)),
        (Value::V128(x), _) => Val::V128(wasmi::V128::from(*x)),
        (Value::Ref { .. }, t) => Val::default_for_ty(*t),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Value {
    use wasmi::Val;
    match v {
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(x.as_u128()),
        Val::FuncRef(r) => Value::Ref { null: r.is_null() },
        Val::ExternRef(r) => Value::Ref { null: r.is_null() },
    }
}

/// One exported item of both instances.
enum ExportPair {
    Func(*mut wasm_func_t, wasmi::Func),
    Global(*mut wasm_global_t, wasmi::Global),
    Table(*mut wasm_table_t, wasmi::Table),
    Memory(*mut wasm_memory_t, wasmi::Memory),
}

unsafe extern "C" fn zero_results(_args: *const wasm_val_vec_t, _results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    // The engine pre-sets the results' kinds with zero (null) values: the host returns them.
    ptr::null_mut()
}

impl Differential {
    pub fn new() -> Self {
        let mut engines = Vec::new();
        for c in EngineConfig::ALL {
            for f in Flavour::COMPARED {
                engines.push(((c, f), smith::new_engine_flavour(c, f)));
            }
        }
        let mut config = wasmi::Config::default();
        config
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_extended_const(true)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_memory64(true)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false);
        Differential { engines, oracle: wasmi::Engine::new(&config), pinned_flavour: None }
    }

    /// A differential executor that generates every module in `flavour` (which must be one of
    /// Flavour::COMPARED).
    pub fn pinned(flavour: Flavour) -> Self {
        assert!(Flavour::COMPARED.contains(&flavour), "the oracle cannot compare {}", flavour.name());
        Differential { pinned_flavour: Some(flavour), ..Self::new() }
    }

    /// A tail call to a host function of type [] -> [] crashes wasmi 2.0.0
    /// (KNOWN-ORACLE-BUGS.md, entry 3): for a module that may make one, the wasm function
    /// doing nothing that stands in for such host functions.
    fn crash_workaround(&self, ostore: &mut wasmi::Store<()>, wasm: &[u8]) -> Option<wasmi::Func> {
        crate::oracle_bugs::oracle_crash(wasm)?;
        let m = wasmi::Module::new(&self.oracle, EMPTY_FUNC_MODULE).expect("the helper module compiles");
        let i = wasmi::Instance::new(&mut *ostore, &m, &[]).expect("the helper module instantiates");
        i.get_func(&*ostore, "f")
    }

    /// Whether wasmi's answers for `script` (the calls of a comparison, in order) depend on
    /// what its value stack held before: the module runs twice in wasmi alone, each call
    /// preceded by a call that fills the first STACK_POISON_CELLS cells of wasmi's value stack
    /// with one pattern or another. Different answers prove a read of stale memory (entry 2
    /// of KNOWN-ORACLE-BUGS.md); equal answers leave a divergence unexplained by it.
    pub fn oracle_reads_stale_memory(&self, wasm: &[u8], script: &[(String, Vec<Value>)]) -> bool {
        let run = |pattern: i64| -> Option<Vec<String>> {
            let mut ostore = wasmi::Store::new(&self.oracle, ());
            let poison = wasmi::Module::new(&self.oracle, poison_module()).expect("the poison module compiles");
            let poison = wasmi::Instance::new(&mut ostore, &poison, &[]).ok()?.get_func(&ostore, "p")?;
            let omodule = wasmi::Module::new(&self.oracle, wasm).ok()?;
            let empty = self.crash_workaround(&mut ostore, wasm);
            let imports = oracle_imports(&mut ostore, &omodule, empty).ok()?;
            poison.call(&mut ostore, &[wasmi::Val::I64(pattern)], &mut []).ok()?;
            let instance = wasmi::Instance::new(&mut ostore, &omodule, &imports).ok()?;
            let mut transcript = Vec::new();
            for (name, args) in script {
                let f = instance.get_func(&ostore, name)?;
                let ty = f.ty(&ostore);
                let oargs: Vec<wasmi::Val> = args.iter().zip(ty.params()).map(|(a, t)| to_wasmi(a, t)).collect();
                let mut results: Vec<wasmi::Val> =
                    ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
                poison.call(&mut ostore, &[wasmi::Val::I64(pattern)], &mut []).ok()?;
                let outcome = match f.call(&mut ostore, &oargs, &mut results) {
                    Ok(()) => Outcome::Values(results.iter().map(|v| from_wasmi(v).canonical()).collect()),
                    Err(e) => Outcome::Trap(TrapClass::from_wasmi(&e)),
                };
                transcript.push(format!("{outcome:?}"));
                for export in omodule.exports() {
                    match instance.get_export(&ostore, export.name()) {
                        Some(wasmi::Extern::Global(g)) => transcript.push(format!("{:?}", from_wasmi(&g.get(&ostore)))),
                        Some(wasmi::Extern::Memory(m)) => transcript.push(format!("{:?}", m.data(&ostore))),
                        _ => {}
                    }
                }
            }
            Some(transcript)
        };
        match (run(0x5555_5555_5555_5555), run(-0x3535_3535_3535_3536)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        }
    }

    /// The oracle's engine (every feature the generator may use), for triage helpers.
    pub fn oracle_engine(&self) -> &wasmi::Engine {
        &self.oracle
    }

    fn engine(&self, config: EngineConfig, flavour: Flavour) -> *mut wasm_engine_t {
        self.engines.iter().find(|(k, _)| *k == (config, flavour)).expect("every configuration has an engine").1
    }

    /// The flavour `run` generates for data whose configuration was already picked.
    pub fn pick_flavour(&self, u: &mut Unstructured) -> Flavour {
        self.pinned_flavour.unwrap_or_else(|| *u.choose(&Flavour::COMPARED).unwrap_or(&Flavour::Wasm2))
    }

    /// Generates a module from `data` and compares it in `config` (or in a configuration the
    /// data picks when None). Err on an unexplained divergence.
    pub fn run(&self, data: &[u8], config: Option<EngineConfig>, counters: &mut Counters) -> Result<(), Divergence> {
        let mut u = Unstructured::new(data);
        let config = match config {
            Some(c) => c,
            None => *u.choose(&EngineConfig::ALL).unwrap_or(&EngineConfig::Default),
        };
        let flavour = self.pick_flavour(&mut u);
        let Some(wasm) = smith::module_of(&mut u, flavour) else { return Ok(()) };
        self.run_wasm(wasm, config, flavour, &mut u, counters)
    }

    /// Compares a given module of `flavour` in `config`; `u` supplies the arguments and the
    /// order of calls. Err on an unexplained divergence.
    pub fn run_wasm(
        &self,
        wasm: Vec<u8>,
        config: EngineConfig,
        flavour: Flavour,
        u: &mut Unstructured,
        counters: &mut Counters,
    ) -> Result<(), Divergence> {
        counters.modules += 1;
        let mut local = Counters::default();
        if flavour == Flavour::Memory64 && has_64bit_index(&wasm) {
            local.modules_with_64bit_index += 1;
        }
        let mut script = Vec::new();
        let r = self.compare(&wasm, config, flavour, u, &mut local, &mut script);
        let k = EngineConfig::ALL.iter().position(|c| *c == config).expect("a known configuration");
        local.calls_by_config[k] += local.calls;
        let k = Flavour::COMPARED.iter().position(|f| *f == flavour).expect("a compared flavour");
        local.calls_by_flavour[k] += local.calls;
        match r {
            Ok(()) => {
                counters.add(&local);
                Ok(())
            }
            Err(what) => match crate::oracle_bugs::known_oracle_bug(&wasm) {
                // Entry 2's shape is common enough to need proof that it mattered: wasmi's
                // answers must depend on stale memory.
                Some("block-params-skip-local") if !self.oracle_reads_stale_memory(&wasm, &script) => Err(Divergence {
                    what: format!("{what} (the module has the shape of oracle bug block-params-skip-local, but wasmi's answers do not depend on stale memory)"),
                    wasm,
                    config,
                    flavour,
                }),
                Some(_) => {
                    counters.oracle_bugs += 1;
                    Ok(())
                }
                None => Err(Divergence { wasm, config, flavour, what }),
            },
        }
    }

    /// Runs `wasm` in both engines; Err(description) at the first difference.
    pub fn compare(
        &self,
        wasm: &[u8],
        config: EngineConfig,
        flavour: Flavour,
        u: &mut Unstructured,
        c: &mut Counters,
        script: &mut Vec<(String, Vec<Value>)>,
    ) -> Result<(), String> {
        if crate::oracle_bugs::oracle_panic(wasm).is_some() {
            c.oracle_panic_skips += 1;
            return Ok(());
        }
        // ---- wasmi
        let mut ostore = wasmi::Store::new(&self.oracle, ());
        let omodule = wasmi::Module::new(&self.oracle, wasm)
            .map_err(|e| format!("the oracle rejected a generated module: {e}"))?;
        if crate::oracle_bugs::oracle_crash(wasm).is_some() {
            c.oracle_crash_workarounds += 1;
        }
        let empty_wasm_func = self.crash_workaround(&mut ostore, wasm);
        let oimports = oracle_imports(&mut ostore, &omodule, empty_wasm_func)?;
        let oinstance = wasmi::Instance::new(&mut ostore, &omodule, &oimports);

        // ---- wasmlift
        let engine = self.engine(config, flavour);
        // SAFETY: every pointer below comes from the C API and is deleted exactly once, in
        // reverse order of creation, at the end of this block.
        unsafe {
            let store = wasm_store_new(engine);
            match config {
                // Usually enough for the module's calls, sometimes not (then the comparison
                // stops at the first "all fuel consumed").
                EngineConfig::Fuel => {
                    wasmlift_store_set_fuel(store, 20_000 + u.arbitrary::<u16>().unwrap_or(0) as u64 * 16)
                }
                EngineConfig::Epoch => wasmlift_store_set_epoch_deadline(store, 1_000_000),
                _ => {}
            }
            let module = compile(store, wasm);
            if module.is_null() {
                let e = last_error();
                wasm_store_delete(store);
                return Err(format!("wasmlift rejected a generated module: {e}"));
            }
            let mut import_types = wasm_importtype_vec_t::empty();
            wasm_module_imports(module, &mut import_types);
            let mut externs: Vec<*mut wasm_extern_t> = Vec::new();
            let mut unsupported = false;
            for it in import_types.as_slice() {
                let ty = wasm_importtype_type(*it);
                let ext = match wasm_externtype_kind(ty) {
                    WASM_EXTERN_FUNC => {
                        let ft = wasm_externtype_as_functype_const(ty);
                        if (*wasm_functype_results(ft)).as_slice().iter().any(|t| wasm_valtype_kind(*t) == WASM_V128) {
                            c.v128_imports += 1;
                            unsupported = true;
                            break;
                        }
                        wasm_func_as_extern(wasm_func_new(store, ft, Some(zero_results)))
                    }
                    WASM_EXTERN_GLOBAL => {
                        let gt = wasm_externtype_as_globaltype_const(ty);
                        if wasm_valtype_kind(wasm_globaltype_content(gt)) == WASM_V128 {
                            // The C API cannot create a v128 global (wasm_val_t has no v128):
                            // such a module cannot be instantiated through it.
                            c.v128_imports += 1;
                            unsupported = true;
                            break;
                        }
                        let v = zero_val(wasm_valtype_kind(wasm_globaltype_content(gt)));
                        wasm_global_as_extern(wasm_global_new(store, gt, &v))
                    }
                    WASM_EXTERN_TABLE => wasm_table_as_extern(wasm_table_new(
                        store,
                        wasm_externtype_as_tabletype_const(ty),
                        ptr::null_mut(),
                    )),
                    _ => wasm_memory_as_extern(wasm_memory_new(store, wasm_externtype_as_memorytype_const(ty))),
                };
                externs.push(ext);
            }
            wasm_importtype_vec_delete(&mut import_types);
            let result = (|| -> Result<(), String> {
                if unsupported {
                    return Ok(());
                }
                if externs.iter().any(|e| e.is_null()) {
                    return Err(format!("wasmlift could not create an import: {}", last_error()));
                }
                let imports = wasm_extern_vec_t { size: externs.len(), data: externs.as_mut_ptr() };
                let mut trap: *mut wasm_trap_t = ptr::null_mut();
                let instance = wasm_instance_new(store, module, &imports, &mut trap);
                let lift_inst = if !instance.is_null() {
                    Outcome::Values(vec![])
                } else if !trap.is_null() {
                    let t = TrapClass::from_wasmlift(&trap_message(trap));
                    wasm_trap_delete(trap);
                    Outcome::Trap(t)
                } else {
                    Outcome::Refused
                };
                let oracle_inst = match &oinstance {
                    Ok(_) => Outcome::Values(vec![]),
                    Err(e) => match (e.as_trap_code(), e.kind()) {
                        (Some(_), _) => Outcome::Trap(TrapClass::from_wasmi(e)),
                        // wasmi reports an element segment out of its table's bounds as an
                        // instantiation error; the spec (and wasmlift) as the trap "out of
                        // bounds table access". Same outcome: nothing is instantiated.
                        (
                            None,
                            wasmi::errors::ErrorKind::Instantiation(
                                wasmi::errors::InstantiationError::ElementSegmentDoesNotFit { .. },
                            ),
                        ) => Outcome::Trap(TrapClass::TableOutOfBounds),
                        (None, _) => Outcome::Refused,
                    },
                };
                if lift_inst.stops_comparison() || oracle_inst.stops_comparison() {
                    c.stopped += 1;
                    if !instance.is_null() {
                        wasm_instance_delete(instance);
                    }
                    return Ok(());
                }
                if lift_inst != oracle_inst {
                    let why = if instance.is_null() { last_error() } else { String::new() };
                    if !instance.is_null() {
                        wasm_instance_delete(instance);
                    }
                    return Err(format!(
                        "instantiation: wasmlift {lift_inst:?} {why}, oracle {oracle_inst:?} {:?}",
                        oinstance.as_ref().err()
                    ));
                }
                if instance.is_null() {
                    return Ok(());
                }
                c.instantiated += 1;
                let oinstance = *oinstance.as_ref().expect("both instantiated");
                let r = self.compare_instance(store, module, instance, &mut ostore, oinstance, config, u, c, script);
                wasm_instance_delete(instance);
                r
            })();
            for e in externs {
                wasm_extern_delete(e);
            }
            wasm_module_delete(module);
            wasm_store_delete(store);
            result
        }
    }

    #[allow(clippy::too_many_arguments)]
    unsafe fn compare_instance(
        &self,
        store: *mut wasm_store_t,
        module: *mut wasm_module_t,
        instance: *mut wasm_instance_t,
        ostore: &mut wasmi::Store<()>,
        oinstance: wasmi::Instance,
        config: EngineConfig,
        u: &mut Unstructured,
        c: &mut Counters,
        script: &mut Vec<(String, Vec<Value>)>,
    ) -> Result<(), String> {
        let mut export_types = wasm_exporttype_vec_t::empty();
        wasm_module_exports(module, &mut export_types);
        let names: Vec<String> = export_types
            .as_slice()
            .iter()
            .map(|t| {
                let n = wasm_exporttype_name(*t);
                String::from_utf8_lossy((*n).bytes()).into_owned()
            })
            .collect();
        wasm_exporttype_vec_delete(&mut export_types);
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let mut pairs = Vec::new();
        for (e, name) in exports.as_slice().iter().zip(&names) {
            let Some(o) = oinstance.get_export(&*ostore, name) else {
                wasm_extern_vec_delete(&mut exports);
                return Err(format!("export {name:?} missing in the oracle"));
            };
            let pair = match (wasm_extern_kind(*e), o) {
                (WASM_EXTERN_FUNC, wasmi::Extern::Func(f)) => ExportPair::Func(wasm_extern_as_func(*e), f),
                (WASM_EXTERN_GLOBAL, wasmi::Extern::Global(g)) => ExportPair::Global(wasm_extern_as_global(*e), g),
                (WASM_EXTERN_TABLE, wasmi::Extern::Table(t)) => ExportPair::Table(wasm_extern_as_table(*e), t),
                (WASM_EXTERN_MEMORY, wasmi::Extern::Memory(m)) => ExportPair::Memory(wasm_extern_as_memory(*e), m),
                (k, o) => {
                    wasm_extern_vec_delete(&mut exports);
                    return Err(format!("export {name:?}: kind {k} vs oracle {o:?}"));
                }
            };
            pairs.push((name.clone(), pair));
        }
        let r = self.compare_calls(store, module, &pairs, ostore, config, u, c, script);
        wasm_extern_vec_delete(&mut exports);
        r
    }

    #[allow(clippy::too_many_arguments)]
    unsafe fn compare_calls(
        &self,
        store: *mut wasm_store_t,
        module: *mut wasm_module_t,
        pairs: &[(String, ExportPair)],
        ostore: &mut wasmi::Store<()>,
        config: EngineConfig,
        u: &mut Unstructured,
        c: &mut Counters,
        script: &mut Vec<(String, Vec<Value>)>,
    ) -> Result<(), String> {
        // Every exported function three times in order (with different arguments), then a few
        // more picked by the data: compiling dominates the cost, so each module is called often.
        let funcs: Vec<usize> =
            pairs.iter().enumerate().filter(|(_, (_, p))| matches!(p, ExportPair::Func(..))).map(|(i, _)| i).collect();
        let mut order: Vec<usize> = funcs.iter().chain(&funcs).chain(&funcs).copied().collect();
        if !funcs.is_empty() {
            for _ in 0..u.int_in_range(0..=8usize).unwrap_or(0) {
                order.push(*u.choose(&funcs).expect("not empty"));
            }
        }
        let first_round = funcs.len();
        for (k, i) in order.into_iter().enumerate() {
            if k == first_round && config == EngineConfig::Tiered && u.arbitrary::<bool>().unwrap_or(false) {
                // The later rounds run the optimised code the background thread patched in
                // (without the wait they race with the patching, which is tested too).
                wasmlift_module_wait_for_tier_up(module);
            }
            let (name, ExportPair::Func(lf, of)) = &pairs[i] else { unreachable!() };
            // (An explicit byte, so that exhausted data never reads as "yes".)
            if config == EngineConfig::Epoch && u.arbitrary::<u8>().unwrap_or(0) == 0xa5 {
                // The deadline is reached: wasm code must stop (the comparison then ends).
                wasmlift_store_set_epoch_deadline(store, 0);
            }
            let oty = of.ty(&*ostore);
            let params: Vec<wasmi::ValType> = oty.params().to_vec();
            let results: Vec<wasmi::ValType> = oty.results().to_vec();
            let kinds: Vec<wasm_valkind_t> = params.iter().map(kind_of).collect();
            let rkinds: Vec<wasm_valkind_t> = results.iter().map(kind_of).collect();
            let has_v128 = kinds.iter().chain(&rkinds).any(|k| *k == WASM_V128);
            let has_ref = kinds.iter().chain(&rkinds).any(|k| *k >= WASM_EXTERNREF);
            if has_v128 && has_ref {
                continue; // Neither C call path carries both.
            }
            let args: Vec<Value> = kinds.iter().map(|k| arg_value(u, *k)).collect();
            if trace_calls() {
                eprintln!("call {name:?} {args:?}");
            }
            script.push((name.clone(), args.clone()));
            let lift = call_wasmlift(*lf, &args, &kinds, &rkinds, has_v128);
            let oargs: Vec<wasmi::Val> = args.iter().zip(&params).map(|(a, t)| to_wasmi(a, t)).collect();
            let mut oresults: Vec<wasmi::Val> = results.iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
            let oracle = match of.call(&mut *ostore, &oargs, &mut oresults) {
                Ok(()) => Outcome::Values(oresults.iter().map(|v| from_wasmi(v).canonical()).collect()),
                Err(e) => Outcome::Trap(TrapClass::from_wasmi(&e)),
            };
            if lift.stops_comparison() || oracle.stops_comparison() {
                c.stopped += 1;
                return Ok(());
            }
            c.calls += 1;
            if matches!(lift, Outcome::Trap(_)) {
                c.trapped_calls += 1;
            }
            if lift != oracle {
                let message = LAST_TRAP.with(|t| t.borrow().clone());
                return Err(format!(
                    "call {name:?}{args:?}: wasmlift {lift:?} (last trap message {message:?}), oracle {oracle:?}"
                ));
            }
            // Globals after every call (cheap), so that a divergence names the call that made it.
            for (gname, p) in pairs {
                if let ExportPair::Global(lg, og) = p {
                    let ov = og.get(&*ostore);
                    if matches!(ov, wasmi::Val::V128(_)) {
                        continue;
                    }
                    let mut v = zero_val(WASM_I32);
                    wasm_global_get(*lg, &mut v);
                    let (lv, ov) = (from_c(&mut v).canonical(), from_wasmi(&ov).canonical());
                    if lv != ov {
                        return Err(format!("global {gname:?} after call {name:?}{args:?} (result {lift:?}): wasmlift {lv:?}, oracle {ov:?}"));
                    }
                }
            }
        }
        // The state every call left behind.
        for (name, p) in pairs {
            match p {
                ExportPair::Memory(lm, om) => {
                    let len = wasm_memory_data_size(*lm);
                    let data = std::slice::from_raw_parts(wasm_memory_data(*lm) as *const u8, len);
                    let odata = om.data(&*ostore);
                    if data != odata {
                        let first = data.iter().zip(odata).position(|(a, b)| a != b);
                        return Err(format!(
                            "memory {name:?}: sizes {} vs {}, first difference at {first:?}",
                            data.len(),
                            odata.len()
                        ));
                    }
                }
                ExportPair::Global(lg, og) => {
                    let ov = og.get(&*ostore);
                    if matches!(ov, wasmi::Val::V128(_)) {
                        continue; // wasm_val_t cannot carry a v128.
                    }
                    let mut v = zero_val(WASM_I32);
                    wasm_global_get(*lg, &mut v);
                    let lv = from_c(&mut v).canonical();
                    let ov = from_wasmi(&ov).canonical();
                    if lv != ov {
                        return Err(format!("global {name:?}: wasmlift {lv:?}, oracle {ov:?}"));
                    }
                }
                ExportPair::Table(lt, ot) => {
                    let size = wasm_table_size(*lt) as u64;
                    let osize = ot.size(&*ostore);
                    if size != osize {
                        return Err(format!("table {name:?}: size {size} vs oracle {osize}"));
                    }
                    for i in 0..size.min(1000) {
                        let r = wasm_table_get(*lt, i as u32);
                        let null = r.is_null();
                        if !null {
                            wasm_ref_delete(r);
                        }
                        let onull = ot.get(&*ostore, i).map(|r| r.is_null());
                        if onull != Some(null) {
                            return Err(format!("table {name:?}[{i}]: null {null} vs oracle {onull:?}"));
                        }
                    }
                }
                ExportPair::Func(..) => continue,
            }
            c.state_items += 1;
        }
        Ok(())
    }
}

/// wasmi's imports for `omodule`: functions returning zeros (or `empty_wasm_func` for those of
/// type [] -> [] when given), zero globals, null-filled tables, fresh memories.
pub fn oracle_imports(
    ostore: &mut wasmi::Store<()>,
    omodule: &wasmi::Module,
    empty_wasm_func: Option<wasmi::Func>,
) -> Result<Vec<wasmi::Extern>, String> {
    let mut oimports = Vec::new();
    for imp in omodule.imports() {
        let ext: wasmi::Extern = match imp.ty() {
            wasmi::ExternType::Func(ft)
                if ft.params().is_empty() && ft.results().is_empty() && empty_wasm_func.is_some() =>
            {
                empty_wasm_func.expect("checked").into()
            }
            wasmi::ExternType::Func(ft) => {
                let results: Vec<wasmi::ValType> = ft.results().to_vec();
                wasmi::Func::new(&mut *ostore, ft.clone(), move |_, _, out| {
                    for (o, t) in out.iter_mut().zip(&results) {
                        *o = wasmi::Val::default_for_ty(*t);
                    }
                    Ok(())
                })
                .into()
            }
            wasmi::ExternType::Global(gt) => {
                wasmi::Global::new(&mut *ostore, wasmi::Val::default_for_ty(gt.content()), gt.mutability()).into()
            }
            wasmi::ExternType::Table(tt) => {
                let init = wasmi::Ref::default_for_ty(tt.element());
                wasmi::Table::new(&mut *ostore, *tt, init).map_err(|e| format!("oracle table import: {e}"))?.into()
            }
            wasmi::ExternType::Memory(mt) => {
                wasmi::Memory::new(&mut *ostore, *mt).map_err(|e| format!("oracle memory import: {e}"))?.into()
            }
        };
        oimports.push(ext);
    }
    Ok(oimports)
}

/// Value-stack cells the poison function writes (far more than a generated function's locals
/// and operands take).
const STACK_POISON_CELLS: u32 = 4096;

/// `(module (func (export "p") (param i64) (local i64 x STACK_POISON_CELLS) (local.set 1
/// (local.get 0)) ...))`: writes its argument into every cell of its frame.
fn poison_module() -> &'static [u8] {
    static MODULE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    MODULE.get_or_init(|| {
        fn leb(mut n: u32, out: &mut Vec<u8>) {
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(b);
                    return;
                }
                out.push(b | 0x80);
            }
        }
        let mut body = vec![0x01]; // one group of locals
        leb(STACK_POISON_CELLS, &mut body);
        body.push(0x7e); // i64
        for i in 1..=STACK_POISON_CELLS {
            body.extend([0x20, 0x00, 0x21]); // local.get 0, local.set i
            leb(i, &mut body);
        }
        body.push(0x0b);
        let mut code = vec![0x01];
        leb(body.len() as u32, &mut code);
        code.extend(body);
        let mut m = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
        m.extend([0x01, 0x05, 0x01, 0x60, 0x01, 0x7e, 0x00]); // type: [i64] -> []
        m.extend([0x03, 0x02, 0x01, 0x00]); // function of type 0
        m.extend([0x07, 0x05, 0x01, 0x01, b'p', 0x00, 0x00]); // export "p"
        m.push(0x0a);
        leb(code.len() as u32, &mut m);
        m.extend(code);
        m
    })
}

/// `(module (func (export "f")))`: the oracle's stand-in for host functions of type [] -> [].
const EMPTY_FUNC_MODULE: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: [] -> []
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x00, // export "f" = function 0
    0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code: no locals, end
];

/// Whether the module declares or imports an i64-indexed memory or table.
fn has_64bit_index(wasm: &[u8]) -> bool {
    use wasmparser::{Parser, Payload, TypeRef};
    Parser::new(0).parse_all(wasm).filter_map(|p| p.ok()).any(|p| match p {
        Payload::MemorySection(r) => r.into_iter().any(|m| m.is_ok_and(|m| m.memory64)),
        Payload::TableSection(r) => r.into_iter().any(|t| t.is_ok_and(|t| t.ty.table64)),
        Payload::ImportSection(r) => r.into_imports().any(|i| {
            i.is_ok_and(|i| match i.ty {
                TypeRef::Memory(m) => m.memory64,
                TypeRef::Table(t) => t.table64,
                _ => false,
            })
        }),
        _ => false,
    })
}

/// FUZZ_DIFF_TRACE_CALLS set: every compared call is printed (name and arguments) before it
/// runs, so that a divergence can be replayed call by call (`compare_script` in the smoke test).
fn trace_calls() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("FUZZ_DIFF_TRACE_CALLS").is_some())
}

thread_local! {
    /// The message of wasmlift's last trap in a call, for divergence reports.
    static LAST_TRAP: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn kind_of(t: &wasmi::ValType) -> wasm_valkind_t {
    match t {
        wasmi::ValType::I32 => WASM_I32,
        wasmi::ValType::I64 => WASM_I64,
        wasmi::ValType::F32 => WASM_F32,
        wasmi::ValType::F64 => WASM_F64,
        wasmi::ValType::V128 => WASM_V128,
        wasmi::ValType::ExternRef => WASM_EXTERNREF,
        wasmi::ValType::FuncRef => WASM_FUNCREF,
    }
}

/// Calls through wasm_func_call, or wasmlift_func_call_v128 when v128 is involved.
unsafe fn call_wasmlift(
    f: *mut wasm_func_t,
    args: &[Value],
    kinds: &[wasm_valkind_t],
    rkinds: &[wasm_valkind_t],
    v128: bool,
) -> Outcome {
    let trap = if v128 {
        let mut slots = vec![wasmlift_v128_slot_t { bytes: [0; 16] }; args.len().max(rkinds.len()).max(1)];
        for (s, a) in slots.iter_mut().zip(args) {
            let bits: u128 = match *a {
                Value::I32(x) | Value::F32(x) => x as u128,
                Value::I64(x) | Value::F64(x) => x as u128,
                Value::V128(x) => x,
                Value::Ref { .. } => 0,
            };
            s.bytes = bits.to_le_bytes();
        }
        let t = wasmlift_func_call_v128(f, slots.as_mut_ptr(), slots.len());
        if t.is_null() {
            let vals = rkinds
                .iter()
                .zip(&slots)
                .map(|(k, s)| {
                    let b = u128::from_le_bytes(s.bytes);
                    match *k {
                        WASM_I32 => Value::I32(b as u32),
                        WASM_I64 => Value::I64(b as u64),
                        WASM_F32 => Value::F32(b as u32),
                        WASM_F64 => Value::F64(b as u64),
                        _ => Value::V128(b),
                    }
                    .canonical()
                })
                .collect();
            return Outcome::Values(vals);
        }
        t
    } else {
        let mut cargs: Vec<wasm_val_t> = args.iter().map(to_c).collect();
        for (a, k) in cargs.iter_mut().zip(kinds) {
            a.kind = *k;
        }
        let mut outs: Vec<wasm_val_t> = rkinds.iter().map(|k| zero_val(*k)).collect();
        let a = wasm_val_vec_t { size: cargs.len(), data: cargs.as_mut_ptr() };
        let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
        let t = wasm_func_call(f, &a, &mut r);
        if t.is_null() {
            return Outcome::Values(outs.iter_mut().map(|v| from_c(v).canonical()).collect());
        }
        t
    };
    let message = trap_message(trap);
    let class = TrapClass::from_wasmlift(&message);
    LAST_TRAP.with(|t| *t.borrow_mut() = message);
    wasm_trap_delete(trap);
    Outcome::Trap(class)
}
