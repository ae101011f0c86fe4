//! The paths and literals the generated code names the runtime and the spec's positions by.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use token_spec::NodeId;

/// The runtime module the generated validators call.
pub(super) fn v() -> TokenStream {
    quote!(::token_validate::__private::v)
}

/// `NodeId(n)`.
pub(super) fn nid(id: NodeId) -> TokenStream {
    let v = v();
    let n = Literal::u32_unsuffixed(id.0);
    quote!(#v::NodeId(#n))
}

pub(super) fn lit_usize(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}
