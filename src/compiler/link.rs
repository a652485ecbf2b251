//! Laying compiled functions out in one code blob and resolving their relocations (direct calls
//! between defined functions, calls to the few libcalls Cranelift may emit).

use super::{CompiledFunction, FuncOutput};
use crate::abi::code_memory::{CodeMemory, CodeRegion};
use cranelift_codegen::binemit::Reloc as RelocKind;
use cranelift_codegen::ir::{self, ExternalName, LibCall};
use cranelift_codegen::FinalizedMachReloc;
use cranelift_codegen::FinalizedRelocTarget;

/// What a relocation points at, in terms layout can resolve.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// A function of the module by function index (always a defined one).
    Func(u32),
    /// An offset inside the function containing the relocation.
    Local(u32),
    LibCall(LibCall),
}

#[derive(Clone, Debug)]
pub(crate) struct Reloc {
    pub offset: u32,
    pub kind: RelocKind,
    pub target: Target,
    pub addend: i64,
}

/// User external names the translator uses: namespace 0, index = wasm function index.
pub(crate) const FUNC_NAMESPACE: u32 = 0;

pub(crate) fn collect_relocs(relocs: &[FinalizedMachReloc], func: &ir::Function) -> Result<Vec<Reloc>, String> {
    let mut out = Vec::with_capacity(relocs.len());
    for r in relocs {
        let target = match &r.target {
            FinalizedRelocTarget::Func(off) => Target::Local(*off),
            FinalizedRelocTarget::ExternalName(ExternalName::User(user)) => {
                let name = &func.params.user_named_funcs()[*user];
                if name.namespace != FUNC_NAMESPACE {
                    return Err(format!("unexpected relocation target {name:?}"));
                }
                Target::Func(name.index)
            }
            FinalizedRelocTarget::ExternalName(ExternalName::LibCall(lc)) => Target::LibCall(*lc),
            other => return Err(format!("unsupported relocation target {other:?}")),
        };
        out.push(Reloc { offset: r.offset, kind: r.kind, target, addend: r.addend });
    }
    Ok(out)
}

/// Concatenates `funcs` (defined functions, in order) and `tramps`, resolves relocations and
/// publishes the code. Returns the code, the function descriptors, the trampoline offsets and
/// whether the code is position independent (no absolute addresses patched in).
pub(crate) fn link(
    funcs: Vec<FuncOutput>,
    tramps: Vec<FuncOutput>,
    num_imported_funcs: u32,
    align: u32,
) -> Result<(CodeMemory, Vec<CompiledFunction>, Vec<u32>, bool), String> {
    let align = align as usize;
    let mut bytes: Vec<u8> = Vec::new();
    let mut starts: Vec<usize> = Vec::with_capacity(funcs.len() + tramps.len());
    for out in funcs.iter().chain(tramps.iter()) {
        let start = bytes.len().next_multiple_of(align);
        bytes.resize(start, 0);
        starts.push(start);
        bytes.extend_from_slice(&out.code);
    }
    if u32::try_from(bytes.len()).is_err() {
        return Err("compiled code exceeds 4 GiB".to_string());
    }
    let all: Vec<&FuncOutput> = funcs.iter().chain(tramps.iter()).collect();
    // `patch` cannot fail, so every relocation is checked to be one we can apply first.
    for out in &all {
        check_relocs(&out.relocs, true)?;
    }
    let position_independent = all.iter().all(|o| {
        o.relocs
            .iter()
            .all(|r| !matches!(r.kind, RelocKind::Abs8 | RelocKind::Abs4) && !matches!(r.target, Target::LibCall(_)))
    });
    let num_funcs = funcs.len();
    let code = CodeMemory::new(&bytes, |buf, base| {
        for (i, out) in all.iter().enumerate() {
            for r in &out.relocs {
                let site = starts[i] + r.offset as usize;
                let target = match &r.target {
                    Target::Func(f) => {
                        let defined = (*f - num_imported_funcs) as usize;
                        assert!(defined < num_funcs, "call relocation to a non-defined function");
                        base + starts[defined]
                    }
                    Target::Local(off) => base + starts[i] + *off as usize,
                    Target::LibCall(lc) => libcall_address(*lc).expect("libcall checked before linking"),
                };
                apply_reloc(buf, site, base + site, r.kind, (target as i64).wrapping_add(r.addend));
            }
        }
    });
    let code = code?;
    let descriptors = funcs
        .into_iter()
        .zip(starts.iter())
        .map(|(out, &start)| CompiledFunction {
            offset: start as u32,
            len: out.code.len() as u32,
            traps: out.traps,
            address_map: out.address_map,
            handlers: out.handlers,
            inlined: out.inlined,
            stack_maps: out.stack_maps,
        })
        .collect();
    let tramp_offsets = starts[num_funcs..].iter().map(|&s| s as u32).collect();
    Ok((code, descriptors, tramp_offsets, position_independent))
}

