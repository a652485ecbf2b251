//! Serialized modules: the compiled machine code plus what instantiation needs, so loading does
//! not compile again.
//!
//! Layout: magic, format version, engine fingerprint (version, target triple + ISA flags the
//! code was compiled for, code-generation settings), the payload (original binary, code bytes,
//! per-function metadata, entry trampolines), and last a 32-byte keyed BLAKE3 MAC over
//! everything before it.
//!
//! Trust model: a serialized module is native code, so it is accepted only if it carries a MAC
//! made with this engine's key — a random key per engine by default, or the key the embedder
//! set with `wasmlift_config_serialize_key` (to share an on-disk cache between processes). The
//! MAC is checked first, in constant time, before any other field is believed and long before
//! any byte is mapped executable; the messages never reveal the engine's fingerprint or key.

use super::engine::Engine;
use super::module::{CompiledModule, Module};
use crate::abi::code_memory::CodeMemory;
use crate::abi::compiled::{
    CompiledCode, CompiledFunction, ExceptionHandler, InlineFrame, StackMapSite, TrapSite, INLINED_LOC,
};
use crate::abi::traps::TrapKind;
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"WLIFTMOD";
const FORMAT_VERSION: u32 = 3;

/// The engine's identity as recorded in a serialized module: version, target and ISA flags.
fn engine_fingerprint(engine: &Engine) -> String {
    format!(
        "wasmlift {} build {} | {} | bounds={} | epoch={} | fuel={} | inline={} | {:?}",
        env!("CARGO_PKG_VERSION"),
        // Another build (even of the same version) may compile differently or lay the
        // runtime's structures out differently: its code must not load here.
        env!("WASMLIFT_BUILD_ID"),
        engine.0.compiler.target_fingerprint(),
        engine.0.tunables.explicit_bounds_checks,
        engine.0.tunables.epoch_interruption,
        engine.0.tunables.consume_fuel,
        engine.0.tunables.inlining,
        engine.config().features
    )
}

/// Length of the MAC at the end of a serialized module.
const MAC_LEN: usize = 32;

fn mac(engine: &Engine, data: &[u8]) -> blake3::Hash {
    blake3::keyed_hash(&engine.0.serialize_key, data)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len()).ok_or("serialized module is truncated")?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.u64()?;
        let n = usize::try_from(n).map_err(|_| "serialized module is corrupt")?;
        self.take(n)
    }
    /// A count of items of at least `min_item_size` bytes each, checked against what remains so
    /// that corrupt input cannot request huge allocations.
    fn count(&mut self, min_item_size: usize) -> Result<usize, String> {
        let n = self.u64()? as usize;
        if n.saturating_mul(min_item_size) > self.data.len() - self.pos {
            return Err("serialized module is corrupt (bad count)".into());
        }
        Ok(n)
    }
}

const TRAP_KINDS: [TrapKind; 22] = [
    TrapKind::Unreachable,
    TrapKind::MemoryOutOfBounds,
    TrapKind::TableOutOfBounds,
    TrapKind::UndefinedElement,
    TrapKind::UninitializedElement,
    TrapKind::IndirectCallTypeMismatch,
    TrapKind::NullReference,
    TrapKind::IntegerDivisionByZero,
    TrapKind::IntegerOverflow,
    TrapKind::BadConversionToInteger,
    TrapKind::StackOverflow,
    TrapKind::HostTrap,
    TrapKind::Interrupted,
    TrapKind::OutOfFuel,
    TrapKind::NullReferenceAsNonNull,
    TrapKind::NullExceptionReference,
    TrapKind::NullStructReference,
    TrapKind::NullArrayReference,
    TrapKind::NullI31Reference,
    TrapKind::ArrayOutOfBounds,
    TrapKind::CastFailure,
    TrapKind::AllocationFailed,
];

