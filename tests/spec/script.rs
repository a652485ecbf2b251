//! Runs the directives of one `.wast` script against the engine through wasm.h, reporting one
//! outcome per directive (modules, registrations, invocations and every kind of assertion).

use super::api::{self, Extern, Instance, Module, Store};
use super::values::{self, Got, Hosts};
use std::collections::HashMap;
use std::rc::Rc;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// The result of one directive.
pub struct Outcome {
    pub line: usize,
    pub what: &'static str,
    pub result: Result<(), String>,
}

/// Parses `text` and runs every directive, calling `report` after each one. A script that does
/// not parse is reported as one failure at its error's line.
/// `proposals` selects WebAssembly 3.0 with every proposal on, else exactly 2.0: the 2.0
/// directories require e.g. modules with several memories to be rejected, while the proposal
/// directories assume the 3.0 baseline.
pub fn run(text: &str, compile_threads: usize, proposals: bool, report: &mut dyn FnMut(Outcome)) {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => return report(parse_failure(e, text)),
    };
    let script = match wast::parser::parse::<Wast>(&buf) {
        Ok(s) => s,
        Err(e) => return report(parse_failure(e, text)),
    };
    let mut runner = Runner::new(compile_threads, proposals);
    for directive in script.directives {
        let line = directive.span().linecol_in(text).0 + 1;
        let what = name_of(&directive);
        let result = runner.directive(directive);
        // A note refines the kind for statistics (e.g. who rejected an invalid module).
        let what = runner.note.take().unwrap_or(what);
        report(Outcome { line, what, result });
    }
}

fn parse_failure(mut e: wast::Error, text: &str) -> Outcome {
    let line = e.span().linecol_in(text).0 + 1;
    e.set_text(text);
    Outcome { line, what: "parse", result: Err(format!("the wast crate cannot parse this script: {e}")) }
}

