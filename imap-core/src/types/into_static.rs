//! Detaching parsed values from the bytes they borrow.

use crate::types::IString;
use std::borrow::Cow;

/// A value that can give up its borrows: `Response<'a>` becomes
/// `Response<'static>` by copying what it borrowed from the frame.
///
/// Derived with `#[derive(IntoStatic)]` for the whole typed model.
///
/// ```
/// use imap_core::types::{IntoStatic, Response};
///
/// fn keep(input: &[u8]) -> Response<'static> {
///     let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
///     imap_core::parse(&frame).unwrap().into_static()
/// }
/// let kept = keep(b"* 1 FETCH (FLAGS (\\Seen))\r\n");
/// assert!(matches!(kept, Response::Data(_)));
/// ```
pub trait IntoStatic {
    /// The detached type.
    type Static: 'static;

    /// Copies whatever is borrowed.
    fn into_static(self) -> Self::Static;
}

macro_rules! already_static {
    ($($ty:ty),*) => {$(
        impl IntoStatic for $ty {
            type Static = $ty;

            fn into_static(self) -> $ty {
                self
            }
        }
    )*};
}
already_static!(u8, u16, u32, u64, i16, i64, char, bool, String);

impl IntoStatic for Cow<'_, str> {
    type Static = Cow<'static, str>;

    fn into_static(self) -> Self::Static {
        Cow::Owned(self.into_owned())
    }
}

impl IntoStatic for IString<'_> {
    type Static = IString<'static>;

    fn into_static(self) -> Self::Static {
        self.into_owned()
    }
}

impl<T: IntoStatic> IntoStatic for Option<T> {
    type Static = Option<T::Static>;

    fn into_static(self) -> Self::Static {
        self.map(T::into_static)
    }
}

impl<T: IntoStatic> IntoStatic for Vec<T> {
    type Static = Vec<T::Static>;

    fn into_static(self) -> Self::Static {
        self.into_iter().map(T::into_static).collect()
    }
}

impl<T: IntoStatic> IntoStatic for Box<T> {
    type Static = Box<T::Static>;

    fn into_static(self) -> Self::Static {
        Box::new((*self).into_static())
    }
}
