//! Per-store resource limits: total linear-memory bytes, total table elements, and the number
//! of instances, memories and tables a store may hold at once. Every creation and every growth
//! charges the store's account first and gives the amount back when it fails or the object
//! goes, so a guest (or many instances of one) cannot exhaust the host beyond what the
//! embedder allowed. Unlimited until the embedder sets limits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What is counted.
#[derive(Clone, Copy, Debug)]
pub enum Resource {
    MemoryBytes = 0,
    TableElements = 1,
    Instances = 2,
    Memories = 3,
    Tables = 4,
    /// Bytes of GC objects (structs, arrays, host objects that entered wasm).
    GcHeapBytes = 5,
}

impl Resource {
    fn name(self) -> &'static str {
        ["linear-memory bytes", "table elements", "instances", "memories", "tables", "GC heap bytes"][self as usize]
    }
}

/// A store's limits and current usage. Shared (`Arc`) by the store and everything charged to it,
/// so usage is given back correctly whichever goes first.
pub struct Account {
    limits: [AtomicU64; 6],
    usage: [AtomicU64; 6],
}

impl Default for Account {
    fn default() -> Account {
        Account { limits: std::array::from_fn(|_| AtomicU64::new(u64::MAX)), usage: Default::default() }
    }
}

impl Account {
    pub fn set_limit(&self, what: Resource, limit: u64) {
        self.limits[what as usize].store(limit, Ordering::Relaxed);
    }

    /// The limit on `what` (`u64::MAX` when unlimited).
    pub fn limit(&self, what: Resource) -> u64 {
        self.limits[what as usize].load(Ordering::Relaxed)
    }

    /// Charges `amount`; fails (charging nothing) if the limit would be exceeded.
    pub fn charge(&self, what: Resource, amount: u64) -> Result<(), String> {
        let usage = &self.usage[what as usize];
        let limit = self.limits[what as usize].load(Ordering::Relaxed);
        let mut current = usage.load(Ordering::Relaxed);
        loop {
            let new = current.checked_add(amount).filter(|n| *n <= limit).ok_or_else(|| {
                format!(
                    "store resource limit reached: {} {} in use, limit {limit}, {amount} more requested",
                    current,
                    what.name()
                )
            })?;
            match usage.compare_exchange_weak(current, new, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Ok(()),
                Err(seen) => current = seen,
            }
        }
    }

    /// How much of `what` is in use now.
    pub fn usage(&self, what: Resource) -> u64 {
        self.usage[what as usize].load(Ordering::Relaxed)
    }

    pub fn refund(&self, what: Resource, amount: u64) {
        self.usage[what as usize].fetch_sub(amount, Ordering::Relaxed);
    }
}

/// One object's charge to an account: given back when dropped.
pub struct Charge {
    account: Arc<Account>,
    what: Resource,
    amount: u64,
}

impl Charge {
    pub fn new(account: &Arc<Account>, what: Resource, amount: u64) -> Result<Charge, String> {
        account.charge(what, amount)?;
        Ok(Charge { account: account.clone(), what, amount })
    }

    /// Charges `more` on top (e.g. a memory or table growing).
    pub fn grow(&mut self, more: u64) -> bool {
        if self.account.charge(self.what, more).is_err() {
            return false;
        }
        self.amount += more;
        true
    }
}

impl Charge {
    /// Gives `less` back (undoing a `grow` whose allocation then failed).
    pub fn shrink(&mut self, less: u64) {
        let less = less.min(self.amount);
        self.account.refund(self.what, less);
        self.amount -= less;
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.account.refund(self.what, self.amount);
    }
}

/// What a growable object (a memory or a table) charges its store: its size and itself. Empty
/// until `attach`; growth of an unattached object is not counted.
#[derive(Default)]
pub struct SizeCharge(std::cell::UnsafeCell<Option<(Charge, Charge)>>);

impl SizeCharge {
    /// Charges one `count` and `size` units of `size_what` to `account`.
    pub fn attach(
        &mut self,
        account: &Arc<Account>,
        size_what: Resource,
        count: Resource,
        size: u64,
    ) -> Result<(), String> {
        let count = Charge::new(account, count, 1)?;
        let size = Charge::new(account, size_what, size)?;
        *self.0.get_mut() = Some((size, count));
        Ok(())
    }

    /// The size charge, mutably.
    ///
    /// # Safety
    /// No other reference to it may be live: only `grow` and `shrink` take it, for their own
    /// duration, on the thread using the owning memory or table's store (they do not nest).
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation (# Safety)
    unsafe fn size(&self) -> Option<&mut Charge> {
        // SAFETY: exclusivity is the caller's obligation.
        unsafe { (*self.0.get()).as_mut().map(|(size, _)| size) }
    }

    /// Charges `more` size units; false (nothing charged) past the limit.
    pub fn grow(&self, more: u64) -> bool {
        // SAFETY: the one reference, used within this call on the store's thread.
        unsafe { self.size() }.is_none_or(|size| size.grow(more))
    }

    /// Gives back `less` size units (a growth whose allocation then failed).
    pub fn shrink(&self, less: u64) {
        // SAFETY: as in `grow`.
        if let Some(size) = unsafe { self.size() } {
            size.shrink(less);
        }
    }
}
