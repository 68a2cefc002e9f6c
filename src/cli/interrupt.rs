//! SIGINT, SIGTERM and SIGHUP during `sigc build`: an interrupt never leaves an output folder
//! between two builds, and an interrupted run never exits 0.
//!
//! The handler is a plain `sigaction` handler and does only async-signal-safe things (atomics,
//! `write(2)`, `_exit(2)`). What it does depends on the phase the writer announced:
//!
//! - [`Phase::Idle`] (compiling, between environments, after the last one): nothing on disk is in
//!   flux, so it prints one line and `_exit`s with 128 + the signal.
//! - [`Phase::Staging`] (new files going into the temp folder beside the output): it only records
//!   the signal; the writer polls [`pending`] after every file, removes its temp folder and stops.
//! - [`Phase::Commit`] (the renames that swap the new files in): it only records the signal; the
//!   writer finishes the commit (a handful of renames), then reports the interrupt and exits with
//!   128 + the signal. The folder then holds the new build.
//!
//! The writer stores the phase and then reads the pending signal; the handler stores the signal and
//! then reads the phase (both sequentially consistent), so at least one side sees the other:
//! a signal is either acted on by the handler or seen by the writer, never lost.

use std::sync::atomic::{AtomicI32, AtomicU8, Ordering::SeqCst};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Idle = 0,
    Staging = 1,
    Commit = 2,
}

static PHASE: AtomicU8 = AtomicU8::new(Phase::Idle as u8);
static PENDING: AtomicI32 = AtomicI32::new(0);

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (once per process; `build` only).
/// A signal the parent set to be ignored (`nohup`, a background job) stays ignored.
pub fn install() {
    #[cfg(unix)]
    {
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: a zeroed sigaction with a valid handler address, an empty mask and
            // SA_RESTART is a valid argument; the handler only calls async-signal-safe functions.
            unsafe {
                let mut current: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut current) == 0 && current.sa_sigaction == libc::SIG_IGN {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(unix)]
extern "C" fn on_signal(sig: libc::c_int) {
    PENDING.store(sig, SeqCst);
    if PHASE.load(SeqCst) == Phase::Idle as u8 {
        const MSG: &[u8] = b"sigc: interrupted; every output folder holds its earlier or its new build, whole\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; MSG is a static buffer.
        unsafe {
            libc::write(2, MSG.as_ptr().cast(), MSG.len());
            libc::_exit(128 + sig);
        }
    }
}

/// Announces what the writer is doing now (see the module documentation).
pub fn enter(phase: Phase) {
    PHASE.store(phase as u8, SeqCst);
}

/// The signal received and not yet acted on, if any.
pub fn pending() -> Option<i32> {
    match PENDING.load(SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// The exit code for an interrupt by `sig` (the shell's convention, 128 + the signal).
pub fn exit_code(sig: i32) -> u8 {
    u8::try_from(128 + sig).unwrap_or(130)
}