/// Places one function compiled for a lazily compiled module in `region`: its calls to defined
/// functions go to their entries in the region (relative calls: the region spans under 2 GiB).
pub(crate) fn link_into_region(
    out: FuncOutput,
    region: &CodeRegion,
    num_imported_funcs: u32,
) -> Result<(CodeMemory, CompiledFunction), String> {
    // Relative calls only reach entries from the region itself: no AArch64 calls here (lazy
    // compilation is x86-64 only).
    check_relocs(&out.relocs, false)?;
    let code = region.publish(&out.code, |buf, base| {
        for r in &out.relocs {
            let site = r.offset as usize;
            let target = match &r.target {
                Target::Func(f) => region.entry((*f - num_imported_funcs) as usize),
                Target::Local(off) => base + *off as usize,
                Target::LibCall(lc) => libcall_address(*lc).expect("libcall checked before linking"),
            };
            apply_reloc(buf, site, base + site, r.kind, (target as i64).wrapping_add(r.addend));
        }
    })?;
    let function = CompiledFunction {
        offset: 0,
        len: out.code.len() as u32,
        traps: out.traps,
        address_map: out.address_map,
        handlers: out.handlers,
        inlined: out.inlined,
        stack_maps: out.stack_maps,
    };
    Ok((code, function))
}

/// Refuses relocations `apply_reloc` cannot write (checked before any code is published, since
/// patching cannot fail).
fn check_relocs(relocs: &[Reloc], arm64_calls: bool) -> Result<(), String> {
    for r in relocs {
        if let Target::LibCall(lc) = r.target {
            if libcall_address(lc).is_none() {
                return Err(format!("unsupported libcall {lc}"));
            }
        }
        let supported = matches!(
            r.kind,
            RelocKind::Abs8
                | RelocKind::Abs4
                | RelocKind::X86PCRel4
                | RelocKind::X86CallPCRel4
                | RelocKind::X86CallPLTRel4
        ) || (arm64_calls && r.kind == RelocKind::Arm64Call);
        if !supported {
            return Err(format!("unsupported relocation kind {:?}", r.kind));
        }
    }
    Ok(())
}

/// Writes one relocation. `value` is the target address plus addend; `pc` is the address of the
/// patched field.
fn apply_reloc(buf: &mut [u8], site: usize, pc: usize, kind: RelocKind, value: i64) {
    match kind {
        RelocKind::Abs8 => buf[site..site + 8].copy_from_slice(&value.to_le_bytes()),
        RelocKind::Abs4 => buf[site..site + 4].copy_from_slice(&(value as u32).to_le_bytes()),
        RelocKind::X86PCRel4 | RelocKind::X86CallPCRel4 | RelocKind::X86CallPLTRel4 => {
            let delta = value.wrapping_sub(pc as i64);
            let delta = i32::try_from(delta).expect("call displacement out of range");
            buf[site..site + 4].copy_from_slice(&delta.to_le_bytes());
        }
        RelocKind::Arm64Call => {
            let delta = value.wrapping_sub(pc as i64);
            assert!(delta % 4 == 0 && (-(1 << 27)..(1 << 27)).contains(&delta), "call displacement out of range");
            let mut insn = u32::from_le_bytes(buf[site..site + 4].try_into().unwrap());
            insn = (insn & 0xfc00_0000) | (((delta >> 2) as u32) & 0x03ff_ffff);
            buf[site..site + 4].copy_from_slice(&insn.to_le_bytes());
        }
        // Rejected before the code is published.
        _ => {}
    }
}

/// Rust implementations of the libcalls Cranelift may emit when the CPU lacks an instruction
/// (e.g. `roundss` without SSE4.1).
fn libcall_address(lc: LibCall) -> Option<usize> {
    extern "C" fn ceil_f32(x: f32) -> f32 {
        x.ceil()
    }
    extern "C" fn ceil_f64(x: f64) -> f64 {
        x.ceil()
    }
    extern "C" fn floor_f32(x: f32) -> f32 {
        x.floor()
    }
    extern "C" fn floor_f64(x: f64) -> f64 {
        x.floor()
    }
    extern "C" fn trunc_f32(x: f32) -> f32 {
        x.trunc()
    }
    extern "C" fn trunc_f64(x: f64) -> f64 {
        x.trunc()
    }
    extern "C" fn nearest_f32(x: f32) -> f32 {
        x.round_ties_even()
    }
    extern "C" fn nearest_f64(x: f64) -> f64 {
        x.round_ties_even()
    }
    extern "C" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    extern "C" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
    Some(match lc {
        LibCall::CeilF32 => ceil_f32 as *const () as usize,
        LibCall::CeilF64 => ceil_f64 as *const () as usize,
        LibCall::FloorF32 => floor_f32 as *const () as usize,
        LibCall::FloorF64 => floor_f64 as *const () as usize,
        LibCall::TruncF32 => trunc_f32 as *const () as usize,
        LibCall::TruncF64 => trunc_f64 as *const () as usize,
        LibCall::NearestF32 => nearest_f32 as *const () as usize,
        LibCall::NearestF64 => nearest_f64 as *const () as usize,
        LibCall::FmaF32 => fma_f32 as *const () as usize,
        LibCall::FmaF64 => fma_f64 as *const () as usize,
        _ => return None,
    })
}
