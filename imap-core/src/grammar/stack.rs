//! Recursion as deep as the input nests, on any thread's stack: the
//! recognizer and the conversions of recursive rules continue on a new stack
//! segment when the current one runs low.

/// Runs `f`, on a new stack segment when this thread's stack is low if
/// `recursive`: the derive wraps every conversion in it, `recursive` being a
/// constant that says whether the rule nests in itself, so nesting as deep
/// as the framer allows converts on any thread (2 MiB spawned stacks too)
/// and the other rules pay nothing.
#[inline(always)]
pub fn deep<T>(recursive: bool, f: impl FnOnce() -> T) -> T {
    if recursive {
        stacker::maybe_grow(128 << 10, 2 << 20, f)
    } else {
        f()
    }
}