pub fn serialize(module: &Module) -> Result<Vec<u8>, String> {
    // A lazily compiled module is serialized as the eager compiler would have compiled it (a
    // deserialized module needs no compiler).
    let eager;
    let code = if module.lazy.is_some() {
        let engine = &module.engine.0;
        eager = engine.compiler.compile_module(&module.info, &engine.tunables, engine.config.compile_threads)?;
        &eager
    } else {
        &*module.code
    };
    if !code.position_independent {
        return Err("this module's code calls runtime routines at fixed addresses (a CPU without SSE4.1) and cannot be serialized".into());
    }
    let mut p = Writer(Vec::new());
    p.bytes(&module.info.bytes);
    let text = code.code.bytes();
    p.bytes(text);
    p.u64(code.functions.len() as u64);
    for f in &code.functions {
        p.u32(f.offset);
        p.u32(f.len);
        p.u64(f.traps.len() as u64);
        for t in &f.traps {
            p.u32(t.offset);
            p.u32(TRAP_KINDS.iter().position(|k| *k == t.kind).unwrap() as u32);
        }
        p.u64(f.address_map.len() as u64);
        for (a, b) in &f.address_map {
            p.u32(*a);
            p.u32(*b);
        }
        p.u64(f.handlers.len() as u64);
        for h in &f.handlers {
            p.u32(h.ret_offset);
            p.u32(h.handler_offset);
            p.u32(h.frame_offset);
        }
        p.u64(f.inlined.len() as u64);
        for i in &f.inlined {
            p.u32(i.func_index);
            p.u32(i.module_offset);
            p.u32(i.func_offset);
            p.u32(i.outer);
        }
        p.u64(f.stack_maps.len() as u64);
        for m in &f.stack_maps {
            p.u32(m.ret_offset);
            p.u32(m.frame_size);
            p.u64(m.slots.len() as u64);
            for s in m.slots.iter() {
                p.u32(*s);
            }
        }
    }
    p.u64(code.entry_trampolines.len() as u64);
    for t in &code.entry_trampolines {
        p.u32(*t);
    }
    let payload = p.0;
    let mut out = Writer(Vec::with_capacity(payload.len() + 256));
    out.0.extend_from_slice(MAGIC);
    out.u32(FORMAT_VERSION);
    out.bytes(engine_fingerprint(&module.engine).as_bytes());
    out.bytes(&payload);
    let tag = mac(&module.engine, &out.0);
    out.0.extend_from_slice(tag.as_bytes());
    Ok(out.0)
}

