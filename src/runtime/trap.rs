//! Trap objects: a message and the wasm frames (innermost first) where the trap happened.

use super::code_registry;
use super::exception::ExnObject;
use super::host_info::HostInfo;
use super::instance::WasmInstance;
use super::signals::RawTrap;
use std::sync::{Arc, OnceLock};

#[derive(Clone)]
pub struct Frame {
    pub func_index: u32,
    pub func_offset: usize,
    pub module_offset: usize,
    pub instance: Option<Arc<WasmInstance>>,
}

pub struct TrapRecord {
    pub message: String,
    frames: OnceLock<Vec<Frame>>,
    pub host_info: HostInfo,
    /// The wasm exception this trap carries: uncaught in the activation it ended, it is thrown
    /// on into calling wasm code when a host callback returns this trap.
    pub exception: Option<Arc<ExnObject>>,
}

pub type Trap = Arc<TrapRecord>;

impl TrapRecord {
    pub fn new(message: impl Into<String>) -> Trap {
        Arc::new(TrapRecord {
            message: message.into(),
            frames: OnceLock::new(),
            host_info: HostInfo::default(),
            exception: None,
        })
    }

    /// A trap carrying the wasm exception `exception`.
    pub fn with_exception(message: impl Into<String>, exception: Arc<ExnObject>) -> Trap {
        Arc::new(TrapRecord {
            message: message.into(),
            frames: OnceLock::new(),
            host_info: HostInfo::default(),
            exception: Some(exception),
        })
    }

    pub fn with_frames(message: impl Into<String>, frames: Vec<Frame>) -> Trap {
        let t = TrapRecord::new(message);
        let _ = t.frames.set(frames);
        t
    }

    pub fn frames(&self) -> &[Frame] {
        self.frames.get().map(|f| &f[..]).unwrap_or(&[])
    }

    /// Attaches frames to a trap that has none yet (a host trap learns where it was raised).
    pub fn set_frames_if_unset(&self, frames: Vec<Frame>) {
        let _ = self.frames.set(frames);
    }
}

/// Turns recorded PCs into frames. `instance` is the instance the entry called into; frames in
/// the same module's code are attributed to it (code is shared between instances, so a PC alone
/// does not name one).
pub fn frames_from_pcs(raw: &RawTrap, instance: Option<&Arc<WasmInstance>>) -> Vec<Frame> {
    let entry_base = instance.map(|i| i.module.code.code.base() as usize);
    raw.pcs
        .iter()
        .enumerate()
        .flat_map(|(i, pc)| code_registry::frame_info(*pc, i > 0 || raw.kind == crate::abi::traps::TrapKind::HostTrap))
        .map(|info| {
            let inst = if Some(info.module_key) == entry_base { instance.cloned() } else { None };
            Frame {
                func_index: info.func_index,
                func_offset: info.func_offset,
                module_offset: info.module_offset,
                instance: inst,
            }
        })
        .collect()
}