fn name_of(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// What a call produced.
enum CallResult {
    Values(Vec<Got>, api::Results),
    Trap(String),
}

struct Runner {
    hosts: Hosts,
    /// Set by a directive to report a more specific kind than its name.
    note: Option<&'static str>,
    /// The most recent instance (target of unnamed invokes/registers).
    current: Option<Rc<Instance>>,
    instances: HashMap<String, Rc<Instance>>,
    /// Modules from `module definition` (and every module), by name.
    modules: HashMap<String, Module>,
    last_definition: Option<Module>,
    /// Exports available to imports, by registered module name (`spectest` included).
    registered: HashMap<String, Vec<(String, Extern)>>,
    // Declared last so that every handle above is deleted before the store.
    store: Store,
}

impl Runner {
    fn new(compile_threads: usize, proposals: bool) -> Runner {
        let store = Store::new(compile_threads, proposals);
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), api::spectest(&store));
        Runner {
            hosts: Hosts::default(),
            note: None,
            current: None,
            instances: HashMap::new(),
            modules: HashMap::new(),
            last_definition: None,
            registered,
            store,
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), String> {
        match d {
            WastDirective::Module(mut wat) => {
                let name = wat.name().map(|id| id.name().to_string());
                // Until this module is instantiated, unnamed invokes have no target: a module
                // that fails must not leave the previous one to answer for it.
                self.current = None;
                if let Some(n) = &name {
                    self.instances.remove(n);
                    self.modules.remove(n);
                }
                let module = self.compile(&mut wat)?;
                let instance = Rc::new(self.instantiate(&module).map_err(|e| format!("instantiation failed: {e}"))?);
                if let Some(name) = name {
                    self.instances.insert(name.clone(), instance.clone());
                    self.modules.insert(name, module);
                }
                self.current = Some(instance);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut wat) => {
                let name = wat.name().map(|id| id.name().to_string());
                self.last_definition = None;
                if let Some(n) = &name {
                    self.modules.remove(n);
                }
                let module = self.compile(&mut wat)?;
                if let Some(name) = name {
                    self.modules.insert(name, module.clone());
                }
                self.last_definition = Some(module);
                Ok(())
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                self.current = None;
                if let Some(id) = instance {
                    self.instances.remove(id.name());
                }
                let m = match module {
                    Some(id) => {
                        self.modules.get(id.name()).cloned().ok_or_else(|| format!("no module named ${}", id.name()))?
                    }
                    None => self.last_definition.clone().ok_or("no module definition to instantiate")?,
                };
                let inst = Rc::new(self.instantiate(&m).map_err(|e| format!("instantiation failed: {e}"))?);
                if let Some(id) = instance {
                    self.instances.insert(id.name().to_string(), inst.clone());
                }
                self.current = Some(inst);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                let exports = inst.exports.iter().map(|(n, e)| (n.clone(), e.clone())).collect();
                self.registered.insert(name.to_string(), exports);
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                CallResult::Values(..) => Ok(()),
                CallResult::Trap(m) => Err(format!("unexpected trap: {m}")),
            },
            WastDirective::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            WastDirective::AssertTrap { exec, message, .. } => match exec {
                WastExecute::Invoke(invoke) => self.expect_trap(&invoke, message),
                WastExecute::Wat(wat) => {
                    let module = self.compile(&mut QuoteWat::Wat(wat))?;
                    match self.instantiate(&module) {
                        Ok(_) => Err(format!("expected instantiation to trap with \"{message}\", it succeeded")),
                        Err(e) if trap_matches(&e, message) => Ok(()),
                        Err(e) => Err(format!("expected instantiation to trap with \"{message}\", got \"{e}\"")),
                    }
                }
                WastExecute::Get { .. } => Err("assert_trap on a global read is not meaningful".into()),
            },
            WastDirective::AssertExhaustion { call, message, .. } => self.expect_trap(&call, message),
            WastDirective::AssertException { exec, .. } => {
                let WastExecute::Invoke(invoke) = exec else {
                    return Err("assert_exception is only meaningful on an invocation".into());
                };
                match self.invoke(&invoke)? {
                    CallResult::Trap(m) if m.starts_with(api::EXCEPTION_MARK) => Ok(()),
                    CallResult::Trap(m) => Err(format!("expected an uncaught exception, got trap \"{m}\"")),
                    CallResult::Values(..) => Err("expected an uncaught exception, the call returned".into()),
                }
            }
            WastDirective::AssertInvalid { mut module, message, .. } => {
                self.expect_rejected(&mut module, message, "invalid")
            }
            WastDirective::AssertMalformed { mut module, message, .. } => {
                self.expect_rejected(&mut module, message, "malformed")
            }
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let module = self.compile(&mut QuoteWat::Wat(module))?;
                match self.instantiate(&module) {
                    Ok(_) => Err(format!("expected a link error \"{message}\", instantiation succeeded")),
                    Err(e) if e.contains(message) => Ok(()),
                    Err(e) => Err(format!("expected a link error \"{message}\", got \"{e}\"")),
                }
            }
            other => Err(format!("unsupported directive {}", name_of(&other))),
        }
    }

    /// Encodes a module (text, quoted text or binary) and compiles it with `wasm_module_new`.
    fn compile(&mut self, wat: &mut QuoteWat<'_>) -> Result<Module, String> {
        if let QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_)) = wat {
            return Err("components are not supported".into());
        }
        let binary = wat.encode().map_err(|e| format!("the wast crate cannot encode this module: {e}"))?;
        Module::new(&self.store, &binary).map_err(|e| format!("wasm_module_new failed: {e}"))
    }

    /// Resolves imports against registered modules by name and instantiates.
    fn instantiate(&mut self, module: &Module) -> Result<Instance, String> {
        let imports: Vec<Option<Extern>> = module
            .imports()
            .iter()
            .map(|(m, n, _)| {
                self.registered.get(m).and_then(|exports| exports.iter().find(|(e, _)| e == n)).map(|(_, e)| e.clone())
            })
            .collect();
        Instance::new(&self.store, module, &imports).map_err(|e| e.message)
    }

    fn instance(&self, name: Option<&str>) -> Result<Rc<Instance>, String> {
        match name {
            Some(n) => self.instances.get(n).cloned().ok_or_else(|| format!("no instance named ${n}")),
            None => self.current.clone().ok_or_else(|| "no current instance".to_string()),
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<CallResult, String> {
        let inst = self.instance(invoke.module.map(|m| m.name()))?;
        let export = inst.export(invoke.name).ok_or_else(|| format!("no export \"{}\"", invoke.name))?;
        let func = export.as_func().ok_or_else(|| format!("export \"{}\" is not a function", invoke.name))?;
        let (params, results) = api::func_kinds(func);
        if params.len() != invoke.args.len() {
            return Err(format!(
                "\"{}\" takes {} arguments, the script passes {}",
                invoke.name,
                params.len(),
                invoke.args.len()
            ));
        }
        let uses_v128 = params.iter().chain(results.iter()).any(|k| *k == api::WASM_V128);
        if uses_v128 {
            let args = invoke.args.iter().map(values::to_slot).collect::<Result<Vec<_>, _>>()?;
            return Ok(match api::call_v128(func, &args, results.len()) {
                Ok(slots) => {
                    let got = results.iter().zip(&slots).map(|(k, s)| Got::from_slot(*k, s)).collect();
                    CallResult::Values(got, api::Results(Vec::new()))
                }
                Err(m) => CallResult::Trap(m),
            });
        }
        let mut args = Vec::with_capacity(params.len());
        for (a, k) in invoke.args.iter().zip(&params) {
            args.push(values::to_val(a, *k, &self.store, &mut self.hosts)?);
        }
        Ok(match api::call(func, &args, results.len()) {
            Ok(vals) => CallResult::Values(vals.0.iter().map(Got::from_val).collect(), vals),
            Err(m) => CallResult::Trap(m),
        })
    }

    fn expect_trap(&mut self, invoke: &WastInvoke<'_>, message: &str) -> Result<(), String> {
        match self.invoke(invoke)? {
            CallResult::Trap(m) if trap_matches(&m, message) => Ok(()),
            CallResult::Trap(m) => Err(format!("expected trap \"{message}\", got trap \"{m}\"")),
            CallResult::Values(got, _keep) => {
                let got: Vec<String> = got.iter().map(|g| g.describe(&self.hosts)).collect();
                Err(format!("expected trap \"{message}\", returned [{}]", got.join(", ")))
            }
        }
    }

    fn assert_return(&mut self, exec: WastExecute<'_>, expected: &[WastRet<'_>]) -> Result<(), String> {
        let outcome = match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke)?,
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                let export = inst.export(global).ok_or_else(|| format!("no export \"{global}\""))?;
                let g = export.as_global().ok_or_else(|| format!("export \"{global}\" is not a global"))?;
                if api::global_kind(g) == api::WASM_V128 {
                    return Err("reading a v128 global is not possible through wasm.h".into());
                }
                let vals = api::global_get(g);
                CallResult::Values(vals.0.iter().map(Got::from_val).collect(), vals)
            }
            WastExecute::Wat(wat) => {
                let module = self.compile(&mut QuoteWat::Wat(wat))?;
                self.instantiate(&module).map_err(|e| format!("instantiation failed: {e}"))?;
                CallResult::Values(Vec::new(), api::Results(Vec::new()))
            }
        };
        let (got, _keep) = match outcome {
            CallResult::Values(got, keep) => (got, keep),
            CallResult::Trap(m) => return Err(format!("unexpected trap: {m}")),
        };
        if got.len() != expected.len() {
            return Err(format!("expected {} results, got {}", expected.len(), got.len()));
        }
        let mut errors = Vec::new();
        for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
            if let Err(m) = values::check(e, g, &self.store, &mut self.hosts) {
                errors.push(if expected.len() > 1 { format!("result {i}: {m}") } else { m });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// assert_invalid / assert_malformed: the module must not compile. Text the wast crate
    /// itself refuses counts as rejected (the text format check happens before the engine).
    fn expect_rejected(&mut self, module: &mut QuoteWat<'_>, message: &str, what: &str) -> Result<(), String> {
        let binary = match module.encode() {
            Ok(b) => b,
            Err(_) => {
                self.note = Some(if what == "invalid" {
                    "assert_invalid (text rejected by wast)"
                } else {
                    "assert_malformed (text rejected by wast)"
                });
                return Ok(());
            }
        };
        match Module::new(&self.store, &binary) {
            Ok(_) => Err(format!(
                "expected the module to be rejected as {what} (\"{message}\"), wasm_module_new accepted it"
            )),
            // Rejected, but only because the engine lacks a feature: counted, and labelled so.
            Err(e)
                if e.contains("unsupported")
                    || e.contains("proposal not enabled")
                    || e.contains("required for")
                    || e.contains("require the") =>
            {
                self.note = Some(if what == "invalid" {
                    "assert_invalid (rejected as unsupported)"
                } else {
                    "assert_malformed (rejected as unsupported)"
                });
                Ok(())
            }
            Err(_) => Ok(()),
        }
    }
}

/// Whether a trap message satisfies the script's expectation: it must contain the expected text.
/// One allowance: the reference interpreter appends the table index to "uninitialized element"
/// / "undefined element" (e.g. "uninitialized element 7"); the kind of trap is what must match.
pub fn trap_matches(actual: &str, expected: &str) -> bool {
    if actual.contains(expected) {
        return true;
    }
    match expected.rsplit_once(' ') {
        Some((kind @ ("uninitialized element" | "undefined element"), index))
            if !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) =>
        {
            actual.contains(kind)
        }
        _ => false,
    }
}