pub fn deserialize(engine: &Engine, data: &[u8]) -> Result<Module, String> {
    if data.len() < MAGIC.len() + 4 + MAC_LEN || &data[..MAGIC.len()] != MAGIC {
        return Err("not a serialized wasmlift module (bad magic)".into());
    }
    let (signed, tag) = data.split_at(data.len() - MAC_LEN);
    // blake3::Hash compares in constant time.
    if mac(engine, signed) != blake3::Hash::from_bytes(tag.try_into().expect("MAC_LEN bytes")) {
        return Err("serialized module rejected: it was not serialized by this engine (or one sharing its serialization key), or it was modified".into());
    }
    let mut r = Reader { data: signed, pos: MAGIC.len() };
    let version = r.u32()?;
    if version != FORMAT_VERSION {
        return Err(format!("serialized module has format version {version}, this engine reads {FORMAT_VERSION}"));
    }
    let fingerprint = r.bytes()?;
    if fingerprint != engine_fingerprint(engine).as_bytes() {
        return Err("serialized module was compiled for another wasmlift version, CPU or engine configuration".into());
    }
    let payload = r.bytes()?;
    if r.pos != signed.len() {
        return Err("serialized module has trailing bytes".into());
    }
    let mut p = Reader { data: payload, pos: 0 };
    let wasm = p.bytes()?.to_vec();
    let text = p.bytes()?;
    let nfuncs = p.count(16)?;
    let mut functions = Vec::with_capacity(nfuncs);
    for _ in 0..nfuncs {
        let offset = p.u32()?;
        let len = p.u32()?;
        let ntraps = p.count(8)?;
        let mut traps = Vec::with_capacity(ntraps);
        for _ in 0..ntraps {
            let offset = p.u32()?;
            let kind = *TRAP_KINDS.get(p.u32()? as usize).ok_or("serialized module is corrupt (trap kind)")?;
            traps.push(TrapSite { offset, kind });
        }
        let nmap = p.count(8)?;
        let mut address_map = Vec::with_capacity(nmap);
        for _ in 0..nmap {
            address_map.push((p.u32()?, p.u32()?));
        }
        let nhandlers = p.count(12)?;
        let mut handlers = Vec::with_capacity(nhandlers);
        for _ in 0..nhandlers {
            let h = ExceptionHandler { ret_offset: p.u32()?, handler_offset: p.u32()?, frame_offset: p.u32()? };
            // The MAC already vouches for the data; still, never resume outside the function.
            if h.ret_offset > len || h.handler_offset >= len {
                return Err("serialized module is corrupt (exception handler)".into());
            }
            handlers.push(h);
        }
        let ninlined = p.count(16)?;
        let mut inlined = Vec::with_capacity(ninlined);
        for _ in 0..ninlined {
            let frame =
                InlineFrame { func_index: p.u32()?, module_offset: p.u32()?, func_offset: p.u32()?, outer: p.u32()? };
            // Chains only point at earlier entries (the frame walk relies on it to end).
            if frame.outer & INLINED_LOC != 0 && (frame.outer & !INLINED_LOC) as usize >= inlined.len() {
                return Err("serialized module is corrupt (inline frame)".into());
            }
            inlined.push(frame);
        }
        if address_map.iter().any(|&(_, loc)| loc & INLINED_LOC != 0 && (loc & !INLINED_LOC) as usize >= inlined.len())
        {
            return Err("serialized module is corrupt (address map)".into());
        }
        let nmaps = p.count(16)?;
        let mut stack_maps = Vec::with_capacity(nmaps);
        for _ in 0..nmaps {
            let ret_offset = p.u32()?;
            let frame_size = p.u32()?;
            let nslots = p.count(4)?;
            let mut slots = Vec::with_capacity(nslots);
            for _ in 0..nslots {
                let s = p.u32()?;
                // The MAC already vouches for the data; still, never read outside the frame.
                if s.checked_add(8).is_none_or(|end| end > frame_size) {
                    return Err("serialized module is corrupt (stack map)".into());
                }
                slots.push(s);
            }
            if ret_offset > len {
                return Err("serialized module is corrupt (stack map)".into());
            }
            stack_maps.push(StackMapSite { ret_offset, frame_size, slots: slots.into() });
        }
        if (offset as usize).checked_add(len as usize).is_none_or(|e| e > text.len()) {
            return Err("serialized module is corrupt (function range)".into());
        }
        functions.push(CompiledFunction { offset, len, traps, address_map, handlers, inlined, stack_maps });
    }
    let ntramp = p.count(4)?;
    let mut entry_trampolines = Vec::with_capacity(ntramp);
    for _ in 0..ntramp {
        let t = p.u32()?;
        if t as usize >= text.len() {
            return Err("serialized module is corrupt (trampoline offset)".into());
        }
        entry_trampolines.push(t);
    }
    let info = crate::decode::decode_trusted(wasm, engine.config().features)?;
    if functions.len() != info.num_defined_funcs() || entry_trampolines.len() != info.types.len() {
        return Err("serialized module is corrupt (metadata does not match the module)".into());
    }
    let code_memory = CodeMemory::new(text, |_, _| {})?;
    let code = CompiledCode { code: Arc::new(code_memory), functions, entry_trampolines, position_independent: true };
    CompiledModule::from_parts(engine, info, code, None)
}
