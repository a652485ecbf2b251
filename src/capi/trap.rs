//! Traps and frames: `wasm_trap_new/message/origin/trace` and `wasm_frame_*`.
#![allow(non_camel_case_types)]

use crate::capi::r#ref::{wasm_instance_t, wasm_ref_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::vec::{wasm_byte_vec_t, wasm_message_t, BoxedElem, CVec};
use crate::capi::vecs::wasm_frame_vec_t;
use crate::runtime::object::Object;
use crate::runtime::store::StoreHandle;
use crate::runtime::trap::{Frame, Trap, TrapRecord};

#[derive(Clone)]
pub struct wasm_frame_t {
    frame: Frame,
    store: StoreHandle,
    /// Lazily created handle returned by `wasm_frame_instance` (owned by the frame).
    instance: std::cell::OnceCell<Option<Box<wasm_ref_t>>>,
}

impl BoxedElem for wasm_frame_t {}

impl wasm_trap_t {
    pub(crate) fn new_boxed(trap: Trap, store: &StoreHandle) -> *mut wasm_trap_t {
        wasm_ref_t::boxed(Object::Trap(trap), store.clone()) as *mut wasm_trap_t
    }
    pub(crate) fn trap(&self) -> &Trap {
        match &self.r.obj {
            Object::Trap(t) => t,
            _ => unreachable!("a wasm_trap_t always holds a trap"),
        }
    }
}

/// Creates a trap; the message may or may not include its terminating NUL.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(store: *mut wasm_store_t, message: *const wasm_message_t) -> *mut wasm_trap_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    let Some(store) = (unsafe { store.as_ref() }) else { return std::ptr::null_mut() };
    // SAFETY: `message` is NULL or a valid byte vector (C API contract, rule 3), unchanged
    // during this call.
    let bytes = unsafe { message.as_ref().map(|m| m.bytes()) }.unwrap_or(&[]);
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes).into_owned();
    wasm_trap_t::new_boxed(TrapRecord::new(text), &store.store)
}

/// The message, NUL-terminated (the NUL is counted in `out->size`).
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: *const wasm_trap_t, out: *mut wasm_message_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `trap` is NULL or a live `wasm_trap_t` (C API contract, rule 1).
    let message = match unsafe { trap.as_ref() } {
        Some(trap) => {
            let mut bytes = trap.trap().message.as_bytes().to_vec();
            bytes.push(0);
            wasm_byte_vec_t::from_bytes(&bytes)
        }
        None => wasm_byte_vec_t::empty(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one byte vector (C API contract, rule 2).
    unsafe { out.write(message) };
}

fn frame_box(frame: &Frame, store: &StoreHandle) -> *mut wasm_frame_t {
    Box::into_raw(Box::new(wasm_frame_t { frame: frame.clone(), store: store.clone(), instance: Default::default() }))
}

/// The innermost wasm frame, or NULL when the trap has none.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: *const wasm_trap_t) -> *mut wasm_frame_t {
    // SAFETY: `trap` is NULL or a live `wasm_trap_t` (C API contract, rule 1).
    match unsafe { trap.as_ref() }.and_then(|t| t.trap().frames().first().map(|f| (f, &t.r.store))) {
        Some((f, store)) => frame_box(f, store),
        None => std::ptr::null_mut(),
    }
}

/// Every wasm frame, innermost first.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `trap` is NULL or a live `wasm_trap_t` (C API contract, rule 1).
    let frames = match unsafe { trap.as_ref() } {
        Some(t) => t.trap().frames().iter().map(|f| frame_box(f, &t.r.store)).collect(),
        None => Vec::new(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one vector (C API contract, rule 2).
    unsafe { out.write(wasm_frame_vec_t::from_vec(frames)) };
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(frame: *mut wasm_frame_t) {
    // SAFETY: `frame` is NULL or a frame box of ours that the caller owns and gives up (C API
    // contract, rule 4); the instance handle it lent out goes with it, as wasm.h says.
    unsafe { crate::capi::delete_boxed(frame) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(frame: *const wasm_frame_t) -> *mut wasm_frame_t {
    // SAFETY: `frame` is NULL or a live `wasm_frame_t` (C API contract, rule 1).
    match unsafe { frame.as_ref() } {
        Some(f) => frame_box(&f.frame, &f.store),
        None => std::ptr::null_mut(),
    }
}

/// The instance the frame ran in (owned by the frame; NULL when unknown).
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(frame: *const wasm_frame_t) -> *mut wasm_instance_t {
    // SAFETY: `frame` is NULL or a live `wasm_frame_t` (C API contract, rule 1), used by one
    // thread at a time, so the `OnceCell` is not raced.
    let Some(f) = (unsafe { frame.as_ref() }) else { return std::ptr::null_mut() };
    let handle = f.instance.get_or_init(|| {
        f.frame
            .instance
            .as_ref()
            .map(|i| Box::new(wasm_ref_t { obj: Object::Instance(i.clone()), store: f.store.clone() }))
    });
    match handle {
        Some(h) => &**h as *const wasm_ref_t as *mut wasm_instance_t,
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(frame: *const wasm_frame_t) -> u32 {
    // SAFETY: `frame` is NULL or a live `wasm_frame_t` (C API contract, rule 1).
    unsafe { frame.as_ref() }.map_or(0, |f| f.frame.func_index)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(frame: *const wasm_frame_t) -> usize {
    // SAFETY: `frame` is NULL or a live `wasm_frame_t` (C API contract, rule 1).
    unsafe { frame.as_ref() }.map_or(0, |f| f.frame.func_offset)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(frame: *const wasm_frame_t) -> usize {
    // SAFETY: `frame` is NULL or a live `wasm_frame_t` (C API contract, rule 1).
    unsafe { frame.as_ref() }.map_or(0, |f| f.frame.module_offset)
}
